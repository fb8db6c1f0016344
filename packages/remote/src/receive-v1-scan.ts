// The hot Remote Write 1.0 message (TimeSeries of labels and float samples) read into typed arrays
// without touching storage: where each series' labels lie in the body (and their hash, for the
// SeriesRefCache), and its samples. A receive worker (receive-worker.ts) scans a body off the main
// thread and hands the arrays back (transferred, not copied); the main thread then only looks the
// series up and appends (V1Writer.appendScanned). A series with exemplars or native histograms, or
// with its labels not in one run, is only located (`objects`): the main thread decodes that series
// alone with the reference decoder, as V1Writer.appendEncoded does; metadata are located likewise
// (`metadata`), to be checked there. A malformed or unexpected field makes the scan give up: such a
// body goes through V1Writer.appendEncoded, which reads it as the reference decoder does.
import { hashBytes } from './hash-bytes.js';

/** A scanned 1.0 body: series `i`'s labels are body[labels[2i], labels[2i+1]), its samples [ends[i-1], ends[i]). */
export interface ScannedV1 {
  readonly series: number;
  readonly labels: Int32Array;
  /**
   * Series `i`'s hashBytes of its label run. Where a receive worker resolved series `i` (`ids[i]`
   * >= 0) without hashing it, 0: read that one with seriesHash.
   */
  readonly hashes: Uint32Array;
  readonly ends: Int32Array;
  readonly timestamps: Float64Array;
  readonly values: Float64Array;
  /** Where a receive worker resolved them (SeriesRefMirror): series `i`'s SeriesRefCache id, or -1. */
  readonly ids?: Int32Array;
  /** The SeriesRefCache epoch of `ids`. */
  readonly epoch?: number;
  /**
   * Series the scan only located, in order, as pairs: series index `i`, then where its TimeSeries
   * field's length prefix lies in the body (read there with write-request.ts readTimeSeries).
   * Such a series has no samples here; its label run and hash are as any series' when its labels
   * lie in one run (one with exemplars or histograms), else the run is empty (labels split).
   * Absent when there is none.
   */
  readonly objects?: Int32Array;
  /** Where each MetricMetadata field's length prefix lies (readMetadata reads it); absent when there is none. */
  readonly metadata?: Int32Array;
}

/** Series `i`'s label hash (hashBytes) in `scan` of `buf`: hashed here where the scan left it out. */
export function seriesHash(buf: Uint8Array, scan: ScannedV1, i: number): number {
  const ids = scan.ids;
  if (ids === undefined || ids[i]! < 0) return scan.hashes[i]!;
  return hashBytes(buf, scan.labels[2 * i]!, scan.labels[2 * i + 1]!);
}

const TWO32 = 4294967296;

/** Thrown inside the scan: the body is not one scanUsualV1 takes. */
class Unusual extends Error {}

const UNUSUAL = new Unusual('unusual remote write body');

/**
 * Reads the series of a 1.0 WriteRequest; undefined where the body is not the usual shape. With
 * `hashed` false, `hashes` is left zero (a receive worker hashes only the series its mirror does
 * not resolve otherwise: SeriesRefMirror.resolve).
 */
export function scanUsualV1(buf: Uint8Array, hashed = true): ScannedV1 | undefined {
  try {
    return new Scanner(buf, hashed).scan();
  } catch (err) {
    if (err instanceof Unusual) return undefined;
    throw err;
  }
}

// Series and samples of the last body scanned (in this thread): the next body's arrays start that
// large, rather than growing to it again.
let seriesHint = 128;
let samplesHint = 256;

class Scanner {
  readonly #buf: Uint8Array;
  readonly #view: DataView;
  #pos = 0;
  #series = 0;
  #samples = 0;
  #labels = new Int32Array(2 * seriesHint);
  #hashes = new Uint32Array(seriesHint);
  #ends = new Int32Array(seriesHint);
  #ts = new Float64Array(samplesHint);
  #vs = new Float64Array(samplesHint);
  #objects: Int32Array | undefined;
  #objectsLen = 0;
  #metadata: number[] | undefined;
  readonly #hashed: boolean;

  constructor(buf: Uint8Array, hashed: boolean) {
    this.#buf = buf;
    this.#hashed = hashed;
    this.#view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  scan(): ScannedV1 {
    const len = this.#buf.length;
    while (this.#pos < len) {
      const tag = this.#varint32();
      if (tag === 0x0a) {
        const lenAt = this.#pos;
        const end = this.#lengthEnd();
        this.#oneSeries(lenAt, this.#pos, end);
        this.#pos = end;
      } else if (tag === 0x1a) {
        if (this.#metadata === undefined) this.#metadata = [];
        this.#metadata.push(this.#pos);
        this.#pos = this.#lengthEnd();
      } else this.#skip(tag & 7);
    }
    if (this.#series > 0) seriesHint = this.#series;
    if (this.#samples > 0) samplesHint = this.#samples;
    const objects = this.#objects?.slice(0, this.#objectsLen);
    const metadata = this.#metadata === undefined ? undefined : Int32Array.from(this.#metadata);
    return {
      series: this.#series,
      labels: this.#labels,
      hashes: this.#hashes,
      ends: this.#ends,
      timestamps: this.#ts,
      values: this.#vs,
      ...(objects === undefined ? {} : { objects }),
      ...(metadata === undefined ? {} : { metadata }),
    };
  }

  /** The TimeSeries in `[start, end)`, its length prefix at `lenAt`. */
  #oneSeries(lenAt: number, start: number, end: number): void {
    let labStart = -1;
    let labEnd = -1;
    let objects = false;
    let split = false;
    const samples0 = this.#samples;
    this.#pos = start;
    while (this.#pos < end) {
      const at = this.#pos;
      const tag = this.#varint32();
      if (tag === 0x0a) {
        if (labStart < 0) labStart = at;
        else if (labEnd !== at) objects = split = true;
        labEnd = this.#lengthEnd();
        this.#pos = labEnd;
      } else if (tag === 0x12) {
        const e = this.#lengthEnd();
        if (this.#samples === this.#ts.length) this.#growSamples();
        this.#sample(this.#samples++, e);
      } else if (tag === 0x1a || tag === 0x22) {
        // An exemplar or a histogram: the series is the reference decoder's (its bytes are checked there).
        objects = true;
        this.#pos = this.#lengthEnd();
      } else this.#skip(tag & 7);
    }
    if (this.#pos !== end) throw UNUSUAL;
    const i = this.#series++;
    if (i === this.#hashes.length) this.#growSeries();
    if (objects) {
      this.#samples = samples0;
      this.#located(i, lenAt);
    }
    if (labStart < 0 || split) labStart = labEnd = start;
    this.#labels[2 * i] = labStart;
    this.#labels[2 * i + 1] = labEnd;
    this.#hashes[i] = this.#hashed ? hashBytes(this.#buf, labStart, labEnd) : 0;
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

  /** Records series `i` (its length prefix at `lenAt`) as one the main thread decodes. */
  #located(i: number, lenAt: number): void {
    let o = this.#objects;
    if (o === undefined) o = this.#objects = new Int32Array(16);
    else if (this.#objectsLen === o.length) {
      const grown = new Int32Array(2 * o.length);
      grown.set(o);
      o = this.#objects = grown;
    }
    o[this.#objectsLen++] = i;
    o[this.#objectsLen++] = lenAt;
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

  /**
   * A varint of at most 32 bits (tags, lengths), in integer arithmetic: positions stay small
   * integers. Longer or truncated ones are unusual (the reference decoder tells why).
   */
  #varint32(): number {
    const buf = this.#buf;
    const len = buf.length;
    let p = this.#pos;
    if (p >= len) throw UNUSUAL;
    let b = buf[p++]!;
    if (b < 0x80) {
      this.#pos = p;
      return b;
    }
    let v = b & 0x7f;
    for (let shift = 7; shift < 28; shift += 7) {
      if (p >= len) throw UNUSUAL;
      b = buf[p++]!;
      v |= (b & 0x7f) << shift;
      if (b < 0x80) {
        this.#pos = p;
        return v;
      }
    }
    // The fifth byte holds bits 28 to 31: more would pass 32 bits.
    if (p >= len) throw UNUSUAL;
    b = buf[p++]!;
    if (b > 0x0f) throw UNUSUAL;
    this.#pos = p;
    return (v | (b << 28)) >>> 0;
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
  // Series and metadata the scan only located have not been read at all.
  if (scan.objects !== undefined || scan.metadata !== undefined) return false;
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
