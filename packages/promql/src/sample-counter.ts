// Prometheus: promql/engine.go evaluator.currentSamples and maxSamples, util/stats QuerySamples
import { TooManySamplesError } from './errors.js';

/**
 * The samples a query holds in memory, checked against the engine's `maxSamples` as Prometheus
 * counts them: the points of every evaluated intermediate result while it is an input still in
 * use, the points of a range-vector window while it is held, and the result being built. A point
 * is 16 bytes in Prometheus (timestamp and value); counting them bounds the query's memory.
 */
export class SampleCounter {
  /** Points held now. */
  current = 0;
  /** Highest `current` seen (Prometheus `PeakSamples`). */
  peak = 0;
  /** Points loaded from storage, over every step (Prometheus `TotalSamples`). */
  total = 0;

  constructor(readonly max: number) {}

  /** Counts `n` more points held; throws TooManySamplesError past the limit. */
  add(n: number): void {
    const c = this.current + n;
    this.current = c;
    if (c > this.peak) {
      this.peak = c;
      if (c > this.max) throw new TooManySamplesError();
    }
  }

  /** `n` points are no longer held. */
  release(n: number): void {
    this.current -= n;
  }

  /** Sets what is held to `n` (a node's inputs released, its result kept). */
  reset(n: number): void {
    this.current = n;
    if (n > this.peak) {
      this.peak = n;
      if (n > this.max) throw new TooManySamplesError();
    }
  }
}
