// One series read from the CSV file: its labels and its samples in two typed arrays, with the
// SampleIterator the PromQL engine reads it through (no object per sample).
import type { Labels } from '@tsprom/labels';
import {
  type FloatHistogram,
  type Histogram,
  type SampleIterator,
  type Series,
  ValueType,
} from '@tsprom/storage-interfaces';

/** A float series over `ts` (ms, increasing) and `vs`, both owned by the series. */
export class CsvSeries implements Series {
  constructor(
    readonly metric: Labels,
    readonly ts: Float64Array,
    readonly vs: Float64Array,
  ) {}

  labels(): Labels {
    return this.metric;
  }

  iterator(reuse?: SampleIterator): SampleIterator {
    if (reuse instanceof CsvSampleIterator) {
      reuse.reset(this.ts, this.vs);
      return reuse;
    }
    return new CsvSampleIterator(this.ts, this.vs);
  }
}

/** Walks a CsvSeries; `reset` points it at another one (the engine reuses iterators). */
class CsvSampleIterator implements SampleIterator {
  #ts: Float64Array;
  #vs: Float64Array;
  #i = -1;

  constructor(ts: Float64Array, vs: Float64Array) {
    this.#ts = ts;
    this.#vs = vs;
  }

  reset(ts: Float64Array, vs: Float64Array): void {
    this.#ts = ts;
    this.#vs = vs;
    this.#i = -1;
  }

  next(): ValueType {
    if (this.#i < this.#ts.length) this.#i++;
    return this.#i < this.#ts.length ? ValueType.Float : ValueType.None;
  }

  seek(t: number): ValueType {
    if (this.#i < 0) this.#i = 0;
    while (this.#i < this.#ts.length && this.#ts[this.#i]! < t) this.#i++;
    return this.#i < this.#ts.length ? ValueType.Float : ValueType.None;
  }

  at(): [number, number] {
    return [this.atT(), this.atV()];
  }

  atT(): number {
    return this.#ts[this.#i]!;
  }

  atV(): number {
    return this.#vs[this.#i]!;
  }

  atHistogram(): Histogram {
    throw new Error('a CSV series holds floats only');
  }

  atFloatHistogram(): FloatHistogram {
    throw new Error('a CSV series holds floats only');
  }

  atST(): number {
    return 0;
  }

  err(): Error | undefined {
    return undefined;
  }
}
