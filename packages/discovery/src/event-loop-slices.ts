// Cooperative slicing of the CPU work of discovery and scraping (reading thousands of target groups;
// parsing, decoding, appending scrapes): the work of one turn of the event loop yields after a few
// ms, so that other scrapes and the API keep their turns. One budget per turn, shared by every
// caller in the process (@tsprom/scrape imports it from here): Node runs all the I/O callbacks that
// are ready in one go, so when many scrapes finish together, a budget of each would not bound the
// stall.

/** The most discovery work one turn of the event loop does before yielding. */
const SLICE_MS = 4;

const schedule: (fn: () => void) => void =
  typeof setImmediate === 'function' ? (fn) => setImmediate(fn) : (fn) => setTimeout(fn, 0);

let sliceStart = 0;
let turnMarked = false;

function endTurn(): void {
  turnMarked = false;
}

/** Whether the work of the current turn has used up its slice (the first call of a turn starts it). */
export function sliceUsedUp(): boolean {
  const now = performance.now();
  if (!turnMarked) {
    turnMarked = true;
    sliceStart = now;
    schedule(endTurn);
    return false;
  }
  return now - sliceStart > SLICE_MS;
}

/** Resolves in a later macrotask, after timers and I/O that were waiting got their turn. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => schedule(resolve));
}
