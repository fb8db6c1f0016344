// Prometheus: web/federate.go federation: `/federate?match[]=…` answers the latest sample (within
// the lookback delta) of every series the selectors match, in the text exposition format, with
// the external labels added where a series lacks them (`instance=""` always).
import { type Labels, MetricName } from '@tsprom/labels';
import { formatFloatG, parseMetricSelectors } from '@tsprom/promql';
import {
  chainedSeriesMerge,
  isStaleNaN,
  mergeSeriesSets,
  type Queryable,
  type SeriesSet,
  ValueType,
} from '@tsprom/storage-interfaces';
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

/**
 * The `/federate` endpoint as a fetch-style handler. Answers the text format 0.0.4 (protobuf and
 * OpenMetrics negotiation are not done); native-histogram samples are left out.
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
    const maxt = (opts.now ?? Date.now)();
    const mint = maxt - opts.lookbackDeltaMs;
    const q = opts.queryable.querier(mint, maxt);
    const vec: { metric: Labels; t: number; f: number }[] = [];
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
          for (let vt = it.next(); vt !== ValueType.None; vt = it.next()) {
            if (it.atT() > maxt) break;
            if (vt === ValueType.Float) {
              t = it.atT();
              f = it.atV();
            } else t = Number.NaN; // A histogram is the latest: nothing to show in text.
          }
          const err = it.err();
          if (err !== undefined) throw err;
          // The exposition formats have no stale marker: a stale series is left out.
          if (Number.isNaN(t) || t < mint || isStaleNaN(f)) continue;
          vec.push({ metric: s.labels(), t, f });
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
    let out = '';
    let lastName = '';
    for (const s of vec) {
      const name = s.metric.get(MetricName);
      if (name === '') continue; // Prometheus ignores nameless series here.
      if (name !== lastName) {
        out += `# TYPE ${name} untyped\n`;
        lastName = name;
      }
      const pairs: string[] = [];
      const used = new Set<string>();
      s.metric.forEach((n, v) => {
        if (n === MetricName || v === '') return;
        pairs.push(`${n}="${escapeLabelValue(v)}"`);
        if (external.has(n)) used.add(n);
      });
      for (const n of externalNames) {
        if (!used.has(n)) pairs.push(`${n}="${escapeLabelValue(external.get(n)!)}"`);
      }
      out += `${name}{${pairs.join(',')}} ${formatFloatG(s.f)} ${s.t}\n`;
    }
    return new Response(out, { status: 200, headers: { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' } });
  };
}
