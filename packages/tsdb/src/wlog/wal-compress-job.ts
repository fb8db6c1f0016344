// What the WAL compression worker does with a job, apart from the thread: the records of one
// log() call packed in one buffer, compressed into one buffer (the transfers move, not copy). Both
// buffers go back and forth for reuse, so that a busy WAL allocates none.
import { SnappyEncoder, snappyMaxEncodedLength } from './snappy-encoder.js';

/**
 * Records to compress: `bytes` holds them back to back, `lengths[i]` bytes each. `out`, when
 * given, is a buffer for the result (used if large enough).
 */
export interface CompressJob {
  id: number;
  bytes: Uint8Array<ArrayBuffer>;
  lengths: number[];
  out: ArrayBuffer | undefined;
}

/**
 * The records of a job compressed, back to back in `bytes`: `lengths[i]` is the compressed length
 * of record i, or -1 when compression would not shrink it (it is then written as it is, as
 * WL.log does).
 */
export interface CompressResult {
  id: number;
  bytes: Uint8Array<ArrayBuffer>;
  lengths: number[];
  /** The job's `bytes` buffer, given back for reuse. */
  input: ArrayBuffer;
}

const encoder = new SnappyEncoder(0);

/** Compresses the records of `job` (see {@link CompressResult}). */
export function compressJob(job: CompressJob): CompressResult {
  const { bytes, lengths } = job;
  let max = 0;
  for (const l of lengths) max += l > 0 ? snappyMaxEncodedLength(l) : 0;
  const out =
    job.out !== undefined && job.out.byteLength >= max ? new Uint8Array(job.out, 0, max) : new Uint8Array(max);
  const outLengths = new Array<number>(lengths.length);
  let src = 0;
  let dst = 0;
  for (let i = 0; i < lengths.length; i++) {
    const l = lengths[i]!;
    if (l === 0) {
      outLengths[i] = -1;
      continue;
    }
    const c = encoder.encodeInto(bytes.subarray(src, src + l), out.subarray(dst));
    src += l;
    if (c.length < l) {
      outLengths[i] = c.length;
      dst += c.length;
    } else outLengths[i] = -1;
  }
  return { id: job.id, bytes: out, lengths: outLengths, input: bytes.buffer };
}
