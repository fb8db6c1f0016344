// WAL bytes per sample on a scrape-like workload: 20 targets of 500 series each (half counters,
// half gauges; half of them constant, the others moving by integers or floats), scraped 120
// times at 15 s (30 minutes), one commit per target and scrape, as Prometheus's scrape loop
// commits. tsprom writes it with DB.open's defaults (snappy) and with `walCompression: 'none'`;
// a real Prometheus 2.42 (/usr/bin/prometheus, when installed) receives the same samples with the
// same labels and timestamps through its remote-write receiver, one request per target and
// scrape, so its head commits them the same way. Each figure is the size of the `wal/` segment
// files divided by the samples tsprom's replay reads back from them.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Labels } from '@tsprom/labels';
import { DB } from '@tsprom/tsdb';
import { freePort } from '@tsprom/test-support';
import { report } from './harness.js';

const targets = 20;
const seriesPerTarget = 500;
const scrapes = 120;
const intervalMs = 15_000;
const prometheusBin = '/usr/bin/prometheus';
/** What issue 8 measured for Prometheus 2.42 on its own data (printed, labelled, when none runs here). */
const issueReferenceBytesPerSample = 6.7;

/** One target's series: labels and how its value moves from scrape to scrape. */
interface SeriesSpec {
  labels: Labels;
  next: (prev: number) => number;
  start: number;
}

/** xorshift32: the same pseudo-random workload on every run and for both databases. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 2 ** 32;
  };
}

/** The series of every target; values drawn from a fresh generator, so each call replays the same. */
function workload(): SeriesSpec[][] {
  const rand = rng(42);
  const out: SeriesSpec[][] = [];
  for (let k = 0; k < targets; k++) {
    const specs: SeriesSpec[] = [];
    for (let i = 0; i < seriesPerTarget; i++) {
      const metric = i % 50;
      const counter = metric % 2 === 0;
      // Half the series keep their value between scrapes (info and config gauges, counters of rare
      // events), 3 in 10 move by integers, 2 in 10 by floats.
      const kind = Math.floor(rand() * 10); // 0-4 constant, 5-7 integer, 8-9 float
      const name = counter ? `node_metric_${metric}_total` : `node_metric_${metric}_bytes`;
      const labels = Labels.fromStrings(
        '__name__',
        name,
        'device',
        `dev${Math.floor(i / 50)}`,
        'instance',
        `10.0.${k}.1:9100`,
        'job',
        'node',
      );
      const scale = 10 ** Math.floor(rand() * 6);
      let next: (prev: number) => number;
      if (kind < 5) next = (prev) => prev;
      else if (counter && kind < 8) next = (prev) => prev + Math.floor(rand() * 2 * scale);
      else if (counter) next = (prev) => Math.round((prev + rand() * 15) * 100) / 100;
      else if (kind < 8) next = (prev) => Math.max(0, prev + Math.round((rand() - 0.5) * scale) * 4096);
      else next = () => rand();
      // Constant counters count rare events (mostly 0), constant gauges are small (flags, sizes).
      let start: number;
      if (kind < 5) start = counter ? (rand() < 0.8 ? 0 : Math.floor(rand() * 10)) : Math.floor(rand() * 4) * scale;
      else start = counter ? Math.floor(rand() * scale * 1000) : Math.floor(rand() * 1e9);
      specs.push({ labels, next, start });
    }
    out.push(specs);
  }
  return out;
}

/** Samples of one scrape of one target: values by series index, advanced in place. */
function* scrapesOf(w: SeriesSpec[][], t0: number): Generator<{ target: number; t: number; values: Float64Array }> {
  const state = w.map((specs) => Float64Array.from(specs, (s) => s.start));
  for (let r = 0; r < scrapes; r++) {
    for (let k = 0; k < targets; k++) {
      const values = state[k]!;
      if (r > 0) for (let i = 0; i < values.length; i++) values[i] = w[k]![i]!.next(values[i]!);
      yield { target: k, t: t0 + r * intervalMs + k * 731, values };
    }
  }
}

async function walBytes(dir: string): Promise<number> {
  let total = 0;
  for (const name of await readdir(join(dir, 'wal'))) {
    if (/^\d+$/.test(name)) total += (await stat(join(dir, 'wal', name))).size;
  }
  return total;
}

/** Bytes of `dir`'s WAL segments and the samples tsprom's replay reads from them. */
async function measure(dir: string): Promise<{ bytes: number; samples: number }> {
  const db = await DB.open(dir, { readOnly: true });
  const samples = db.openReport?.wal.samples ?? 0;
  await db.close();
  return { bytes: await walBytes(dir), samples };
}

async function writeOurs(w: SeriesSpec[][], t0: number, compression: 'snappy' | 'none' | undefined): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-wal-size-'));
  const db = await DB.open(dir, compression === undefined ? {} : { walCompression: compression });
  const refs = w.map((specs) => new Array<number>(specs.length).fill(0));
  for (const { target, t, values } of scrapesOf(w, t0)) {
    const app = db.appender();
    const specs = w[target]!;
    const r = refs[target]!;
    for (let i = 0; i < specs.length; i++) r[i] = app.append(r[i]!, specs[i]!.labels, t, values[i]!);
    await app.commit();
  }
  await db.close();
  return dir;
}

// --- remote write 1.0 (prompb.WriteRequest), for feeding Prometheus ---

class ProtoWriter {
  #buf = new Uint8Array(1 << 16);
  #len = 0;
  #view = new DataView(this.#buf.buffer);

  #grow(n: number): void {
    if (this.#len + n <= this.#buf.length) return;
    const next = new Uint8Array(Math.max(this.#buf.length * 2, this.#len + n));
    next.set(this.#buf.subarray(0, this.#len));
    this.#buf = next;
    this.#view = new DataView(next.buffer);
  }

  varint(v: number): void {
    this.#grow(10);
    while (v >= 0x80) {
      this.#buf[this.#len++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.#buf[this.#len++] = v;
  }

  bytes(field: number, b: Uint8Array): void {
    this.varint((field << 3) | 2);
    this.varint(b.length);
    this.#grow(b.length);
    this.#buf.set(b, this.#len);
    this.#len += b.length;
  }

  double(field: number, v: number): void {
    this.varint((field << 3) | 1);
    this.#grow(8);
    this.#view.setFloat64(this.#len, v, true);
    this.#len += 8;
  }

  int(field: number, v: number): void {
    this.varint(field << 3);
    this.varint(v);
  }

  finish(): Uint8Array {
    const out = this.#buf.slice(0, this.#len);
    this.#len = 0;
    return out;
  }
}

const utf8 = new TextEncoder();

function writeRequest(specs: SeriesSpec[], t: number, values: Float64Array): Uint8Array {
  const req = new ProtoWriter();
  const ts = new ProtoWriter();
  const part = new ProtoWriter();
  for (let i = 0; i < specs.length; i++) {
    specs[i]!.labels.forEach((name, value) => {
      part.bytes(1, utf8.encode(name));
      part.bytes(2, utf8.encode(value));
      ts.bytes(1, part.finish());
    });
    part.double(1, values[i]!);
    part.int(2, t);
    ts.bytes(2, part.finish());
    req.bytes(1, ts.finish());
  }
  return snappyLiterals(req.finish());
}

/** Snappy block format holding `b` as literals only: valid for any decoder, no compression needed. */
function snappyLiterals(b: Uint8Array): Uint8Array {
  const w = new ProtoWriter();
  w.varint(b.length);
  const head = w.finish();
  const chunk = 65_536;
  const out = new Uint8Array(head.length + b.length + Math.ceil(b.length / chunk) * 3);
  out.set(head);
  let o = head.length;
  for (let off = 0; off < b.length; off += chunk) {
    const n = Math.min(chunk, b.length - off);
    out[o++] = 61 << 2; // literal, length-1 in the next two bytes (little endian)
    out[o++] = (n - 1) & 0xff;
    out[o++] = (n - 1) >> 8;
    out.set(b.subarray(off, off + n), o);
    o += n;
  }
  return out.subarray(0, o);
}

/** Feeds the workload to a real Prometheus through remote write; returns its data dir, stopped. */
async function writePrometheus(w: SeriesSpec[][], t0: number): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'bench-wal-size-prom-'));
  const data = join(root, 'data');
  const cfg = join(root, 'prometheus.yml');
  await writeFile(cfg, 'global:\n  scrape_interval: 1h\n');
  const port = await freePort();
  const child = spawn(
    prometheusBin,
    [
      `--config.file=${cfg}`,
      `--storage.tsdb.path=${data}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--web.enable-remote-write-receiver',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (d) => {
    log = (log + String(d)).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  try {
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`prometheus exited early:\n${log}`);
      const ok = await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(1000) }).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`prometheus not ready after 30s:\n${log}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    for (const { target, t, values } of scrapesOf(w, t0)) {
      const res = await fetch(`${url}/api/v1/write`, {
        method: 'POST',
        headers: {
          'Content-Encoding': 'snappy',
          'Content-Type': 'application/x-protobuf',
          'X-Prometheus-Remote-Write-Version': '0.1.0',
        },
        body: writeRequest(w[target]!, t, values),
      });
      if (res.status !== 204 && res.status !== 200) {
        throw new Error(`remote write answered ${res.status}: ${await res.text()}`);
      }
    }
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
  }
  return data;
}

function perSample(m: { bytes: number; samples: number }): string {
  return `${(m.bytes / m.samples).toFixed(2)} (${m.bytes} B)`;
}

export async function run(): Promise<void> {
  const total = targets * seriesPerTarget * scrapes;
  console.log(
    `\n## tsdb: WAL bytes per sample (${targets} targets x ${seriesPerTarget} series, ` +
      `${scrapes} scrapes at ${intervalMs / 1000} s, ${total / 1e6}M samples)`,
  );
  // Recent times, so that Prometheus's head accepts every sample.
  const t0 = Math.floor(Date.now() / intervalMs) * intervalMs - (scrapes + 1) * intervalMs;
  for (const [label, compression] of [
    ['default (snappy)', undefined],
    ["walCompression: 'none'", 'none'],
  ] as const) {
    const dir = await writeOurs(workload(), t0, compression);
    const m = await measure(dir);
    await rm(dir, { recursive: true, force: true });
    if (m.samples !== total) throw new Error(`${label}: replay read ${m.samples} samples, wrote ${total}`);
    report(`tsdb WAL bytes/sample, ${label}`, perSample(m));
  }
  if (!existsSync(prometheusBin)) {
    report(
      `Prometheus 2.42 WAL bytes/sample: not measured here (no ${prometheusBin})`,
      `${issueReferenceBytesPerSample} in issue 8 (other data)`,
    );
    return;
  }
  const data = await writePrometheus(workload(), t0);
  try {
    const m = await measure(data);
    if (m.samples !== total) throw new Error(`Prometheus: replay read ${m.samples} samples, sent ${total}`);
    report('Prometheus 2.42 WAL bytes/sample (its default: snappy)', perSample(m));
  } finally {
    await rm(join(data, '..'), { recursive: true, force: true });
  }
}
