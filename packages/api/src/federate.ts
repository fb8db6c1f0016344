// Prometheus: web/federate.go federation: `/federate?match[]=…` answers the latest sample (within
// the lookback delta) of every series the selectors match, with the external labels added where a
// series lacks them (`instance=""` always), in the format the Accept header negotiates (expfmt
// Negotiate): the text format, or delimited protobuf, which also carries native histograms.
import { type Labels, MetricName } from '@tsprom/labels';
import { formatFloatG, parseMetricSelectors } from '@tsprom/promql';
import {
  chainedSeriesMerge,
  CounterResetHint,
  CustomBucketsSchema,
  type FloatHistogram,
  isStaleNaN,
  mergeSeriesSets,
  type Queryable,
  type SeriesSet,
  ValueType,
} from '@tsprom/storage-interfaces';
import {
  type FederatedMetric,
  FederatedType,
  PROTO_DELIMITED_TYPE,
  writeDelimitedFamily,
} from './federate-protobuf.js';
import { Form } from './form.js';

/** Options of {@link createFederateHandler}. */
export interface FederateOptions {
  readonly queryable: Queryable;
  /** How far back the latest sample may be (`--query.lookback-delta`), ms. */
  readonly lookbackDeltaMs: number;
  /** The configuration's `external_labels`, read per request (they change on reload). */
  readonly externalLabels?: () => Labels;
  /** The current time in ms (default Date.now). */
  readonly now?: () => number;
}

function text(status: number, body: string): Response {
  return new Response(body, { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
}

function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

const TEXT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * Prometheus: prometheus/common expfmt Negotiate: the first acceptable format of the Accept
 * header by quality: delimited protobuf, or the text format (also the default). The protobuf
 * text encodings (`encoding=text`, `compact-text`) are not offered.
 */
export function negotiateFederationFormat(accept: string | null): 'protobuf' | 'text' {
  if (accept === null) return 'text';
  const ranges = accept
    .split(',')
    .map((part, i) => {
      const [type = '', ...ps] = part.split(';').map((x) => x.trim());
      const params = new Map<string, string>();
      for (const p of ps) {
        const eq = p.indexOf('=');
        if (eq > 0)
          params.set(
            p.slice(0, eq).trim().toLowerCase(),
            p
              .slice(eq + 1)
              .trim()
              .replace(/^"|"$/g, ''),
          );
      }
      const q = params.has('q') ? Number(params.get('q')) : 1;
      return { type: type.toLowerCase(), params, q: Number.isNaN(q) ? 0 : q, i };
    })
    .filter((r) => r.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  for (const r of ranges) {
    if (
      r.type === 'application/vnd.google.protobuf' &&
      r.params.get('proto') === 'io.prometheus.client.MetricFamily' &&
      r.params.get('encoding') === 'delimited'
    ) {
      return 'protobuf';
    }
    const version = r.params.get('version') ?? '';
    if (r.type === 'text/plain' && (version === '0.0.4' || version === '')) return 'text';
  }
  return 'text';
}

/** The latest sample of a federated series. */
interface Latest {
  readonly metric: Labels;
  readonly t: number;
  readonly f: number;
  readonly h: FloatHistogram | undefined;
}

/**
 * The `/federate` endpoint as a fetch-style handler. Answers the text format 0.0.4, or delimited
 * protobuf when the Accept header asks for it; native histograms only in protobuf (as Prometheus),
 * those with custom buckets not at all.
 */
export function createFederateHandler(opts: FederateOptions): (req: Request) => Promise<Response> {
  return async (req) => {
    let form: Form;
    try {
      form = await Form.read(req, new URL(req.url));
    } catch (err) {
      return text(400, `${(err as Error).message}\n`);
    }
    let sets: ReturnType<typeof parseMetricSelectors>;
    try {
      sets = parseMetricSelectors(form.getAll('match[]'));
    } catch (err) {
      return text(400, `${(err as Error).message}\n`);
    }
    const protobuf = negotiateFederationFormat(req.headers.get('accept')) === 'protobuf';
    const maxt = (opts.now ?? Date.now)();
    const mint = maxt - opts.lookbackDeltaMs;
    const q = opts.queryable.querier(mint, maxt);
    const vec: Latest[] = [];
    try {
      const all: SeriesSet[] = [];
      for (const ms of sets) all.push(await q.select(true, { start: mint, end: maxt }, ms, req.signal));
      if (all.length > 0) {
        const set = mergeSeriesSets(all, chainedSeriesMerge);
        let it: ReturnType<ReturnType<SeriesSet['at']>['iterator']> | undefined;
        while (set.next()) {
          const s = set.at();
          it = s.iterator(it);
          let t = Number.NaN;
          let f = 0;
          let h: FloatHistogram | undefined;
          for (let vt = it.next(); vt !== ValueType.None; vt = it.next()) {
            if (it.atT() > maxt) break;
            t = it.atT();
            if (vt === ValueType.Float) {
              f = it.atV();
              h = undefined;
            } else if (protobuf) {
              h = it.atFloatHistogram();
            } else t = Number.NaN; // A histogram is the latest: the text format cannot carry it.
          }
          const err = it.err();
          if (err !== undefined) throw err;
          // The exposition formats have no stale marker: a stale series is left out.
          if (Number.isNaN(t) || t < mint || isStaleNaN(h === undefined ? f : h.sum)) continue;
          // Custom bucket bounds have no place in the exposition's native histogram.
          if (h !== undefined && h.schema === CustomBucketsSchema) continue;
          vec.push({ metric: s.labels(), t, f, h });
        }
        const err = set.err();
        if (err !== undefined) throw err;
      }
    } catch (err) {
      return text(500, `federation failed: ${(err as Error).message}\n`);
    } finally {
      await q.close();
    }
    // Stable: series of one name stay in label order.
    vec.sort((a, b) => {
      const x = a.metric.get(MetricName);
      const y = b.metric.get(MetricName);
      return x < y ? -1 : x > y ? 1 : 0;
    });
    const external = new Map<string, string>();
    opts.externalLabels?.().forEach((n, v) => {
      external.set(n, v);
    });
    if (!external.has('instance')) external.set('instance', '');
    const externalNames = [...external.keys()].sort();
    // Prometheus's family grouping: a new family when the name, the sample kind (float or
    // histogram) or the histogram kind (gauge or counter) changes.
    let out = '';
    const chunks: Uint8Array[] = [];
    let family: { name: string; type: number; metrics: FederatedMetric[] } | undefined;
    for (const s of vec) {
      const name = s.metric.get(MetricName);
      if (name === '') continue; // Prometheus ignores nameless series here.
      const type =
        s.h === undefined
          ? FederatedType.UNTYPED
          : s.h.counterResetHint === CounterResetHint.Gauge
            ? FederatedType.GAUGE_HISTOGRAM
            : FederatedType.HISTOGRAM;
      const labels: [string, string][] = [];
      const used = new Set<string>();
      s.metric.forEach((n, v) => {
        if (n === MetricName || v === '') return;
        labels.push([n, v]);
        if (external.has(n)) used.add(n);
      });
      for (const n of externalNames) if (!used.has(n)) labels.push([n, external.get(n)!]);
      if (protobuf) {
        if (family === undefined || family.name !== name || family.type !== type) {
          if (family !== undefined) writeDelimitedFamily(chunks, family.name, family.type, family.metrics);
          family = { name, type, metrics: [] };
        }
        family.metrics.push({ labels, t: s.t, f: s.f, h: s.h });
        continue;
      }
      if (family === undefined || family.name !== name) {
        out += `# TYPE ${name} untyped\n`;
        family = { name, type, metrics: [] };
      }
      const pairs = labels.map(([n, v]) => `${n}="${escapeLabelValue(v)}"`);
      out += `${name}{${pairs.join(',')}} ${formatFloatG(s.f)} ${s.t}\n`;
    }
    if (!protobuf) return new Response(out, { status: 200, headers: { 'Content-Type': TEXT_TYPE } });
    if (family !== undefined) writeDelimitedFamily(chunks, family.name, family.type, family.metrics);
    const body = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of chunks) {
      body.set(c, at);
      at += c.length;
    }
    return new Response(body, {
      status: 200,
      headers: { 'Content-Type': PROTO_DELIMITED_TYPE },
    });
  };
}
