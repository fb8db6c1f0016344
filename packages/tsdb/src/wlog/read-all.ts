// Prometheus: the replay loop of tsdb/head_wal.go loadWAL reads segments with wlog.Reader and
// hands corruption to WL.Repair; this is that reading half.
import { CorruptionError } from './errors.js';
import { WLReader } from './wl-reader.js';

/** What {@link readAllRecords} read. */
export interface ReadAllResult {
  /** Records delivered. */
  records: number;
  /** The damage that stopped reading, if any; pass it to `repair()`. */
  corruption?: CorruptionError;
}

/**
 * Reads every record of the WAL segments in `dir` (those in `[from, to]` when given) in order and
 * calls `onRecord` with each. The record view is valid only during the call. Stops at the first
 * damage and returns it as `corruption` (everything before it was delivered). Other failures
 * (I/O, zstd records, errors thrown by `onRecord`) reject.
 */
export async function readAllRecords(
  dir: string,
  onRecord: (rec: Uint8Array, segment: number) => void,
  range: { from?: number; to?: number } = {},
): Promise<ReadAllResult> {
  const r = await WLReader.open(dir, range);
  let records = 0;
  while (r.next()) {
    onRecord(r.record(), r.segment());
    records++;
  }
  const err = r.err();
  if (err === undefined) return { records };
  if (err instanceof CorruptionError) return { records, corruption: err };
  throw err;
}
