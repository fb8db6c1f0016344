// Prometheus: client_golang's Gather (dto.MetricFamily) as /api/v1/status/self_metrics serves it:
// the families of /metrics regrouped into metrics, histograms and summaries as protobuf holds them.
import type { ProtoMetric, ProtoMetricFamily } from '@tsprom/api';
import type { MetricFamily } from './metrics-registry.js';

type Sample = MetricFamily['samples'][number];

const TYPES = {
  counter: 'COUNTER',
  gauge: 'GAUGE',
  histogram: 'HISTOGRAM',
  summary: 'SUMMARY',
  untyped: 'UNTYPED',
} as const;

/** The labels of a sample but `drop` (le, quantile), sorted by name, as client_golang's pairs. */
function pairs(s: Sample, drop: string): { name: string; value: string }[] {
  return Object.entries(s.labels ?? {})
    .filter(([n]) => n !== drop)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => ({ name, value }));
}

interface Group {
  label: { name: string; value: string }[];
  sum: number;
  count: number;
  inner: { bound: number; value: number }[];
}

/** Histogram or summary samples grouped by their labels (le or quantile aside). */
function groups(f: MetricFamily, inner: '_bucket' | '', drop: string): Group[] {
  const out = new Map<string, Group>();
  for (const s of f.samples) {
    const label = pairs(s, drop);
    const key = JSON.stringify(label);
    let g = out.get(key);
    if (g === undefined) {
      g = { label, sum: 0, count: 0, inner: [] };
      out.set(key, g);
    }
    const suffix = s.suffix ?? '';
    if (suffix === '_sum') g.sum = s.value;
    else if (suffix === '_count') g.count = s.value;
    else if (suffix === inner) {
      const bound = Number(s.labels?.[drop] === '+Inf' ? Number.POSITIVE_INFINITY : s.labels?.[drop]);
      g.inner.push({ bound, value: s.value });
    }
  }
  return [...out.values()];
}

/** One family as a ProtoJSON MetricFamily. */
export function toProtoFamily(f: MetricFamily): ProtoMetricFamily {
  let metric: ProtoMetric[];
  if (f.type === 'histogram') {
    metric = groups(f, '_bucket', 'le').map((g) => ({
      ...(g.label.length > 0 ? { label: g.label } : {}),
      histogram: {
        sampleCount: g.count,
        sampleSum: g.sum,
        // client_golang keeps the +Inf bucket implicit (it is the count).
        bucket: g.inner
          .filter((b) => b.bound !== Number.POSITIVE_INFINITY)
          .map((b) => ({ cumulativeCount: b.value, upperBound: b.bound })),
      },
    }));
  } else if (f.type === 'summary') {
    metric = groups(f, '', 'quantile').map((g) => ({
      ...(g.label.length > 0 ? { label: g.label } : {}),
      summary: {
        sampleCount: g.count,
        sampleSum: g.sum,
        quantile: g.inner.map((q) => ({ quantile: q.bound, value: q.value })),
      },
    }));
  } else {
    metric = f.samples.map((s) => {
      const label = pairs(s, '');
      return { ...(label.length > 0 ? { label } : {}), [f.type]: { value: s.value } };
    });
  }
  return { name: f.name, help: f.help, type: TYPES[f.type], metric };
}
