// Bounded work per event-loop turn for the parts of one remote-write queue (the WAL watcher and
// the shards). Each asks before a unit of work (a WAL record, a batch to encode); once the turn's
// budget is spent, it waits for the next turn (setImmediate), so that timers and I/O of the rest of
// the process run between slices. The first part to resume in a new turn starts its budget.
import { setImmediate as nextTurn } from 'node:timers/promises';

/** A shared time budget per event-loop turn. */
export class TurnSlicer {
  readonly #budget: number;
  readonly #now: () => number;
  #start: number;
  #turn = 0;

  /** `budgetMs` of work per turn, timed by `now` (ms; default performance.now). */
  constructor(budgetMs = 10, now: () => number = () => performance.now()) {
    if (!(budgetMs > 0)) throw new RangeError(`turn budget must be positive, got ${budgetMs} ms`);
    this.#budget = budgetMs;
    this.#now = now;
    this.#start = now();
  }

  /** Whether this turn's budget is spent. */
  spent(): boolean {
    return this.#now() - this.#start >= this.#budget;
  }

  /** Resolves at once while the turn has budget left, otherwise in a later turn that has. */
  async yieldIfSpent(): Promise<void> {
    while (this.spent()) {
      const turn = this.#turn;
      await nextTurn();
      if (this.#turn === turn) {
        this.#turn++;
        this.#start = this.#now();
        return;
      }
    }
  }
}
