// Prometheus: the replay loop of tsdb/head_wal.go loadWAL reads segments with wlog.Reader and
// hands corruption to WL.Repair; this is that reading half.
import type { CorruptionError } from './errors.js';
import { SegmentsReader } from './segments-reader.js';
import { TimeSlicer } from '../time-slicer.js';

/** What {@link readAllRecords} read. */
export interface ReadAllResult {
  /** Records delivered. */
  records: number;
  /** The damage that stopped reading, if any; pass it to `repair()`. */
  corruption?: CorruptionError;
}

/**
 * Reads every record of the WAL segments in `dir` (those in `[from, to]` when given) in order and
 * calls `onRecord` with each. The record view is valid only during the call. Segments are read in
 * bounded pieces (see {@link SegmentsReader}) and the event loop gets a turn every few
 * milliseconds (`slicer`), so a long WAL does not hold it. Stops at the first damage and returns
 * it as `corruption` (everything before it was delivered). Other failures (I/O, errors thrown by
 * `onRecord`) reject.
 */
export async function readAllRecords(
  dir: string,
  onRecord: (rec: Uint8Array, segment: number) => void,
  range: { from?: number; to?: number } = {},
  slicer: TimeSlicer = new TimeSlicer(),
): Promise<ReadAllResult> {
  const r = await SegmentsReader.open(dir, range);
  let records = 0;
  try {
    do {
      while (r.next()) {
        onRecord(r.record(), r.segment());
        // The clock is read once per 64 records: small records are cheap.
        if ((++records & 63) === 0 && slicer.due()) await slicer.yield();
      }
      await slicer.maybeYield();
    } while (await r.fill());
  } finally {
    await r.close();
  }
  const corruption = r.err();
  return corruption === undefined ? { records } : { records, corruption };
}
