// How scrapes share the event loop with each other, past their start (scrape-start-queue.ts):
//
// - waitForTurn: a scrape whose next step (parsing, committing) finds this turn's budget
//   (sliceUsedUp) spent waits here, first in first out, and is let go in a later turn only while
//   that turn has budget left. Resuming every waiter of a turn at once (one setImmediate each)
//   would run all of their steps in one go: hundreds of scrapes that finished together.
// - acquireFetchSlot: at most MAX_FRESH_FETCHES requests are young (sent less than FRESH_MS ago
//   and not answered) at a time, process-wide. Targets that answer fast answer together: with
//   thousands of requests out, a turn's I/O phase handles hundreds of responses (HTTP parsing,
//   streams, promise callbacks) before any budget is checked. A request stops counting once
//   answered or FRESH_MS old, so a slow or hanging target holds up other scrapes FRESH_MS at most.
//   The wait counts against the scrape's timeout, which starts before it.
// Not in Prometheus: Go's scheduler spreads goroutines over threads.
import { sliceUsedUp } from '@tsprom/discovery';

/** Young requests allowed at once. */
const MAX_FRESH_FETCHES = 64;
/** How long a request counts as young unless answered first. */
const FRESH_MS = 50;

const schedule: (fn: () => void) => void =
  typeof setImmediate === 'function' ? (fn) => setImmediate(fn) : (fn) => setTimeout(fn, 0);

const turnWaiters: (() => void)[] = [];
let turnHead = 0;
let turnDraining = false;

/**
 * Resolves in a later turn of the event loop, once that turn has budget left, after the scrapes
 * that waited before. Call it when sliceUsedUp() returned true.
 */
export function waitForTurn(): Promise<void> {
  return new Promise((resolve) => {
    turnWaiters.push(resolve);
    if (!turnDraining) {
      turnDraining = true;
      schedule(drainTurn);
    }
  });
}

/**
 * Lets one waiter go, then (as a microtask queued after the waiter's continuation) the next, while
 * the turn has budget: the budget is checked after each waiter's step, not once for all of them.
 */
function drainTurn(): void {
  if (turnHead === turnWaiters.length) {
    turnWaiters.length = 0;
    turnHead = 0;
    turnDraining = false;
    return;
  }
  if (sliceUsedUp()) {
    schedule(drainTurn);
    return;
  }
  const resolve = turnWaiters[turnHead]!;
  turnWaiters[turnHead++] = noop; // Let it go: the array is reused.
  resolve();
  queueMicrotask(drainTurn);
}

let freshFetches = 0;
const fetchWaiters: (() => void)[] = [];
let fetchHead = 0;

/**
 * Waits for a fetch slot (see the top of this file) and resolves with its release function, to
 * call once the response is in (calling it again, or after FRESH_MS, does nothing). Rejects with
 * `signal`'s reason if it aborts first.
 */
export function acquireFetchSlot(signal: AbortSignal): Promise<() => void> {
  if (signal.aborted) return Promise.reject(signal.reason);
  if (freshFetches < MAX_FRESH_FETCHES && fetchHead === fetchWaiters.length) return Promise.resolve(takeSlot());
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      const i = fetchWaiters.indexOf(grant, fetchHead);
      if (i >= 0) fetchWaiters[i] = skip;
      reject(signal.reason);
    };
    const grant = () => {
      signal.removeEventListener('abort', onAbort);
      resolve(takeSlot());
    };
    signal.addEventListener('abort', onAbort, { once: true });
    fetchWaiters.push(grant);
  });
}

/** Marks a waiter that gave up: the next one gets its slot. */
function skip(): void {}

function takeSlot(): () => void {
  freshFetches++;
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    clearTimeout(timer);
    freshFetches--;
    grantNext();
  };
  const timer = setTimeout(release, FRESH_MS);
  return release;
}

/**
 * Grants waiting fetches their slots, one at a time (the next as a microtask after the granted
 * one's continuation, which sends its request), while slots are free and the turn has budget;
 * the rest in later turns.
 */
function grantNext(): void {
  while (fetchHead < fetchWaiters.length && fetchWaiters[fetchHead] === skip) fetchWaiters[fetchHead++] = noop;
  if (fetchHead === fetchWaiters.length) {
    fetchWaiters.length = 0;
    fetchHead = 0;
    return;
  }
  if (freshFetches >= MAX_FRESH_FETCHES || grantScheduled) return;
  if (sliceUsedUp()) {
    grantScheduled = true;
    schedule(grantLater);
    return;
  }
  const grant = fetchWaiters[fetchHead]!;
  fetchWaiters[fetchHead++] = noop;
  grant();
  queueMicrotask(grantNext);
}

let grantScheduled = false;

function grantLater(): void {
  grantScheduled = false;
  grantNext();
}

function noop(): void {}
