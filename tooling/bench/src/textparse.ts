// Benchmarks for @tsprom/textparse: parse throughput of each exposition format over a
// node_exporter-like body (what a scrape loop does per line on a cache hit: next, series key,
// value, timestamp; and on a miss: labels too), and a linearity check: pathological inputs of size
// N and 4N must cost the same per byte.
import { readFileSync } from 'node:fs';
import { Entry, OpenMetricsParser, type Parser, PromParser, ProtobufParser } from '@tsprom/textparse';
import protobuf from 'protobufjs';
import { type BenchCase, formatRate, report, runCase, runSuite } from './harness.js';

interface Family {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram';
  samples: { suffix: string; labels: [string, string][]; value: number }[];
}

/** A body shaped like node_exporter's: many small families, 2–3 labels, a few histograms. */
function families(scale: number): Family[] {
  const fams: Family[] = [];
  const cpu: Family = {
    name: 'node_cpu_seconds_total',
    help: 'Seconds the CPUs spent in each mode.',
    type: 'counter',
    samples: [],
  };
  for (let c = 0; c < 16 * scale; c++) {
    for (const mode of ['idle', 'iowait', 'irq', 'nice', 'softirq', 'steal', 'system', 'user']) {
      cpu.samples.push({
        suffix: '',
        labels: [
          ['cpu', String(c)],
          ['mode', mode],
        ],
        value: 12345.67 + c * 3.1,
      });
    }
  }
  fams.push(cpu);
  for (const metric of [
    'receive_bytes',
    'transmit_bytes',
    'receive_packets',
    'transmit_packets',
    'receive_errs',
    'transmit_drop',
  ]) {
    const f: Family = {
      name: `node_network_${metric}_total`,
      help: `Network device statistic ${metric}.`,
      type: 'counter',
      samples: [],
    };
    for (let d = 0; d < 8 * scale; d++)
      f.samples.push({ suffix: '', labels: [['device', `eth${d}`]], value: 1.234567e9 + d });
    fams.push(f);
  }
  for (let i = 0; i < 40 * scale; i++) {
    fams.push({
      name: `node_memory_Metric${i}_bytes`,
      help: `Memory information field Metric${i}_bytes.`,
      type: 'gauge',
      samples: [{ suffix: '', labels: [], value: 8.253e9 - i * 4096 }],
    });
  }
  for (let i = 0; i < 4 * scale; i++) {
    const h: Family = {
      name: `http_request_duration_seconds_${i}`,
      help: 'Request latency.',
      type: 'histogram',
      samples: [],
    };
    let cum = 0;
    for (const le of ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '10', '+Inf']) {
      cum += 17;
      h.samples.push({
        suffix: '_bucket',
        labels: [
          ['handler', '/api/v1/query'],
          ['le', le],
        ],
        value: cum,
      });
    }
    h.samples.push({ suffix: '_sum', labels: [['handler', '/api/v1/query']], value: 53423.5 });
    h.samples.push({ suffix: '_count', labels: [['handler', '/api/v1/query']], value: cum });
    fams.push(h);
  }
  return fams;
}

function toText(fams: Family[], om: boolean): string {
  let out = '';
  for (const f of fams) {
    const base = om && f.type === 'counter' ? f.name.replace(/_total$/, '') : f.name;
    out += `# HELP ${base} ${f.help}\n# TYPE ${base} ${f.type}\n`;
    for (const s of f.samples) {
      const ls = s.labels.map(([n, v]) => `${n}="${v}"`).join(',');
      out += `${f.name}${s.suffix}${ls === '' ? '' : `{${ls}}`} ${s.value}\n`;
    }
  }
  return om ? `${out}# EOF\n` : out;
}

function toProto(fams: Family[]): Uint8Array {
  const schema = readFileSync(
    new URL('../../../../shared/reference/proto/client_model_metrics.proto', import.meta.url),
    'utf8',
  );
  const root = new protobuf.Root();
  root.addJSON(protobuf.common.get('google/protobuf/timestamp.proto')!.nested!);
  protobuf.parse(schema.replace(/^import .*$/m, ''), root, { keepCase: true });
  const t = root.lookupType('io.prometheus.client.MetricFamily');
  const w = protobuf.Writer.create();
  for (const f of fams) {
    let metric: object[];
    if (f.type === 'histogram') {
      const buckets = f.samples.filter((s) => s.suffix === '_bucket' && s.labels[1]![1] !== '+Inf');
      metric = [
        {
          label: [{ name: 'handler', value: '/api/v1/query' }],
          histogram: {
            sample_count: 204,
            sample_sum: 53423.5,
            bucket: buckets.map((b) => ({ cumulative_count: b.value, upper_bound: Number(b.labels[1]![1]) })),
          },
        },
      ];
    } else {
      metric = f.samples.map((s) => ({
        label: s.labels.map(([name, value]) => ({ name, value })),
        [f.type]: { value: s.value },
      }));
    }
    t.encodeDelimited(
      t.fromObject({ name: f.name, help: f.help, type: f.type === 'counter' ? 0 : f.type === 'gauge' ? 1 : 4, metric }),
      w,
    );
  }
  return w.finish();
}

function countLines(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/** What a scrape loop does per entry on a cache hit (or, with `labels`, on a miss). */
function consume(p: Parser, labels: boolean): number {
  let acc = 0;
  for (let e = p.next(); e !== Entry.EOF; e = p.next()) {
    if (e !== Entry.Series) continue;
    acc += p.series().length + p.value();
    if (p.timestamp() !== undefined) acc++;
    if (labels) acc += p.labels().length;
  }
  return acc;
}

/**
 * The rate of `c` per CPU-second of this process (best of 5 rounds): on a machine shared with other
 * work, wall-clock rates fall with the load while this one measures the parser on its core.
 */
function cpuRate(c: BenchCase, budgetMs = 1000): number {
  let best = 0;
  for (let r = 0; r < 6; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    let ops = 0;
    do {
      c.fn();
      ops++;
    } while (performance.now() - t0 < budgetMs / 5);
    const used = process.cpuUsage(c0);
    if (r > 0) best = Math.max(best, (ops * c.unitsPerOp) / ((used.user + used.system) / 1e6));
  }
  return best;
}

/** A timed single parse of `make()`'s parser, in ns per input byte. */
function nsPerByte(bytes: number, parse: () => unknown): number {
  const r = runCase({ name: '', unitsPerOp: bytes, unit: 'B', fn: parse }, 600, 3);
  return 1e9 / r.unitsPerSecond;
}

/** The textparse suite. */
export function run(): void {
  const fams = families(8);
  const text = new TextEncoder().encode(toText(fams, false));
  const om = new TextEncoder().encode(toText(fams, true));
  const proto = toProto(fams);
  const textLines = countLines(new TextDecoder().decode(text));
  const omLines = countLines(new TextDecoder().decode(om));
  const samples = consume(new PromParser(text), false) >= 0 ? fams.reduce((n, f) => n + f.samples.length, 0) : 0;
  const protoSeries = fams.reduce((n, f) => n + (f.type === 'histogram' ? 14 : f.samples.length), 0);
  report('textparse: body (node_exporter-like)', `${textLines} lines, ${(text.length / 1024).toFixed(0)} KiB`);
  const cases: BenchCase[] = [
    {
      name: 'textparse: text 0.0.4, next+series+value',
      unitsPerOp: textLines,
      unit: 'lines',
      fn: () => consume(new PromParser(text), false),
    },
    {
      name: 'textparse: text 0.0.4, next+series+value',
      unitsPerOp: samples,
      unit: 'samples',
      fn: () => consume(new PromParser(text), false),
    },
    {
      name: 'textparse: text 0.0.4, + labels() every line',
      unitsPerOp: samples,
      unit: 'samples',
      fn: () => consume(new PromParser(text), true),
    },
    {
      name: 'textparse: OpenMetrics 1.0, next+series+value',
      unitsPerOp: omLines,
      unit: 'lines',
      fn: () => consume(new OpenMetricsParser(om), false),
    },
    {
      name: 'textparse: OpenMetrics 1.0, next+series+value',
      unitsPerOp: samples,
      unit: 'samples',
      fn: () => consume(new OpenMetricsParser(om), false),
    },
    {
      name: 'textparse: protobuf, next+series+value',
      unitsPerOp: protoSeries,
      unit: 'samples',
      fn: () => consume(new ProtobufParser(proto), false),
    },
    {
      name: 'textparse: protobuf, + labels() every series',
      unitsPerOp: protoSeries,
      unit: 'samples',
      fn: () => consume(new ProtobufParser(proto), true),
    },
  ];
  runSuite('textparse', cases);
  console.log('(the same, per CPU-second of this process: what one core does, whatever the load)');
  for (const c of cases) report(`${c.name} (CPU)`, formatRate(cpuRate(c), c.unit));

  // Linearity: the cost per byte of pathological inputs at N and 4N bytes (a ratio near 1 is linear).
  const n = 50_000;
  const shapes: [string, (k: number) => string, (s: Uint8Array) => unknown][] = [
    [
      'one line with k labels',
      (k) => `a{${Array.from({ length: k }, (_, i) => `l${i}="v"`).join(',')}} 1\n`,
      (b) => consume(new PromParser(b), true),
    ],
    [
      'a label value of k backslash escapes',
      (k) => `a{b="${'\\\\'.repeat(k)}"} 1\n`,
      (b) => consume(new PromParser(b), true),
    ],
    ['k lines without a backslash', (k) => 'a{b="c"} 1\n'.repeat(k), (b) => consume(new PromParser(b), false)],
    ['a comment of k chars', (k) => `# ${'x'.repeat(k)}\n`, (b) => consume(new PromParser(b), false)],
    [
      'OpenMetrics: k counters, no _created, createdTimestamp() each',
      (k) => `# TYPE c counter\n${Array.from({ length: k }, (_, i) => `c_total{i="${i}"} 1\n`).join('')}# EOF\n`,
      (b) => {
        const p = new OpenMetricsParser(b);
        let acc = 0;
        for (let e = p.next(); e !== Entry.EOF; e = p.next()) if (e === Entry.Series) acc += p.createdTimestamp() ?? 1;
        return acc;
      },
    ],
  ];
  for (const [name, make, parse] of shapes) {
    const small = new TextEncoder().encode(make(n / 10));
    const big = new TextEncoder().encode(make((4 * n) / 10));
    const a = nsPerByte(small.length, () => parse(small));
    const b = nsPerByte(big.length, () => parse(big));
    report(`textparse: linear? ${name}`, `${a.toFixed(2)} → ${b.toFixed(2)} ns/B (×${(b / a).toFixed(2)})`);
  }
}
