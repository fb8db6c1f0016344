// Bulk reads of float samples: what a loop of next(), atT() and atV() does, in one call.
import type { FloatBuffer, SampleIterator } from './iterator.js';
import { ValueType } from './value-type.js';

/**
 * Reads float samples of `it` in bulk: writes the current sample into `buf` (at `buf.n`), then the
 * samples after it, advancing past each one written, until a sample that is not a float, has a
 * timestamp later than `maxT` (ms) or a known start timestamp (`atST() !== 0`), or the buffer is full,
 * or the end. The first sample not written is then the current one (as after `next()`), and its type
 * is returned (`ValueType.None` at the end: check `err()` as after `next()`).
 *
 * The caller must be on a float sample with a timestamp at or before `maxT` and an unknown start
 * timestamp, with room for one point in `buf`. Uses the iterator's own `readFloats` when it has one
 * (a chunk decoded in one loop), else the loop of `next()` any iterator supports.
 */
export function readFloats(it: SampleIterator, buf: FloatBuffer, maxT: number): ValueType {
  if (it.readFloats !== undefined) return it.readFloats(buf, maxT);
  return readFloatsOneByOne(it, buf, maxT);
}

/** `readFloats` as a loop of `next()`, `atT()`, `atV()` and `atST()`: for any iterator. */
export function readFloatsOneByOne(it: SampleIterator, buf: FloatBuffer, maxT: number): ValueType {
  const ts = buf.ts;
  const vs = buf.vs;
  const end = ts.length < vs.length ? ts.length : vs.length;
  let n = buf.n;
  ts[n] = it.atT();
  vs[n++] = it.atV();
  let vt: ValueType;
  for (;;) {
    vt = it.next();
    if (n === end || vt !== ValueType.Float) break;
    const t = it.atT();
    if (t > maxT || it.atST() !== 0) break;
    ts[n] = t;
    vs[n++] = it.atV();
  }
  buf.n = n;
  return vt;
}
