// Rule evaluation (issue #12): one evaluation of a group of 1,000 recording rules over 10k series
// in the TSDB head, through the engine, with the worst event-loop delay seen meanwhile (rule
// evaluation must never hold the loop: every query yields).
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Labels } from '@tsprom/labels';
import { Engine } from '@tsprom/promql';
import { engineQueryFunc, Manager } from '@tsprom/rules';
import { DB } from '@tsprom/tsdb';

const SERIES = 10_000;
const RULES = 1_000;
const SCRAPE_MS = 15_000;
const START = 1_700_000_000_000;
const ROUNDS = 3;

/** A 1 ms heartbeat: the longest gap between two beats (wall time). */
function heartbeat(): { stop(): number } {
  let last = performance.now();
  let max = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    max = Math.max(max, now - last);
    last = now;
  }, 1);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(max, performance.now() - last);
    },
  };
}

async function load(db: DB, untilMs: number): Promise<void> {
  const app = db.appender();
  const refs = new Float64Array(SERIES);
  for (let t = START; t <= untilMs; t += SCRAPE_MS) {
    for (let i = 0; i < SERIES; i++) {
      const ls =
        refs[i] === 0
          ? Labels.fromStrings(
              '__name__',
              'http_requests_total',
              'instance',
              `host-${i}:9100`,
              'job',
              `job-${i % 100}`,
              'shard',
              `s${i % RULES}`,
            )
          : Labels.EMPTY;
      refs[i] = app.append(refs[i]!, ls, t, ((t - START) / SCRAPE_MS) * (i % 7));
    }
  }
  await app.commit();
}

function ruleFile(name: string, expr: (k: number) => string, n: number): string {
  let out = 'groups:\n  - name: bench\n    rules:\n';
  for (let k = 0; k < n; k++) out += `      - record: ${name}_${k}\n        expr: '${expr(k)}'\n`;
  return out;
}

async function measure(
  title: string,
  rules: number,
  file: string,
  db: DB,
  engine: Engine,
  evalAt: number[],
): Promise<void> {
  const m = new Manager({
    queryFunc: engineQueryFunc(engine, db),
    appendable: db,
    queryable: db,
    fs: { readFile: async () => file },
  });
  const group = [...(await m.loadGroups(60_000, Labels.EMPTY, '', ['bench.yml'])).values()][0]!;
  let bestMs = Number.POSITIVE_INFINITY;
  let worstDelay = Number.POSITIVE_INFINITY;
  let maxDelay = 0;
  for (const t of evalAt) {
    const h = monitorEventLoopDelay({ resolution: 1 });
    h.enable();
    const beat = heartbeat();
    const t0 = performance.now();
    await group.eval(t);
    const took = performance.now() - t0;
    const gap = Math.max(beat.stop(), h.max / 1e6);
    h.disable();
    const failed = group.rules.filter((r) => r.health !== 'ok');
    if (failed.length > 0) throw failed[0]!.lastError;
    bestMs = Math.min(bestMs, took);
    worstDelay = Math.min(worstDelay, gap);
    maxDelay = Math.max(maxDelay, gap);
  }
  console.log(
    `rules: ${title}: evaluation ${bestMs.toFixed(0)} ms (best of ${evalAt.length}, ${((rules / bestMs) * 1000).toFixed(0)} rules/s); worst event-loop delay ${worstDelay.toFixed(1)} ms (best round), ${maxDelay.toFixed(1)} ms (worst round)`,
  );
  await m.stop();
}

/** Runs the rule evaluation benchmarks. */
export async function run(): Promise<void> {
  console.log(`\n## rules (${RULES} recording rules, ${SERIES / 1000}k series in the TSDB head, 15 s scrapes)`);
  const db = await DB.open();
  const end = START + 10 * 60_000;
  await load(db, end);
  const engine = new Engine();
  const evalAt = Array.from({ length: ROUNDS + 1 }, (_, i) => end + i * 1000);
  // Each rule reads its own 10 series (the shard label), as many small rules do.
  await measure(
    '1,000 rules sum by (job) (rate(x{shard=k}[5m])), 10 series each',
    RULES,
    ruleFile('job:http_requests:rate5m', (k) => `sum by (job) (rate(http_requests_total{shard="s${k}"}[5m]))`, RULES),
    db,
    engine,
    evalAt,
  );
  // Each rule reads all 10k series (100 rules: a query over 10k series takes ~0.1 s here).
  await measure(
    '100 rules sum by (job) (x) over all 10k series',
    100,
    ruleFile('job:http_requests:sum', (k) => `sum by (job) (http_requests_total) * ${k}`, 100),
    db,
    engine,
    evalAt.slice(0, 2),
  );
  await db.close();
}
