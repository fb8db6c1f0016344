// Prometheus: tsdb/ooo_head.go OOOChunk (Insert, ToEncodedChunks)
import { newChunk, XORChunk } from '@tsprom/chunkenc';
import {
  type Chunk,
  type ChunkAppender,
  Encoding,
  type FloatHistogram,
  type Histogram,
} from '@tsprom/storage-interfaces';

/** An encoded piece of an out-of-order chunk: samples of one encoding, in time order. */
export interface EncodedOOOChunk {
  chunk: Chunk;
  mint: number;
  maxt: number;
  numSamples: number;
}

/**
 * The open out-of-order chunk of a series: samples kept sorted by time in typed arrays (inserts
 * come in any order), encoded once it holds `oooCapMax` samples. Float samples only need the
 * arrays; a histogram sample is kept beside them (`hs`, created at the first one), by reference.
 */
export class OOOChunk {
  #ts = new Float64Array(8);
  #vs = new Float64Array(8);
  #hs: (Histogram | FloatHistogram | undefined)[] | undefined;
  // Parallel to #hs: whether sample i is a float histogram (a histogram's shape does not tell).
  #fh: boolean[] | undefined;
  #len = 0;

  /** Number of samples held. */
  get length(): number {
    return this.#len;
  }

  /** Timestamp of sample `i` (0 <= i < length). */
  t(i: number): number {
    return this.#ts[i]!;
  }

  /** Value of sample `i` (0 <= i < length); 0 for a histogram sample. */
  v(i: number): number {
    return this.#vs[i]!;
  }

  /** The histogram of sample `i` (0 <= i < length), undefined for a float sample. */
  h(i: number): Histogram | FloatHistogram | undefined {
    return this.#hs?.[i];
  }

  /** Whether sample `i` is a float histogram (else an integer one, or a float sample). */
  isFloatHistogram(i: number): boolean {
    return this.#fh?.[i] === true;
  }

  /** Whether any sample held is a histogram. */
  hasHistograms(): boolean {
    return this.#hs !== undefined;
  }

  /** Earliest timestamp (only when length > 0). */
  minTime(): number {
    return this.#ts[0]!;
  }

  /** Latest timestamp (only when length > 0). */
  maxTime(): number {
    return this.#ts[this.#len - 1]!;
  }

  /**
   * Prometheus: OOOChunk.Insert. Inserts a sample in time order: the float `v`, or the histogram
   * `h` when given (a float histogram when `isFloat`), kept by reference: the caller must not
   * change it. False (and nothing stored) if one with time `t` exists.
   */
  insert(t: number, v: number, h?: Histogram | FloatHistogram, isFloat = false): boolean {
    const n = this.#len;
    // Samples mostly arrive at the end: search from there.
    let i = n;
    while (i > 0 && this.#ts[i - 1]! > t) i--;
    if (i > 0 && this.#ts[i - 1] === t) return false;
    if (n === this.#ts.length) {
      const ts = new Float64Array(n * 2);
      const vs = new Float64Array(n * 2);
      ts.set(this.#ts);
      vs.set(this.#vs);
      this.#ts = ts;
      this.#vs = vs;
    }
    this.#ts.copyWithin(i + 1, i, n);
    this.#vs.copyWithin(i + 1, i, n);
    this.#ts[i] = t;
    this.#vs[i] = v;
    if (h !== undefined || this.#hs !== undefined) {
      if (this.#hs === undefined || this.#fh === undefined) {
        this.#hs = new Array<Histogram | FloatHistogram | undefined>(n).fill(undefined);
        this.#fh = new Array<boolean>(n).fill(false);
      }
      this.#hs.splice(i, 0, h);
      this.#fh.splice(i, 0, h !== undefined && isFloat);
    }
    this.#len = n + 1;
    return true;
  }

  /** The samples with mint <= t <= maxt encoded as an XOR chunk (the chunk holds floats only). */
  toXOR(mint = -Infinity, maxt = Infinity): XORChunk {
    const c = new XORChunk();
    const app = c.appender();
    for (let i = 0; i < this.#len; i++) {
      const t = this.#ts[i]!;
      if (t >= mint && t <= maxt) app.append(t, this.#vs[i]!);
    }
    return c;
  }

  /**
   * Prometheus: OOOChunk.ToEncodedChunks. The samples with mint <= t <= maxt encoded as chunks: a
   * new one wherever the sample type changes (XOR, histogram, float histogram) or a histogram
   * appender asks for one (a counter reset); a chunk recoded for a new bucket layout replaces
   * the current one. Each chunk is compacted. Histograms of an out-of-order chunk follow no
   * appended predecessor, so a chunk starting with one has the UnknownCounterReset header, as
   * Prometheus writes it.
   */
  toChunks(mint = -Infinity, maxt = Infinity): EncodedOOOChunk[] {
    const hs = this.#hs;
    if (hs === undefined) {
      let lo = 0;
      let hi = this.#len;
      while (lo < hi && this.#ts[lo]! < mint) lo++;
      while (hi > lo && this.#ts[hi - 1]! > maxt) hi--;
      if (lo === hi) return [];
      const c = this.toXOR(mint, maxt);
      c.compact();
      return [{ chunk: c, mint: this.#ts[lo]!, maxt: this.#ts[hi - 1]!, numSamples: hi - lo }];
    }
    const out: EncodedOOOChunk[] = [];
    let cur: EncodedOOOChunk | undefined;
    let app: ChunkAppender | undefined;
    let enc: Encoding = Encoding.None;
    for (let i = 0; i < this.#len; i++) {
      const t = this.#ts[i]!;
      if (t < mint) continue;
      if (t > maxt) break;
      const h = hs[i];
      const e = h === undefined ? Encoding.XOR : this.#fh![i] ? Encoding.FloatHistogram : Encoding.Histogram;
      if (cur === undefined || e !== enc) {
        const c = newChunk(e);
        cur = { chunk: c, mint: t, maxt: t, numSamples: 0 };
        out.push(cur);
        app = c.appender();
        enc = e;
      }
      if (h === undefined) app!.append(t, this.#vs[i]!);
      else {
        const nc =
          e === Encoding.Histogram
            ? app!.appendHistogram!(t, h as Histogram)
            : app!.appendFloatHistogram!(t, h as FloatHistogram);
        if (nc !== undefined) {
          app = nc.appender();
          if (nc.numSamples() > 1) cur.chunk = nc;
          else {
            cur = { chunk: nc, mint: t, maxt: t, numSamples: 0 };
            out.push(cur);
          }
        }
      }
      cur.maxt = t;
      cur.numSamples = cur.chunk.numSamples();
    }
    for (const c of out) c.chunk.compact();
    return out;
  }
}
