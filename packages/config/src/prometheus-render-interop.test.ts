// configToYAML against real Prometheus (Debian's 2.42): each configuration is loaded into a running
// Prometheus (POST /-/reload) and the `yaml` of its /api/v1/status/config is compared with ours,
// field by field and in order, after removing what Prometheus 3 adds or changed since 2.42:
// runtime, otlp, the scrape settings of 3.x, the name validation schemes, protobuf_message, TLS
// versions by name (2.42 prints the number), the proxy fields after enable_http2 (common's newer
// field order), the remote write defaults of 3 (queue sizes, HTTP/2 off) where the source leaves
// them unset, and 2.42's stray `outofordertimewindow`.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { PEERS, requirePeer, type ServerPeer, startPrometheus } from '@tsprom/test-support';
import { configToYAML } from './to-yaml.js';

const testdata = join(import.meta.dirname, '..', 'testdata');
const have = requirePeer(PEERS.prometheus);
const cases: [string, string][] = [
  ...readdirSync(join(testdata, 'render')).map((f): [string, string] => [`render/${f}`, join(testdata, 'render', f)]),
  ...['minimal.yml', 'anchors.yml', 'agent-like.yml'].map((f): [string, string] => [
    `good/${f}`,
    join(testdata, 'good', f),
  ]),
];

type Doc = Record<string, unknown>;
const isObj = (v: unknown): v is Doc => typeof v === 'object' && v !== null && !Array.isArray(v);

const SCRAPE_3_ONLY = [
  'track_timestamps_staleness',
  'scrape_protocols',
  'fallback_scrape_protocol',
  'scrape_native_histograms',
  'always_scrape_classic_histograms',
  'convert_classic_histograms_to_nhcb',
  'enable_compression',
  'metric_name_validation_scheme',
  'metric_name_escaping_scheme',
  'extra_scrape_metrics',
];
const TLS_NUMBERS: Record<string, number> = { TLS10: 769, TLS11: 770, TLS12: 771, TLS13: 772 };
const PROXY_KEYS = ['proxy_url', 'no_proxy', 'proxy_from_environment', 'proxy_connect_header'];

/** Walks every mapping of a document. */
function eachMap(v: unknown, fn: (m: Doc) => void): void {
  if (Array.isArray(v)) for (const x of v) eachMap(x, fn);
  else if (isObj(v)) {
    fn(v);
    for (const x of Object.values(v)) eachMap(x, fn);
  }
}

/** Moves the proxy fields right after `enable_http2` (Prometheus 3's order), keeping the rest. */
function proxyAfterHTTP2(m: Doc): void {
  if (!('enable_http2' in m) || !PROXY_KEYS.some((k) => k in m)) return;
  const entries = Object.entries(m);
  const proxy = entries.filter(([k]) => PROXY_KEYS.includes(k));
  const rest = entries.filter(([k]) => !PROXY_KEYS.includes(k));
  const at = rest.findIndex(([k]) => k === 'enable_http2') + 1;
  rest.splice(at, 0, ...proxy);
  for (const k of Object.keys(m)) delete m[k];
  Object.assign(m, Object.fromEntries(rest));
}

function normalizeOurs(text: string): Doc {
  const d = parse(text) as Doc;
  delete d.runtime;
  delete d.otlp;
  if (isObj(d.global)) {
    delete d.global.metric_name_validation_scheme;
    delete d.global.metric_name_escaping_scheme;
  }
  for (const sc of (d.scrape_configs as Doc[] | undefined) ?? []) for (const k of SCRAPE_3_ONLY) delete sc[k];
  for (const rw of (d.remote_write as Doc[] | undefined) ?? []) delete rw.protobuf_message;
  eachMap(d, (m) => {
    for (const k of ['min_version', 'max_version']) {
      if (typeof m[k] === 'string' && TLS_NUMBERS[m[k]] !== undefined) m[k] = TLS_NUMBERS[m[k]];
    }
  });
  return d;
}

/** Prometheus 2.42's remote write defaults, replaced by 3's where the source config left them unset. */
function remoteWriteDefaultsOf3(d: Doc, source: Doc): void {
  const src = (source.remote_write as Doc[] | undefined) ?? [];
  ((d.remote_write as Doc[] | undefined) ?? []).forEach((rw, i) => {
    const s = src[i] ?? {};
    const sq = isObj(s.queue_config) ? s.queue_config : {};
    const sm = isObj(s.metadata_config) ? s.metadata_config : {};
    if (!('enable_http2' in s)) rw.enable_http2 = false;
    const q = rw.queue_config as Doc;
    if (!('capacity' in sq)) q.capacity = 10_000;
    if (!('max_shards' in sq)) q.max_shards = 50;
    if (!('max_samples_per_send' in sq)) q.max_samples_per_send = 2000;
    if (!('max_samples_per_send' in sm)) (rw.metadata_config as Doc).max_samples_per_send = 2000;
  });
}

function normalizeTheirs(text: string, source: string): Doc {
  const d = parse(text) as Doc;
  remoteWriteDefaultsOf3(d, (parse(source) as Doc | null) ?? {});
  eachMap(d, (m) => {
    delete m.outofordertimewindow;
    proxyAfterHTTP2(m);
  });
  return d;
}

describe.runIf(have)('configToYAML matches what Prometheus 2.42 serves', () => {
  let dir = '';
  let prom: ServerPeer | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tsprom-config-render-'));
    mkdirSync(join(dir, 'rules'));
    writeFileSync(join(dir, 'rules', 'first.rules'), 'groups: []\n');
    writeFileSync(join(dir, 'prometheus.yml'), '');
    prom = await startPrometheus({
      configFile: join(dir, 'prometheus.yml'),
      dataDir: join(dir, 'data'),
      args: ['--web.enable-lifecycle'],
    });
  });

  afterAll(async () => {
    await prom?.stop();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it.each(cases)('%s', async (_name, path) => {
    const text = readFileSync(path, 'utf8');
    const file = join(dir, 'prometheus.yml');
    writeFileSync(file, text);
    const reload = await fetch(`${prom!.url}/-/reload`, { method: 'POST' });
    expect(reload.status, `${await reload.text()}\n${prom!.output().slice(-2000)}`).toBe(200);
    const res = await fetch(`${prom!.url}/api/v1/status/config`);
    const theirs = ((await res.json()) as { data: { yaml: string } }).data.yaml;
    const ours = configToYAML(loadConfig(text, { file, baseDir: dir }));
    expect(JSON.stringify(normalizeOurs(ours), null, 1)).toBe(JSON.stringify(normalizeTheirs(theirs, text), null, 1));
  });
});
