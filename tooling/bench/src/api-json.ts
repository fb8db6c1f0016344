// The HTTP API's query path in-process (issue #16): CPU per response of the JSON encoding of query
// results, of the whole API handler (parameters, parse, evaluation, encoding, the Response's body
// read back as the Node server reads it) and of the gzip the server applies when asked. The data is
// shaped as `pnpm bench:compare`'s "raw series of 4 jobs" query: 84 series x 241 points (1 h at
// 15 s), integral gauge values, and the same series as non-integral rates. Beside the encoder, the
// string-concatenating encoder it replaced runs on the same values as the baseline (same bytes).
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { createAPIHandler, formatTimestamp, JSONWriter, queryResultJSON, writeQueryResult } from '@tsprom/api';
import { Labels } from '@tsprom/labels';
import { Engine, formatFloatF, type QueryValue } from '@tsprom/promql';
import { TestStorage } from '@tsprom/promql/testing';
import { report } from './harness.js';

const START_MS = 1_767_225_600_000;
const STEP_MS = 15_000;
const POINTS = 241;
const SERIES = 84;
const JOBS = ['api', 'web', 'db', 'cache'];

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** `memory_usage_bytes` (integral) and `cpu_ratio` (non-integral) gauges, a point per step. */
function storage(): TestStorage {
  const st = new TestStorage();
  const r = lcg(7);
  for (let i = 0; i < SERIES; i++) {
    const job = JOBS[i % JOBS.length]!;
    const instance = `10.0.${i >> 8}.${i & 255}:9100`;
    const mem = st.series(Labels.fromStrings('__name__', 'memory_usage_bytes', 'job', job, 'instance', instance));
    const cpu = st.series(Labels.fromStrings('__name__', 'cpu_ratio', 'job', job, 'instance', instance));
    let m = 2e8 + r() * 3e8;
    for (let j = 0; j < POINTS + 20; j++) {
      const t = START_MS + (j - 20) * STEP_MS + 1234;
      m += (r() - 0.5) * 2e6;
      mem.append(t, Math.round(m), undefined, 0);
      cpu.append(t, r() * 4, undefined, 0);
    }
  }
  return st;
}

// The encoder before JSONWriter (packages/api result-json.ts, float matrices): a string per point,
// joined per series and per result.
const GO_ESCAPE = /[<>&\u2028\u2029]/;
function goString(s: string): string {
  const j = JSON.stringify(s);
  if (GO_ESCAPE.test(j)) throw new Error('the baseline handles no HTML characters');
  return j;
}
function baselineMatrixJSON(value: QueryValue): string {
  if (value.type !== 'matrix') throw new Error('a matrix');
  const parts: string[] = new Array(value.matrix.length);
  for (let i = 0; i < value.matrix.length; i++) {
    const s = value.matrix[i]!;
    let labels = '{';
    let first = true;
    s.metric.forEach((name, v) => {
      labels += `${first ? '' : ','}${goString(name)}:${goString(v)}`;
      first = false;
    });
    const pts: string[] = new Array(s.length);
    for (let j = 0; j < s.length; j++) pts[j] = `[${formatTimestamp(s.ts[j]!)},"${formatFloatF(s.vs[j]!)}"]`;
    parts[i] = `{"metric":${labels}},"values":[${pts.join(',')}]}`;
  }
  return `[${parts.join(',')}]`;
}

/** CPU ms per call of `fn`: best of 3 rounds of about `budgetMs` each, after a warm-up. */
async function cpuPerOp(fn: () => unknown | Promise<unknown>, budgetMs = 1500): Promise<number> {
  const warm = performance.now() + 300;
  while (performance.now() < warm) await fn();
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 3; round++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    let n = 0;
    do {
      await fn();
      n++;
    } while (performance.now() - t0 < budgetMs / 3);
    const c = process.cpuUsage(c0);
    best = Math.min(best, (c.user + c.system) / 1000 / n);
  }
  return best;
}

function line(name: string, ms: number, baseline?: number): void {
  const vs = baseline === undefined ? '' : ` (${(ms / baseline).toFixed(2)}x)`;
  report(`api-json: ${name}`, `${ms.toFixed(3)} ms CPU${vs}`);
}

/** Runs the suite and prints CPU per response. */
export async function run(): Promise<void> {
  console.log('\n## api-json (query results as JSON, CPU per response)');
  const st = storage();
  const engine = new Engine({ maxSamples: 50_000_000 });
  const endMs = START_MS + (POINTS - 1) * STEP_MS;
  for (const metric of ['memory_usage_bytes', 'cpu_ratio']) {
    const res = await engine.newRangeQuery(st, metric, START_MS, endMs, STEP_MS).exec();
    if (res.err !== null || res.value === null) throw res.err ?? new Error('no value');
    const value = res.value;
    const json = queryResultJSON(value);
    if (json !== baselineMatrixJSON(value)) throw new Error(`${metric}: the encoder and the baseline differ`);
    const what = `${metric} (${(json.length / 1024).toFixed(0)} KiB)`;
    // Both to UTF-8 bytes, as the Response body is: the baseline's string through TextEncoder.
    const encoder = new TextEncoder();
    const before = await cpuPerOp(() => encoder.encode(baselineMatrixJSON(value)));
    line(`string encoder (before), ${what}`, before);
    const w = new JSONWriter();
    const after = await cpuPerOp(() => {
      w.reset();
      writeQueryResult(w, value);
      return w.length;
    });
    line(`JSONWriter, ${what}`, after, before);
  }

  // The whole handler, as the server calls it: Request in, Response body read back as bytes.
  const handler = createAPIHandler({ queryable: st, engine });
  const endS = endMs / 1000;
  const ask = async (path: string): Promise<Uint8Array> => {
    const res = await handler(new Request(`http://localhost/api/v1/${path}`));
    const body = new Uint8Array(await res.arrayBuffer());
    if (res.status !== 200) throw new Error(`${path}: ${res.status} ${new TextDecoder().decode(body)}`);
    return body;
  };
  const range = `query_range?query=memory_usage_bytes&start=${START_MS / 1000}&end=${endS}&step=15`;
  const raw = await ask(range);
  line(`handler, ${SERIES} raw series as JSON`, await cpuPerOp(() => ask(range)));
  const small = `query?query=${encodeURIComponent('sum by (job) (memory_usage_bytes)')}&time=${endS}`;
  line('handler, instant sum by (job), 84 series', await cpuPerOp(() => ask(small)));
  const scalar = `query?query=1%2B1&time=${endS}`;
  line('handler, instant 1+1 (fixed cost)', await cpuPerOp(() => ask(scalar)));

  // What the server adds when the client asks for gzip (node's fetch does): level 6 was the default.
  const gzipAsync = promisify(gzip);
  for (const level of [6, 4]) {
    const out = await gzipAsync(raw, { level });
    line(
      `gzip level ${level}, raw series (${(out.length / 1024).toFixed(0)} KiB)`,
      await cpuPerOp(() => gzipAsync(raw, { level })),
    );
  }
}
