import { describe, expect, it } from 'vitest';
import { type MacrotaskHost, macrotaskYield, nextMacrotask } from './macrotask.js';

/** Yields with `y` until a timer queued first has run; the number of yields it took. */
async function yieldsUntilTimer(y: () => Promise<void>): Promise<number> {
  let fired = false;
  setTimeout(() => {
    fired = true;
  }, 0);
  let n = 0;
  // A microtask-only "yield" would spin here forever; the bound turns that into a failure.
  while (!fired && n < 10_000) {
    await y();
    n++;
  }
  return fired ? n : -1;
}

describe('macrotaskYield', () => {
  const g = globalThis as unknown as Required<MacrotaskHost>;

  it('lets timers run with setImmediate (Node)', async () => {
    expect(await yieldsUntilTimer(nextMacrotask)).toBeGreaterThan(0);
  });

  it('uses a MessageChannel where there is no setImmediate (browsers, Deno)', async () => {
    let channels = 0;
    const Counting = class extends g.MessageChannel {
      constructor() {
        super();
        channels++;
      }
    };
    const y = macrotaskYield({ MessageChannel: Counting, setTimeout: g.setTimeout });
    expect(await yieldsUntilTimer(y)).toBeGreaterThan(0);
    expect(channels).toBeGreaterThan(0);
  });

  it('falls back to setTimeout, and fails clearly with none of them', async () => {
    expect(await yieldsUntilTimer(macrotaskYield({ setTimeout: g.setTimeout }))).toBeGreaterThan(0);
    expect(() => macrotaskYield({})).toThrow(/setImmediate, MessageChannel and setTimeout are all missing/);
  });
});
