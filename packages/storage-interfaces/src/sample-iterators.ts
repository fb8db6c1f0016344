// Prometheus: tsdb/chunkenc/chunk.go NewNopIterator; storage/series.go ExpandSamples, ExpandSeries
import type { FloatHistogram, Histogram } from './histogram.js';
import { copyFloatHistogram, copyHistogram } from './histogram-convert.js';
import type { SampleIterator } from './iterator.js';
import type { Sample } from './sample.js';
import type { GenericSeriesSet, Labeled } from './series.js';
import { ValueType } from './value-type.js';

/** An iterator with no samples that ends with `error` (undefined: ends cleanly). */
class FixedIterator implements SampleIterator {
  constructor(readonly error: Error | undefined) {}
  next(): ValueType {
    return ValueType.None;
  }
  seek(_t: number): ValueType {
    return ValueType.None;
  }
  at(): [number, number] {
    return [Number.MIN_SAFE_INTEGER, 0];
  }
  atT(): number {
    return Number.MIN_SAFE_INTEGER;
  }
  atV(): number {
    return 0;
  }
  atHistogram(): Histogram {
    throw new Error('atHistogram on an empty iterator');
  }
  atFloatHistogram(): FloatHistogram {
    throw new Error('atFloatHistogram on an empty iterator');
  }
  atST(): number {
    return 0;
  }
  err(): Error | undefined {
    return this.error;
  }
}

const EMPTY_ITERATOR = new FixedIterator(undefined);

/** Prometheus: chunkenc.NewNopIterator. An iterator with no samples (a shared, stateless instance). */
export function emptyIterator(): SampleIterator {
  return EMPTY_ITERATOR;
}

/** An iterator with no samples whose `err()` returns `err`. */
export function errorIterator(err: Error): SampleIterator {
  return new FixedIterator(err);
}

/**
 * Prometheus: storage.ExpandSamples. Collects the remaining samples of `it` into plain objects
 * (histograms are copied, as iterators may reuse them; `st` is set only when not 0). Throws the
 * iterator's error, if any. Allocates per sample: for tests and tooling.
 */
export function samplesFromIterator(it: SampleIterator): Sample[] {
  const out: Sample[] = [];
  for (let vt = it.next(); vt !== ValueType.None; vt = it.next()) {
    const t = it.atT();
    const st = it.atST();
    let s: Sample;
    if (vt === ValueType.Float) s = { t, v: it.atV() };
    else if (vt === ValueType.Histogram) s = { t, h: copyHistogram(it.atHistogram()) };
    else s = { t, fh: copyFloatHistogram(it.atFloatHistogram()) };
    if (st !== 0) s.st = st;
    out.push(s);
  }
  const err = it.err();
  if (err !== undefined) throw err;
  return out;
}

/**
 * Prometheus: storage.ExpandSeries. Collects every series of `set`, then throws the set's error if
 * any. The series are kept past `next()`, so this suits sets whose `at()` hands out fresh series.
 */
export function expandSeriesSet<S extends Labeled>(set: GenericSeriesSet<S>): S[] {
  const out: S[] = [];
  while (set.next()) out.push(set.at());
  const err = set.err();
  if (err !== undefined) throw err;
  return out;
}
