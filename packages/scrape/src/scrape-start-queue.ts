// The scrapes that fall due in one turn of the event loop, started a slice at a time. With
// thousands of targets, a turn that ran long (a big sync, a GC) leaves hundreds of loop timers
// expired; Node runs every expired timer in one go, and each scrape's start (request, connect)
// costs a fraction of a ms, so they would block the loop for seconds, and make the next turn longer
// still. A scrape due while the turn's budget (sliceUsedUp, shared with parsing and discovery) is
// spent waits here, first in first out, for the next turns. Not in Prometheus: Go's scheduler
// spreads goroutines over threads.
import { sliceUsedUp } from '@tsprom/discovery';

const queue: (() => void)[] = [];
let head = 0;
let draining = false;

const schedule: (fn: () => void) => void =
  typeof setImmediate === 'function' ? (fn) => setImmediate(fn) : (fn) => setTimeout(fn, 0);

/** Runs `start` now when this turn has budget left and nothing is waiting, else in a later turn. */
export function startScrape(start: () => void): void {
  if (head === queue.length && !sliceUsedUp()) {
    start();
    return;
  }
  queue.push(start);
  if (!draining) {
    draining = true;
    schedule(drain);
  }
}

/** Starts waiting scrapes, at least one per turn, until the turn's budget is spent. */
function drain(): void {
  do {
    const start = queue[head]!;
    queue[head++] = noop; // Let it go: the queue's array is reused.
    start();
  } while (head < queue.length && !sliceUsedUp());
  if (head < queue.length) {
    schedule(drain);
    return;
  }
  queue.length = 0;
  head = 0;
  draining = false;
}

function noop(): void {}
