// Prometheus: tsdb/wlog/checkpoint.go Checkpoint, LastCheckpoint, DeleteCheckpoints, checkpointDir
import { open, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { RecordDecoder } from '../record/record-decoder.js';
import { RecordEncoder } from '../record/record-encoder.js';
import { RecordType } from '../record/record-type.js';
import {
  newRefSamples,
  newSeriesRefs,
  type RefExemplar,
  type RefFloatHistogramSample,
  type RefHistogramSample,
  type RefMetadata,
  type Stone,
} from '../record/ref-types.js';
import { TimeSlicer } from '../time-slicer.js';
import { CorruptionError } from './errors.js';
import { SegmentsReader } from './segments-reader.js';
import { WL } from './wl.js';
import type { WalCompression } from './wlog-constants.js';

const CHECKPOINT_PREFIX = 'checkpoint.';
/** Records from this size on are written as they come rather than copied into a batch. */
const directWriteBytes = 64 * 1024;

/** Counts of what a checkpoint kept and dropped (Prometheus `CheckpointStats`). */
export interface CheckpointStats {
  droppedSeries: number;
  droppedSamples: number;
  droppedTombstones: number;
  droppedExemplars: number;
  droppedMetadata: number;
  totalSeries: number;
  totalSamples: number;
  totalTombstones: number;
  totalExemplars: number;
  totalMetadata: number;
}

/** A checkpoint directory and the last WAL segment it covers. */
export interface CheckpointRef {
  dir: string;
  index: number;
}

/** A checkpoint creation that found damage in its input; the WAL cannot be repaired then. */
export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
}

/** Prometheus: wlog.checkpointDir. `dir/checkpoint.NNNNNNNN`. */
export function checkpointDir(dir: string, i: number): string {
  return join(dir, `${CHECKPOINT_PREFIX}${String(i).padStart(8, '0')}`);
}

async function listCheckpoints(dir: string): Promise<CheckpointRef[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: CheckpointRef[] = [];
  for (const n of names) {
    if (!n.startsWith(CHECKPOINT_PREFIX)) continue;
    const rest = n.slice(CHECKPOINT_PREFIX.length);
    // Temporary `checkpoint.N.tmp` dirs do not parse and are skipped, as in Prometheus.
    if (!/^\d+$/.test(rest)) continue;
    out.push({ dir: join(dir, n), index: Number(rest) });
  }
  out.sort((a, b) => a.index - b.index);
  return out;
}

/**
 * Prometheus: wlog.LastCheckpoint. The checkpoint with the highest index in WAL directory `dir`,
 * or undefined when there is none.
 */
export async function lastCheckpoint(dir: string): Promise<CheckpointRef | undefined> {
  const cps = await listCheckpoints(dir);
  return cps[cps.length - 1];
}

/** Prometheus: wlog.DeleteCheckpoints. Deletes the checkpoints of `dir` with index below `maxIndex`. */
export async function deleteCheckpoints(dir: string, maxIndex: number): Promise<void> {
  for (const cp of await listCheckpoints(dir)) {
    if (cp.index >= maxIndex) break;
    await rm(cp.dir, { recursive: true, force: true });
  }
}

/** Options of {@link checkpoint}. */
export interface CheckpointOptions {
  /** Compression of the checkpoint's records. Default 'none'. */
  compression?: WalCompression;
  /** Segment size of the checkpoint. Default 128 MiB. */
  segmentSize?: number;
  /**
   * Length of the slices the work is done in, ms: the event loop gets a turn between slices.
   * Default `DEFAULT_SLICE_MS` (10).
   */
  sliceMs?: number;
}

/**
 * Prometheus: wlog.Checkpoint. Writes `checkpoint.<to>` in WAL directory `walDir`: the previous
 * checkpoint (if any) plus segments `[from, to]`, keeping series and metadata whose ref passes
 * `keep`, samples, histograms and exemplars at or after `mint` (ms), tombstones of kept series
 * reaching `mint`, and only the latest metadata per series. Other record types (m-map markers,
 * unknown) are dropped. The result is built in `checkpoint.<to>.tmp`, fsynced, then renamed into
 * place. Damage in the input rejects with {@link CheckpointError}: repairing is not an option
 * then, since the head would not know which series were lost. Segments are not deleted; call
 * `WL.truncate(to + 1)` and `deleteCheckpoints(walDir, to)` after.
 *
 * Segments are read asynchronously in pieces of a few pages, and the records are filtered in
 * slices of `sliceMs` with the event loop free between them; series and samples records are
 * filtered without decoding labels or allocating per sample, and records kept whole are copied as
 * they are.
 * `keep` is called between slices' awaits: the head may change meanwhile, as Prometheus's may.
 */
export async function checkpoint(
  walDir: string,
  from: number,
  to: number,
  keep: (ref: number) => boolean,
  mint: number,
  opts: CheckpointOptions = {},
): Promise<CheckpointStats> {
  const stats: CheckpointStats = {
    droppedSeries: 0,
    droppedSamples: 0,
    droppedTombstones: 0,
    droppedExemplars: 0,
    droppedMetadata: 0,
    totalSeries: 0,
    totalSamples: 0,
    totalTombstones: 0,
    totalExemplars: 0,
    totalMetadata: 0,
  };
  const last = await lastCheckpoint(walDir);
  if (last !== undefined) {
    if (from > last.index + 1) {
      throw new CheckpointError(`unexpected gap to last checkpoint: expected ${last.index + 1}, requested ${from}`);
    }
    // WAL segments below the checkpoint should not exist any more; ignore them if they do.
    from = last.index + 1;
  }

  const cpdir = checkpointDir(walDir, to);
  const cpdirtmp = `${cpdir}.tmp`;
  await rm(cpdirtmp, { recursive: true, force: true });
  const cp = await WL.open(cpdirtmp, { compression: opts.compression ?? 'none', segmentSize: opts.segmentSize });
  const dec = new RecordDecoder();
  const enc = new RecordEncoder();
  const latestMetadata = new Map<number, RefMetadata>();
  // Scratch columns for samples and series entries, reused across records.
  let samples = newRefSamples(1024);
  const series = newSeriesRefs(1024);
  let batch: Uint8Array[] = [];
  let batchBytes = 0;
  const flush = (): void => {
    if (batch.length === 0) return;
    cp.logSync(batch);
    batch = [];
    batchBytes = 0;
  };
  // A checkpoint of a big WAL takes seconds: it runs in slices so the event loop stays free.
  const slicer = new TimeSlicer(opts.sliceMs);

  const keepSeries = (rec: Uint8Array): Uint8Array | undefined => {
    const n = dec.seriesRefsInto(rec, series);
    const { refs, ends } = series;
    let kept = 0;
    let keptBytes = 0;
    for (let i = 0; i < n; i++) {
      if (!keep(refs[i]!)) {
        refs[i] = -1;
        continue;
      }
      kept++;
      keptBytes += ends[i]! - (i === 0 ? 1 : ends[i - 1]!);
    }
    stats.totalSeries += n;
    stats.droppedSeries += n - kept;
    if (kept === 0) return undefined;
    if (kept === n) return rec;
    // The kept entries' bytes as they are: the same record the encoder would write for them.
    const out = new Uint8Array(1 + keptBytes);
    out[0] = RecordType.Series;
    let o = 1;
    for (let i = 0; i < n; i++) {
      if (refs[i] === -1) continue;
      const start = i === 0 ? 1 : ends[i - 1]!;
      out.set(rec.subarray(start, ends[i]!), o);
      o += ends[i]! - start;
    }
    return out;
  };

  const keepSamples = (rec: Uint8Array): Uint8Array | undefined => {
    samples.length = 0;
    const n = dec.samplesInto(rec, samples);
    const { refs, ts, vs } = samples;
    let kept = 0;
    for (let i = 0; i < n; i++) {
      if (ts[i]! < mint) continue;
      refs[kept] = refs[i]!;
      ts[kept] = ts[i]!;
      vs[kept++] = vs[i]!;
    }
    stats.totalSamples += n;
    stats.droppedSamples += n - kept;
    if (kept === 0) return undefined;
    if (kept === n) return rec;
    samples.length = kept;
    return enc.samplesColumnar(samples);
  };

  const process = async (r: SegmentsReader): Promise<void> => {
    let n = 0;
    let bytes = 0;
    do {
      while (r.next()) {
        const rec = r.record();
        // Let scrapes and queries run between slices of a long checkpoint: the clock is read every
        // 64 records or 64 KiB, whichever comes first.
        bytes += rec.length;
        if (++n === 64 || bytes >= 65536) {
          n = 0;
          bytes = 0;
          if (slicer.due()) await slicer.yield();
        }
        let out: Uint8Array | Uint8Array[] | undefined;
        switch (dec.type(rec)) {
          case RecordType.Series:
            out = keepSeries(rec);
            break;
          case RecordType.Samples:
            out = keepSamples(rec);
            break;
          case RecordType.HistogramSamples:
          case RecordType.CustomBucketsHistogramSamples: {
            const hs = dec.histogramSamples(rec);
            const kept: RefHistogramSample[] = hs.filter((s) => s.t >= mint);
            if (kept.length > 0) out = enc.histogramSamples(kept);
            stats.totalSamples += hs.length;
            stats.droppedSamples += hs.length - kept.length;
            break;
          }
          case RecordType.FloatHistogramSamples:
          case RecordType.CustomBucketsFloatHistogramSamples: {
            const hs = dec.floatHistogramSamples(rec);
            const kept: RefFloatHistogramSample[] = hs.filter((s) => s.t >= mint);
            if (kept.length > 0) out = enc.floatHistogramSamples(kept);
            stats.totalSamples += hs.length;
            stats.droppedSamples += hs.length - kept.length;
            break;
          }
          case RecordType.Tombstones: {
            const stones = dec.tombstones(rec);
            // Prometheus Checkpoint: only tombstones of series kept and reaching mint.
            const kept: Stone[] = stones.filter((s) => keep(s.ref) && s.intervals.some((iv) => iv.maxt >= mint));
            if (kept.length > 0) out = enc.tombstones(kept);
            stats.totalTombstones += stones.length;
            stats.droppedTombstones += stones.length - kept.length;
            break;
          }
          case RecordType.Exemplars: {
            const exs = dec.exemplars(rec);
            const kept: RefExemplar[] = exs.filter((e) => e.t >= mint);
            if (kept.length > 0) out = enc.exemplars(kept);
            stats.totalExemplars += exs.length;
            stats.droppedExemplars += exs.length - kept.length;
            break;
          }
          case RecordType.Metadata: {
            const md = dec.metadata(rec);
            let n = 0;
            for (const m of md) {
              if (!keep(m.ref)) continue;
              if (!latestMetadata.has(m.ref)) n++;
              latestMetadata.set(m.ref, m);
            }
            stats.totalMetadata += md.length;
            stats.droppedMetadata += md.length - n;
            break;
          }
          default:
            // M-map markers are not needed once chunks are replayed; unknown types come from newer versions.
            break;
        }
        if (out === undefined) continue;
        for (const o of Array.isArray(out) ? out : [out]) {
          // A record kept whole is the reader's view, valid until its next record.
          if (o.length >= directWriteBytes) {
            // Big records are written at once, with no copy.
            flush();
            cp.logSync([o]);
            continue;
          }
          batch.push(o === rec ? o.slice() : o);
          batchBytes += o.length;
        }
        // Small records are written in 1 MiB batches, as Prometheus does.
        if (batchBytes > 1024 * 1024) flush();
      }
    } while (await r.fill());
    const err = r.err();
    if (err !== undefined) {
      const where = err instanceof CorruptionError ? ` (segment ${err.segment}, offset ${err.offset})` : '';
      throw new CheckpointError(`read segments${where}: ${err.message}`, { cause: err });
    }
  };

  try {
    // The previous checkpoint's segments first, then the WAL's, read in pieces of a few pages
    // without blocking the event loop (never a whole segment in memory).
    const sources: [string, { from?: number; to?: number }][] = [];
    if (last !== undefined) sources.push([last.dir, {}]);
    sources.push([walDir, { from, to }]);
    for (const [d, range] of sources) {
      const r = await SegmentsReader.open(d, range);
      try {
        await process(r);
      } finally {
        await r.close();
      }
      // A huge samples record may have grown the scratch columns: do not keep them for good.
      if (samples.refs.length > 1 << 16) samples = newRefSamples(1024);
    }
    flush();
    if (latestMetadata.size > 0) cp.logSync([enc.metadata([...latestMetadata.values()])]);
    await cp.close();
  } catch (err) {
    await cp.close().catch(() => undefined); // The tmp dir is removed below; the first error matters.
    await rm(cpdirtmp, { recursive: true, force: true });
    throw err;
  }
  await syncDir(cpdirtmp);
  await rm(cpdir, { recursive: true, force: true });
  await rename(cpdirtmp, cpdir);
  await syncDir(walDir);
  return stats;
}

async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
