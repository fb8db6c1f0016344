import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Discoverer, DiscoveryLogger, SDConfig, SDMechanism } from './discoverer.js';
import { Manager, type TargetSets } from './manager.js';
import { newSDRegistry } from './registry.js';
import { labelSet, type TargetGroup } from './target-group.js';

/** A discovery mechanism driven by the test: each config's discoverer yields what `push` gives it. */
class TestSD {
  readonly started: string[] = [];
  readonly stopped: string[] = [];
  readonly #queues = new Map<string, { items: TargetGroup[][]; wake?: () => void }>();

  push(id: string, groups: TargetGroup[]): void {
    const q = this.#queue(id);
    q.items.push(groups);
    q.wake?.();
  }

  #queue(id: string) {
    let q = this.#queues.get(id);
    if (q === undefined) {
      q = { items: [] };
      this.#queues.set(id, q);
    }
    return q;
  }

  mechanism(): SDMechanism {
    const sd = this;
    return {
      key: 'test_sd_configs',
      name: 'test',
      parse(raw): SDConfig {
        const id = (raw as { id: string }).id;
        return {
          name: 'test',
          id,
          newDiscoverer(): Discoverer {
            return {
              async *run(signal: AbortSignal) {
                sd.started.push(id);
                const q = sd.#queue(id);
                const onAbort = () => q.wake?.();
                signal.addEventListener('abort', onAbort);
                try {
                  for (;;) {
                    while (q.items.length > 0) yield q.items.shift()!;
                    if (signal.aborted) return;
                    await new Promise<void>((r) => {
                      q.wake = r;
                    });
                    if (signal.aborted) return;
                  }
                } finally {
                  sd.stopped.push(id);
                  signal.removeEventListener('abort', onAbort);
                }
              },
            };
          },
        } as SDConfig;
      },
    };
  }
}

const group = (source: string, ...addrs: string[]): TargetGroup => ({
  targets: addrs.map((a) => labelSet({ __address__: a })),
  labels: labelSet({}),
  source,
});

const quietLogger = (): DiscoveryLogger & { errors: string[] } => {
  const errors: string[] = [];
  return { errors, error: (m) => errors.push(m), warn: () => {}, info: () => {}, debug: () => {} };
};

/** Addresses per job, sorted, from a target state. */
const addrs = (sets: TargetSets) =>
  Object.fromEntries(
    [...sets].map(([job, gs]) => [job, gs.flatMap((g) => g.targets.map((t) => t.__address__)).sort()]),
  );

describe('Manager', () => {
  let sd: TestSD;
  let manager: Manager;
  let next: () => Promise<TargetSets>;
  let logger: ReturnType<typeof quietLogger>;
  const ac = new AbortController();

  beforeEach(() => {
    sd = new TestSD();
    const registry = newSDRegistry();
    registry.register(sd.mechanism());
    logger = quietLogger();
    manager = new Manager({ registry, updateIntervalMs: 10, logger });
    manager.start();
    const it = manager.updates(ac.signal)[Symbol.asyncIterator]();
    next = async () => (await it.next()).value as TargetSets;
  });

  afterEach(async () => {
    await manager.stop();
  });

  it('sends static targets per job, sources numbered across a job static configs', async () => {
    await manager.applyConfig(
      new Map([
        [
          'node',
          [
            { key: 'static_configs', config: { targets: ['a:1', 'b:1'], labels: { env: 'x' } } },
            { key: 'static_configs', config: { targets: ['c:1'] } },
          ],
        ],
        ['empty', []],
      ]),
    );
    const sets = await next();
    expect(addrs(sets)).toEqual({ node: ['a:1', 'b:1', 'c:1'], empty: [] });
    expect(sets.get('node')!.map((g) => g.source)).toEqual(['0', '1']);
    expect(manager.discoveredTargets().get('node')).toBe(3);
    expect(manager.providers()).toEqual([
      { name: 'static/0', jobs: ['node'] },
      { name: 'static/1', jobs: ['empty'] },
    ]);
  });

  it('applies a big update a slice at a time and never sends it half applied', async () => {
    await manager.applyConfig(new Map([['big', [{ key: 'test_sd_configs', config: { id: 'big' } }]]]));
    const n = 50_000;
    const groups = Array.from({ length: n }, (_, i) => group(`s${i}`, `h${i}:1`));
    sd.push('big', groups);
    let sets: TargetSets;
    do
      sets = await next(); // The coalescing timer (10 ms) fires while the update is applied.
    while ((sets.get('big') ?? []).length === 0);
    expect(sets.get('big')).toHaveLength(n);
    expect(manager.discoveredTargets().get('big')).toBe(n);
  });

  it('keeps an unchanged provider running across applyConfig and stops one no job uses', async () => {
    await manager.applyConfig(new Map([['a', [{ key: 'test_sd_configs', config: { id: 'x' } }]]]));
    sd.push('x', [group('s1', 'h:1')]);
    expect(addrs(await next())).toEqual({ a: ['h:1'] });

    // Job b shares config x: no new discoverer, and b starts with what x already found.
    await manager.applyConfig(
      new Map([
        ['a', [{ key: 'test_sd_configs', config: { id: 'x' } }]],
        ['b', [{ key: 'test_sd_configs', config: { id: 'x' } }]],
      ]),
    );
    expect(addrs(await next())).toEqual({ a: ['h:1'], b: ['h:1'] });
    expect(sd.started).toEqual(['x']);

    await manager.applyConfig(new Map([['b', [{ key: 'test_sd_configs', config: { id: 'y' } }]]]));
    expect(sd.stopped).toEqual(['x']);
    expect(sd.started).toEqual(['x', 'y']);
    expect(addrs(await next())).toEqual({ b: [] });
  });

  it('replaces a group by source and removes it when it comes back empty', async () => {
    await manager.applyConfig(new Map([['a', [{ key: 'test_sd_configs', config: { id: 'x' } }]]]));
    sd.push('x', [group('s1', 'h:1'), group('s2', 'h:2')]);
    expect(addrs(await next())).toEqual({ a: ['h:1', 'h:2'] });
    sd.push('x', [group('s1', 'h:3')]);
    expect(addrs(await next())).toEqual({ a: ['h:2', 'h:3'] });
    sd.push('x', [group('s2')]);
    expect(addrs(await next())).toEqual({ a: ['h:3'] });
  });

  it('counts and logs a config it cannot use, and still sends the job', async () => {
    await manager.applyConfig(new Map([['a', [{ key: 'file_sd_configs', config: { files: [] } }]]]));
    expect(manager.stats.failedConfigs).toBe(1);
    expect(logger.errors).toEqual(['Cannot create service discovery']);
    expect(addrs(await next())).toEqual({ a: [] });
  });
});

describe('Manager.stop', () => {
  it('ends an updates() iteration that has no abort signal, waiting or not yet started', async () => {
    const manager = new Manager({ updateIntervalMs: 10, logger: quietLogger() });
    manager.start();
    const waiting = manager.updates()[Symbol.asyncIterator]();
    const pending = waiting.next(); // Waits: nothing has been sent yet.
    await manager.applyConfig(new Map([['a', [{ key: 'static_configs', config: { targets: ['h:1'] } }]]]));
    expect(addrs((await pending).value as TargetSets)).toEqual({ a: ['h:1'] });
    const again = waiting.next(); // Waits for a change that never comes.
    await manager.stop();
    expect(await again).toEqual({ done: true, value: undefined });
    // An iteration begun after stop ends at once, without yielding the last state.
    const late = manager.updates()[Symbol.asyncIterator]();
    expect(await late.next()).toEqual({ done: true, value: undefined });
  });
});

describe('Manager coalescing', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends at most once per update interval, with the latest state', async () => {
    const sd = new TestSD();
    const registry = newSDRegistry();
    registry.register(sd.mechanism());
    const manager = new Manager({ registry, updateIntervalMs: 5000, logger: quietLogger() });
    const sent: TargetSets[] = [];
    manager.subscribe((s) => sent.push(s));
    manager.start();
    await manager.applyConfig(new Map([['a', [{ key: 'test_sd_configs', config: { id: 'x' } }]]]));
    await vi.advanceTimersByTimeAsync(0);
    expect(sent.length).toBe(1); // The state after applyConfig goes out at once.
    for (let i = 1; i <= 5; i++) {
      sd.push('x', [group('s', `h:${i}`)]);
      await vi.advanceTimersByTimeAsync(100);
    }
    expect(sent.length).toBe(1); // Still within 5s of the last send: held back.
    await vi.advanceTimersByTimeAsync(5000);
    expect(sent.length).toBe(2);
    expect(addrs(sent[1]!)).toEqual({ a: ['h:5'] });
    await vi.advanceTimersByTimeAsync(20_000);
    expect(sent.length).toBe(2); // Nothing changed: nothing sent.
    await manager.stop();
  });
});
