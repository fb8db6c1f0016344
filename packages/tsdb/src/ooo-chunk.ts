// Prometheus: tsdb/ooo_head.go OOOChunk
import { XORChunk } from '@tsprom/chunkenc';

/**
 * The open out-of-order chunk of a series: samples kept sorted by time in typed arrays (inserts
 * come in any order), encoded as an XOR chunk once it holds `oooCapMax` samples.
 */
export class OOOChunk {
  #ts = new Float64Array(8);
  #vs = new Float64Array(8);
  #len = 0;

  /** Number of samples held. */
  get length(): number {
    return this.#len;
  }

  /** Timestamp of sample `i` (0 <= i < length). */
  t(i: number): number {
    return this.#ts[i]!;
  }

  /** Value of sample `i` (0 <= i < length). */
  v(i: number): number {
    return this.#vs[i]!;
  }

  /** Earliest timestamp (only when length > 0). */
  minTime(): number {
    return this.#ts[0]!;
  }

  /** Latest timestamp (only when length > 0). */
  maxTime(): number {
    return this.#ts[this.#len - 1]!;
  }

  /** Inserts a sample in time order; false (and nothing stored) if one with time `t` exists. */
  insert(t: number, v: number): boolean {
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
    this.#len = n + 1;
    return true;
  }

  /** The samples with mint <= t <= maxt encoded as an XOR chunk. */
  toXOR(mint = -Infinity, maxt = Infinity): XORChunk {
    const c = new XORChunk();
    const app = c.appender();
    for (let i = 0; i < this.#len; i++) {
      const t = this.#ts[i]!;
      if (t >= mint && t <= maxt) app.append(t, this.#vs[i]!);
    }
    return c;
  }
}
