// The hot Remote Write 1.0 message (TimeSeries of labels and float samples) read into typed arrays
// without touching storage: where each series' labels lie in the body (and their hash, for the
// SeriesRefCache), and its samples. A receive worker (receive-worker.ts) scans a body off the main
// thread and hands the arrays back (transferred, not copied); the main thread then only looks the
// series up and appends (V1Writer.appendScanned). Anything unusual (exemplars, histograms,
// metadata, labels not in one run, a malformed or unexpected field) makes the scan give up: such a
// body goes through V1Writer.appendEncoded, which reads it as the reference decoder does.
import { hashBytes } from './series-ref-cache.js';

/** A scanned 1.0 body: series `i`'s labels are body[labels[2i], labels[2i+1]), its samples [ends[i-1], ends[i]). */
export interface ScannedV1 {
  readonly series: number;
  readonly labels: Int32Array;
  readonly hashes: Uint32Array;
  readonly ends: Int32Array;
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
  /** Where a receive worker resolved them (SeriesRefMirror): series `i`'s SeriesRefCache id, or -1. */
  readonly ids?: Int32Array;
  /** The SeriesRefCache epoch of `ids`. */
  readonly epoch?: number;
}

const TWO32 = 4294967296;

/** Thrown inside the scan: the body is not one scanUsualV1 takes. */
class Unusual extends Error {}

const UNUSUAL = new Unusual('unusual remote write body');

/** Reads the series of a 1.0 WriteRequest; undefined where the body is not the usual shape. */
export function scanUsualV1(buf: Uint8Array): ScannedV1 | undefined {
  try {
    return new Scanner(buf).scan();
  } catch (err) {
    if (err instanceof Unusual) return undefined;
    throw err;
  }
}

class Scanner {
  readonly #buf: Uint8Array;
  readonly #view: DataView;
  #pos = 0;
  #series = 0;
  #samples = 0;
  #labels = new Int32Array(256);
  #hashes = new Uint32Array(128);
  #ends = new Int32Array(128);
  #ts = new Float64Array(256);
  #vs = new Float64Array(256);

  constructor(buf: Uint8Array) {
    this.#buf = buf;
    this.#view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  scan(): ScannedV1 {
    const len = this.#buf.length;
    while (this.#pos < len) {
      const tag = this.#varint32();
      if (tag === 0x0a) {
        const end = this.#lengthEnd();
        this.#oneSeries(this.#pos, end);
        this.#pos = end;
      } else if (tag === 0x1a) throw UNUSUAL;
      else this.#skip(tag & 7);
    }
    return {
      series: this.#series,
      labels: this.#labels,
      hashes: this.#hashes,
      ends: this.#ends,
      timestamps: this.#ts,
      values: this.#vs,
    };
  }

  #oneSeries(start: number, end: number): void {
    let labStart = -1;
    let labEnd = -1;
    this.#pos = start;
    while (this.#pos < end) {
      const at = this.#pos;
      const tag = this.#varint32();
      if (tag === 0x0a) {
        if (labStart < 0) labStart = at;
        else if (labEnd !== at) throw UNUSUAL;
        labEnd = this.#lengthEnd();
        this.#pos = labEnd;
      } else if (tag === 0x12) {
        const e = this.#lengthEnd();
        if (this.#samples === this.#ts.length) this.#growSamples();
        this.#sample(this.#samples++, e);
      } else if (tag === 0x1a || tag === 0x22) throw UNUSUAL;
      else this.#skip(tag & 7);
    }
    if (this.#pos !== end) throw UNUSUAL;
    if (labStart < 0) labStart = labEnd = start;
    const i = this.#series++;
    if (i === this.#hashes.length) this.#growSeries();
    this.#labels[2 * i] = labStart;
    this.#labels[2 * i + 1] = labEnd;
    this.#hashes[i] = hashBytes(this.#buf, labStart, labEnd);
    this.#ends[i] = this.#samples;
  }

  #sample(i: number, end: number): void {
    let v = 0;
    let t = 0;
    while (this.#pos < end) {
      const tag = this.#varint32();
      if (tag === 0x09) {
        if (this.#pos + 8 > end) throw UNUSUAL;
        v = this.#view.getFloat64(this.#pos, true);
        this.#pos += 8;
      } else if (tag === 0x10) t = this.#int64();
      else this.#skip(tag & 7);
    }
    if (this.#pos !== end) throw UNUSUAL;
    this.#ts[i] = t;
    this.#vs[i] = v;
  }

  #growSamples(): void {
    const ts = new Float64Array(this.#ts.length * 2);
    const vs = new Float64Array(this.#vs.length * 2);
    ts.set(this.#ts);
    vs.set(this.#vs);
    this.#ts = ts;
    this.#vs = vs;
  }

  #growSeries(): void {
    const n = this.#hashes.length * 2;
    const labels = new Int32Array(2 * n);
    const hashes = new Uint32Array(n);
    const ends = new Int32Array(n);
    labels.set(this.#labels);
    hashes.set(this.#hashes);
    ends.set(this.#ends);
    this.#labels = labels;
    this.#hashes = hashes;
    this.#ends = ends;
  }

  #varint32(): number {
    const buf = this.#buf;
    let p = this.#pos;
    let v = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (p >= buf.length) throw UNUSUAL;
      const b = buf[p++]!;
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) {
        this.#pos = p;
        if (v > 0xffffffff) throw UNUSUAL;
        return v;
      }
    }
    throw UNUSUAL;
  }

  /** An int64 varint (two's complement), as proto-reader's readInt64. */
  #int64(): number {
    const buf = this.#buf;
    let p = this.#pos;
    let lo = 0;
    let hi = 0;
    let shift = 0;
    let b: number;
    do {
      if (p >= buf.length || shift > 63) throw UNUSUAL;
      b = buf[p++]!;
      if (shift < 28) lo |= (b & 0x7f) << shift;
      else if (shift === 28) {
        lo |= (b & 0x0f) << 28;
        hi = (b & 0x7f) >> 4;
      } else hi |= (b & 0x7f) << (shift - 32);
      shift += 7;
    } while (b & 0x80);
    this.#pos = p;
    lo >>>= 0;
    hi >>>= 0;
    if ((hi & 0x80000000) === 0) return hi * TWO32 + lo;
    return -((~hi >>> 0) * TWO32 + (~lo >>> 0) + 1);
  }

  #lengthEnd(): number {
    const n = this.#varint32();
    const e = this.#pos + n;
    if (e > this.#buf.length) throw UNUSUAL;
    return e;
  }

  #skip(wt: number): void {
    if (wt === 0) {
      const buf = this.#buf;
      let p = this.#pos;
      for (let k = 0; ; k++) {
        if (p >= buf.length || k >= 10) throw UNUSUAL;
        if (buf[p++]! < 0x80) break;
      }
      this.#pos = p;
    } else if (wt === 1 || wt === 5) {
      const e = this.#pos + (wt === 1 ? 8 : 4);
      if (e > this.#buf.length) throw UNUSUAL;
      this.#pos = e;
    } else if (wt === 2) this.#pos = this.#lengthEnd();
    else throw UNUSUAL;
  }
}

/**
 * Whether the decoder of write-request.ts surely reads every series' labels in `buf` (as scanned
 * into `scan`): each Label field is walked without building strings. The scan has checked the rest
 * of the body and the bounds of each series' label run, not what is inside a Label. Conservative:
 * anything unusual (a varint over four bytes, a group, an unknown wire type) answers false, and
 * the caller then asks the decoder itself. Used on a request refused while appending: when this
 * holds, the decoder would not have refused the body, so the append error is the answer.
 */
export function labelRunsWellFormed(buf: Uint8Array, scan: ScannedV1): boolean {
  const labels = scan.labels;
  for (let i = 0; i < scan.series; i++) {
    const end = labels[2 * i + 1]!;
    let p = labels[2 * i]!;
    while (p < end) {
      // A Label field: the scan has seen tag 0x0a and a length within the run (this reads both again).
      if (shortVarint(buf, p, end) !== 0x0a) return false;
      const n = shortVarint(buf, varintEnd, end);
      if (n < 0) return false;
      p = varintEnd;
      const e = p + n;
      if (e > end || !labelWellFormed(buf, p, e)) return false;
      p = e;
    }
  }
  return true;
}

/** Where the last shortVarint ended. */
let varintEnd = 0;

/** A varint of at most four bytes in `buf[p, end)` (so read alike by every reader); -1 if not. */
function shortVarint(buf: Uint8Array, p: number, end: number): number {
  let v = 0;
  for (let k = 0; k < 4 && p < end; k++) {
    const b = buf[p++]!;
    v |= (b & 0x7f) << (7 * k);
    if (b < 0x80) {
      varintEnd = p;
      return v;
    }
  }
  return -1;
}

/** Whether the Label body `buf[p, end)` holds only fields readLabel reads or skips as the wire says. */
function labelWellFormed(buf: Uint8Array, p: number, end: number): boolean {
  while (p < end) {
    const tag = shortVarint(buf, p, end);
    if (tag < 0) return false;
    p = varintEnd;
    const wt = tag & 7;
    if (wt === 2) {
      const n = shortVarint(buf, p, end);
      if (n < 0) return false;
      p = varintEnd + n;
    } else if (wt === 0) {
      if (shortVarint(buf, p, end) < 0) return false;
      p = varintEnd;
    } else if (wt === 1) p += 8;
    else if (wt === 5) p += 4;
    else return false;
    if (p > end) return false;
  }
  return true;
}
