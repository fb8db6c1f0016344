// A summary over a sliding window, as client_golang's: quantiles of the observations of the last
// 10 minutes (5 age buckets of 2 minutes), sum and count since the start.
// Prometheus: client_golang prometheus/summary.go (DefMaxAge, DefAgeBuckets)

const MAX_AGE_MS = 10 * 60_000;
const AGE_BUCKETS = 5;
// Observations kept per bucket: beyond this, reservoir sampling keeps a uniform sample.
const BUCKET_CAP = 20_000;

/** Observations with quantiles over a sliding window. Times come from `now` (ms). */
export class SlidingSummary {
  sum = 0;
  count = 0;
  readonly #buckets: Float64Array[] = [];
  readonly #lens = new Int32Array(AGE_BUCKETS);
  readonly #seen = new Float64Array(AGE_BUCKETS);
  #head = 0;
  #headExpires: number;

  constructor(
    readonly objectives: readonly number[],
    readonly now: () => number,
  ) {
    for (let i = 0; i < AGE_BUCKETS; i++) this.#buckets.push(new Float64Array(64));
    this.#headExpires = now() + MAX_AGE_MS / AGE_BUCKETS;
  }

  /** Records one observation. */
  observe(v: number): void {
    this.#rotate();
    this.sum += v;
    this.count++;
    for (let i = 0; i < AGE_BUCKETS; i++) {
      this.#seen[i]!++;
      const n = this.#lens[i]!;
      if (n < BUCKET_CAP) {
        let b = this.#buckets[i]!;
        if (n === b.length) {
          const nb = new Float64Array(b.length * 2);
          nb.set(b);
          this.#buckets[i] = b = nb;
        }
        b[n] = v;
        this.#lens[i] = n + 1;
      } else {
        const j = Math.floor(Math.random() * this.#seen[i]!);
        if (j < BUCKET_CAP) this.#buckets[i]![j] = v;
      }
    }
  }

  /** The objectives' quantiles over the window (NaN without observations in it). */
  quantiles(): number[] {
    this.#rotate();
    // The head bucket holds every observation of the window (each bucket is filled for its whole age).
    const n = this.#lens[this.#head]!;
    const sorted = this.#buckets[this.#head]!.slice(0, n).sort();
    return this.objectives.map((q) => (n === 0 ? Number.NaN : sorted[Math.min(n - 1, Math.floor(q * n))]!));
  }

  #rotate(): void {
    const now = this.now();
    while (now >= this.#headExpires) {
      this.#lens[this.#head] = 0;
      this.#seen[this.#head] = 0;
      this.#head = (this.#head + 1) % AGE_BUCKETS;
      this.#headExpires += MAX_AGE_MS / AGE_BUCKETS;
    }
  }
}
