// A small benchmark harness: each case runs repeatedly for a time budget after a warm-up, and the
// figure printed is units per second (samples/s, hashes/s, matches/s) over the best of a few rounds,
// which is what a hot path's throughput means on an otherwise idle core.

export interface BenchCase {
  /** Printed name, `package: what`. */
  readonly name: string;
  /** Units of work one call of `fn` performs (samples appended, labels hashed…). */
  readonly unitsPerOp: number;
  /** Unit printed after the rate, e.g. `samples`. */
  readonly unit: string;
  /** One operation; returns something so the work cannot be optimized away. */
  readonly fn: () => unknown;
  /** Optional: runs before every round (outside the timing). */
  readonly setup?: () => void;
}

export interface BenchResult {
  readonly name: string;
  readonly unitsPerSecond: number;
  readonly unit: string;
  readonly ops: number;
}

let sink: unknown;

/** Runs `c` for about `budgetMs` (after a warm-up) and returns its best round's rate. */
export function runCase(c: BenchCase, budgetMs = 1000, rounds = 5): BenchResult {
  const warmUntil = performance.now() + Math.min(300, budgetMs / 3);
  c.setup?.();
  while (performance.now() < warmUntil) sink = c.fn();
  let best = 0;
  let totalOps = 0;
  const roundMs = budgetMs / rounds;
  for (let r = 0; r < rounds; r++) {
    c.setup?.();
    let ops = 0;
    const start = performance.now();
    let elapsed = 0;
    do {
      sink = c.fn();
      ops++;
      elapsed = performance.now() - start;
    } while (elapsed < roundMs);
    totalOps += ops;
    best = Math.max(best, (ops * c.unitsPerOp) / (elapsed / 1000));
  }
  return { name: c.name, unitsPerSecond: best, unit: c.unit, ops: totalOps };
}

/** Formats a rate with an SI prefix: `52.3M samples/s`. */
export function formatRate(rate: number, unit: string): string {
  const [div, prefix] = rate >= 1e9 ? [1e9, 'G'] : rate >= 1e6 ? [1e6, 'M'] : rate >= 1e3 ? [1e3, 'k'] : [1, ''];
  return `${(rate / div).toFixed(2)}${prefix} ${unit}/s`;
}

/** Runs and prints each case, one line each. */
export function runSuite(title: string, cases: readonly BenchCase[], budgetMs?: number): BenchResult[] {
  console.log(`\n## ${title}`);
  const results: BenchResult[] = [];
  for (const c of cases) {
    const r = runCase(c, budgetMs);
    results.push(r);
    console.log(`${r.name.padEnd(58)} ${formatRate(r.unitsPerSecond, r.unit).padStart(22)}`);
  }
  if (typeof sink === 'symbol') console.log(''); // Keeps `sink` observable.
  return results;
}

/** Prints a measured figure that is not a rate (memory per series, a wall time). */
export function report(name: string, value: string): void {
  console.log(`${name.padEnd(58)} ${value.padStart(22)}`);
}
