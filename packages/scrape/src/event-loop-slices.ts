// Cooperative slicing of the CPU work of scraping (parsing, decoding, appending), shared by every
// scrape loop of the process: Node runs all the I/O callbacks that are ready in one go, so when
// many scrapes finish together, each one's own budget would not bound the stall.

/** The most scraping work one turn of the event loop does before yielding. */
const SLICE_MS = 4;

const schedule: (fn: () => void) => void =
  typeof setImmediate === 'function' ? (fn) => setImmediate(fn) : (fn) => setTimeout(fn, 0);

let sliceStart = 0;
let turnMarked = false;

function endTurn(): void {
  turnMarked = false;
}

/**
 * Whether the scraping work of the current turn of the event loop has used up its slice. The first
 * call of a turn starts the slice (and queues a macrotask that ends the turn); later ones compare
 * the time spent since. Work that gets true should `await yieldToEventLoop()`.
 */
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
