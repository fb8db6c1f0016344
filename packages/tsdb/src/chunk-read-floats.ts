// Bulk reads of float samples from one chunk's iterator, for the head and block iterators.
import { type FloatBuffer, readFloats, type SampleIterator, ValueType } from '@tsprom/storage-interfaces';

/** chunkenc's XORIterator.decodeInto: the samples after the current one, decoded in one loop. */
interface BatchDecoder extends SampleIterator {
  decodeInto(ts: Float64Array, vs: Float64Array, offset: number, maxT: number): number;
}

function isBatchDecoder(it: SampleIterator): it is BatchDecoder {
  return typeof (it as Partial<BatchDecoder>).decodeInto === 'function';
}

/**
 * `readFloats` (storage-interfaces) on the iterator of one chunk: an XOR chunk is decoded straight
 * into the buffer. Returns `ValueType.None` when the chunk ended (or failed: check `err()`).
 */
export function readChunkFloats(it: SampleIterator, buf: FloatBuffer, maxT: number): ValueType {
  if (!isBatchDecoder(it)) return readFloats(it, buf, maxT);
  const ts = buf.ts;
  const vs = buf.vs;
  const end = ts.length < vs.length ? ts.length : vs.length;
  let n = buf.n;
  ts[n] = it.atT();
  vs[n++] = it.atV();
  if (n < end) n += it.decodeInto(ts, vs, n, maxT);
  buf.n = n;
  // Full: the last sample written is the current one. Else decoding stopped on a sample after
  // maxT (the current one, unwritten) or at the end of the chunk (the current one is the last written).
  if (n === end) return it.next();
  if (it.err() !== undefined) return ValueType.None;
  return it.atT() > maxT ? ValueType.Float : ValueType.None;
}
