// What ran during an event-loop stall: a V8 CPU profile (node:inspector) taken around a phase, and
// the samples that fall inside the stall's time window, summed by function (self time) and by the
// nearest tsprom frame on the stack. For the discovery suite (TSPROM_BENCH_PROFILE=1).
import { Session } from 'node:inspector/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** A CPU profile being taken. */
export class StallProfiler {
  readonly #session = new Session();

  async start(): Promise<void> {
    this.#session.connect();
    await this.#session.post('Profiler.enable');
    await this.#session.post('Profiler.setSamplingInterval', { interval: 200 });
    await this.#session.post('Profiler.start');
  }

  /**
   * Stops, and prints the functions that ran between `fromNs` and `toNs` (process.hrtime.bigint(),
   * the monotonic clock V8's profile uses too): the top `n` by self time and by the nearest frame
   * of a tsprom package.
   */
  async stopAndPrint(fromNs: bigint, toNs: bigint, n = 12): Promise<void> {
    const { profile } = (await this.#session.post('Profiler.stop')) as { profile: Profile };
    this.#session.disconnect();
    const byId = new Map<number, ProfileNode>();
    const parent = new Map<number, number>();
    for (const node of profile.nodes) {
      byId.set(node.id, node);
      for (const c of node.children ?? []) parent.set(c, node.id);
    }
    const name = (node: ProfileNode) => {
      const f = node.callFrame;
      const file = f.url.replace(/^.*\/(packages|node_modules)\//, '$1/');
      return `${f.functionName || '(anonymous)'} ${file}:${f.lineNumber + 1}`;
    };
    const self = new Map<string, number>();
    const owner = new Map<string, number>();
    let t = profile.startTime;
    const from = Number(fromNs / 1000n);
    const to = Number(toNs / 1000n);
    let total = 0;
    for (let i = 0; i < profile.samples.length; i++) {
      const dt = profile.timeDeltas[i] ?? 0;
      t += dt;
      if (t < from || t > to) continue;
      total += dt;
      const node = byId.get(profile.samples[i]!)!;
      const k = name(node);
      self.set(k, (self.get(k) ?? 0) + dt);
      let id: number | undefined = node.id;
      let own = '(no tsprom frame)';
      while (id !== undefined) {
        const cur = byId.get(id)!;
        if (cur.callFrame.url.includes('/packages/')) {
          own = name(cur);
          break;
        }
        id = parent.get(id);
      }
      owner.set(own, (owner.get(own) ?? 0) + dt);
    }
    const top = (m: Map<string, number>) =>
      [...m]
        .sort((a, b) => b[1] - a[1])
        .slice(0, n)
        .map(([k, us]) => `    ${(us / 1000).toFixed(1).padStart(7)} ms  ${k}`)
        .join('\n');
    console.log(`  stall window: ${(total / 1000).toFixed(1)} ms of samples`);
    console.log(`  by function (self):\n${top(self)}`);
    console.log(`  by nearest tsprom frame:\n${top(owner)}`);
  }
}
