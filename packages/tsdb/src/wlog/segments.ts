// Prometheus: tsdb/wlog/wlog.go SegmentName, listSegments, Segments
import { readdir } from 'node:fs/promises';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SegmentGapError } from './errors.js';

/** A segment file of a WAL directory. */
export interface SegmentFile {
  index: number;
  /** Absolute or dir-relative path, as joined from the directory given. */
  path: string;
}

/** Prometheus: wlog.SegmentName. The path of segment `i`: eight zero-padded digits. */
export function segmentName(dir: string, i: number): string {
  return join(dir, String(i).padStart(8, '0'));
}

function parse(dir: string, names: string[]): SegmentFile[] {
  const out: SegmentFile[] = [];
  for (const n of names) {
    // Prometheus parses every all-digit name (strconv.Atoi); checkpoint.N and *.tmp are skipped.
    if (!/^\d+$/.test(n)) continue;
    out.push({ index: Number(n), path: join(dir, n) });
  }
  out.sort((a, b) => a.index - b.index);
  for (let i = 1; i < out.length; i++) {
    if (out[i]!.index !== out[i - 1]!.index + 1) throw new SegmentGapError(dir, out[i - 1]!.index + 1);
  }
  return out;
}

/**
 * Prometheus: wlog.listSegments. The segment files of `dir` in index order. Throws
 * {@link SegmentGapError} when numbers are not consecutive; a missing directory gives [].
 */
export async function listSegments(dir: string): Promise<SegmentFile[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return parse(dir, names);
}

/** Synchronous {@link listSegments}. */
export function listSegmentsSync(dir: string): SegmentFile[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return parse(dir, names);
}

/** Prometheus: wlog.Segments. First and last segment index of `dir`, both -1 when there is none. */
export async function segmentRange(dir: string): Promise<{ first: number; last: number }> {
  const segs = await listSegments(dir);
  if (segs.length === 0) return { first: -1, last: -1 };
  return { first: segs[0]!.index, last: segs[segs.length - 1]!.index };
}
