// Compares two answers of /api/v1/query or /api/v1/query_range the way the PromQL compliance
// tester does (github.com/prometheus/compliance promql/comparer.go): both errored or neither; the
// same result type; series sorted by their labels, the same labels; floats equal within a relative
// 1e-6 (an absolute 1e-12 near zero, where a compensated sum and a plain one part), NaN equal to
// NaN; native histograms bucket by bucket. Warnings and annotations are not compared.

/** The part of an API answer that is compared. */
export interface APIAnswer {
  readonly status: string;
  readonly errorType?: string;
  readonly error?: string;
  readonly data?: { resultType: string; result: unknown };
}

type Metric = Record<string, string>;
type SamplePair = [number, string];
interface APIHistogram {
  count: string;
  sum: string;
  buckets?: [number, string, string, string][];
}
type HistogramPair = [number, APIHistogram];
interface APISeries {
  metric: Metric;
  value?: SamplePair;
  histogram?: HistogramPair;
  values?: SamplePair[];
  histograms?: HistogramPair[];
}

const RELATIVE = 1e-6;
const ABSOLUTE = 1e-12;

/** A float as the API writes it (Go's strconv: `+Inf`, `-Inf`, `NaN`). */
function parseFloat64(s: string): number {
  if (s === '+Inf' || s === 'Inf') return Number.POSITIVE_INFINITY;
  if (s === '-Inf') return Number.NEGATIVE_INFINITY;
  return Number(s);
}

/** Whether two float strings of the API are equal as the tester takes them. */
export function floatsEqual(a: string, b: string): boolean {
  const x = parseFloat64(a);
  const y = parseFloat64(b);
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y);
  if (x === y) return true;
  if (!Number.isFinite(x) || !Number.isFinite(y)) return false;
  const diff = Math.abs(x - y);
  return diff <= ABSOLUTE || diff <= RELATIVE * Math.max(Math.abs(x), Math.abs(y));
}

function metricKey(m: Metric): string {
  return Object.keys(m)
    .sort()
    .map((k) => `${k}=${JSON.stringify(m[k])}`)
    .join(',');
}

function histogramDiff(a: APIHistogram, b: APIHistogram): string | undefined {
  if (!floatsEqual(a.count, b.count)) return `histogram count ${a.count} vs ${b.count}`;
  if (!floatsEqual(a.sum, b.sum)) return `histogram sum ${a.sum} vs ${b.sum}`;
  const ba = a.buckets ?? [];
  const bb = b.buckets ?? [];
  if (ba.length !== bb.length) return `${ba.length} vs ${bb.length} histogram buckets`;
  for (let i = 0; i < ba.length; i++) {
    const [sa, la, ua, ca] = ba[i]!;
    const [sb, lb, ub, cb] = bb[i]!;
    if (sa !== sb || !floatsEqual(la, lb) || !floatsEqual(ua, ub) || !floatsEqual(ca, cb)) {
      return `histogram bucket ${i}: ${JSON.stringify(ba[i])} vs ${JSON.stringify(bb[i])}`;
    }
  }
  return undefined;
}

function pairsDiff<V>(
  a: readonly [number, V][] | undefined,
  b: readonly [number, V][] | undefined,
  diff: (x: V, y: V) => string | undefined,
): string | undefined {
  const pa = a ?? [];
  const pb = b ?? [];
  if (pa.length !== pb.length) return `${pa.length} vs ${pb.length} points`;
  for (let i = 0; i < pa.length; i++) {
    const [ta, va] = pa[i]!;
    const [tb, vb] = pb[i]!;
    if (ta !== tb) return `point ${i}: time ${ta} vs ${tb}`;
    const d = diff(va, vb);
    if (d !== undefined) return `point ${i} at ${ta}: ${d}`;
  }
  return undefined;
}

const floatDiff = (x: string, y: string) => (floatsEqual(x, y) ? undefined : `${x} vs ${y}`);

function seriesDiff(a: APISeries, b: APISeries): string | undefined {
  const single = (p: SamplePair | undefined): SamplePair[] => (p === undefined ? [] : [p]);
  const singleH = (p: HistogramPair | undefined): HistogramPair[] => (p === undefined ? [] : [p]);
  return (
    pairsDiff(single(a.value), single(b.value), floatDiff) ??
    pairsDiff(a.values, b.values, floatDiff) ??
    pairsDiff(singleH(a.histogram), singleH(b.histogram), histogramDiff) ??
    pairsDiff(a.histograms, b.histograms, histogramDiff)
  );
}

/** Why two answers differ, or undefined when they agree. `a` is tsprom's, `b` the reference's. */
export function answerDiff(a: APIAnswer, b: APIAnswer): string | undefined {
  const ea = a.status !== 'success';
  const eb = b.status !== 'success';
  if (ea || eb) {
    if (ea && eb) return undefined;
    return ea
      ? `only tsprom errored: ${a.errorType}: ${a.error}`
      : `only Prometheus errored: ${b.errorType}: ${b.error}`;
  }
  const ra = a.data!;
  const rb = b.data!;
  if (ra.resultType !== rb.resultType) return `result type ${ra.resultType} vs ${rb.resultType}`;
  if (ra.resultType === 'scalar' || ra.resultType === 'string') {
    const [ta, va] = ra.result as SamplePair;
    const [tb, vb] = rb.result as SamplePair;
    if (ta !== tb) return `time ${ta} vs ${tb}`;
    return ra.resultType === 'scalar' ? floatDiff(va, vb) : va === vb ? undefined : `${va} vs ${vb}`;
  }
  const sa = [...(ra.result as APISeries[])].sort((x, y) => cmp(metricKey(x.metric), metricKey(y.metric)));
  const sb = [...(rb.result as APISeries[])].sort((x, y) => cmp(metricKey(x.metric), metricKey(y.metric)));
  for (let i = 0; i < Math.max(sa.length, sb.length); i++) {
    const x = sa[i];
    const y = sb[i];
    if (x === undefined || y === undefined || metricKey(x.metric) !== metricKey(y.metric)) {
      return `${sa.length} vs ${sb.length} series; first difference: ${x === undefined ? '(none)' : metricKey(x.metric)} vs ${y === undefined ? '(none)' : metricKey(y.metric)}`;
    }
    const d = seriesDiff(x, y);
    if (d !== undefined) return `series {${metricKey(x.metric)}}: ${d}`;
  }
  return undefined;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
