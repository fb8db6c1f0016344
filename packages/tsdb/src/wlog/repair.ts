// Prometheus: tsdb/wlog/wlog.go WL.Repair
import { open, stat, unlink } from 'node:fs/promises';
import type { CorruptionError } from './errors.js';
import { listSegments, segmentName } from './segments.js';
import { PAGE_SIZE } from './wlog-constants.js';

/** What {@link repair} removed. */
export interface RepairResult {
  /** The damaged segment, cut at `offset`. */
  segment: number;
  offset: number;
  /** Bytes dropped: the damaged segment from `offset` on, plus all later segments. */
  droppedBytes: number;
  /** Indexes of the later segments that were deleted. */
  droppedSegments: number[];
}

/**
 * Prometheus: WL.Repair. Cuts the WAL in `dir` at the damage `err` reported: the damaged segment
 * keeps every record before `err.offset` (its last page zero padded) and all later segments are
 * deleted, since records after a lost one may depend on it. Call it before `WL.open()` on the
 * same directory. Records before the damage are kept byte for byte.
 */
export async function repair(dir: string, err: CorruptionError): Promise<RepairResult> {
  if (err.segment < 0) throw new Error('corruption error does not specify a position', { cause: err });
  const droppedSegments: number[] = [];
  let droppedBytes = 0;
  for (const s of await listSegments(dir)) {
    if (s.index <= err.segment) continue;
    droppedBytes += (await stat(s.path)).size;
    await unlink(s.path);
    droppedSegments.push(s.index);
  }
  const path = segmentName(dir, err.segment);
  const fh = await open(path, 'r+');
  try {
    const size = (await fh.stat()).size;
    const cut = Math.min(err.offset, size);
    droppedBytes += size - cut;
    // Pad the last kept page with zeros, as Prometheus does after rewriting the kept records.
    const padEnd = Math.ceil(cut / PAGE_SIZE) * PAGE_SIZE;
    await fh.truncate(cut);
    if (padEnd > cut) await fh.write(new Uint8Array(padEnd - cut), 0, padEnd - cut, cut);
    await fh.sync();
  } finally {
    await fh.close();
  }
  return { segment: err.segment, offset: err.offset, droppedBytes, droppedSegments };
}
