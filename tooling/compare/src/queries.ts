// The query list of `pnpm test:compat`: every PromQL function Prometheus 2.42 has and every
// operator class, each run as an instant query at two times and as a range query, against tsprom
// and Prometheus 2.42 on the same data.
//
// Where 2.42 and Prometheus 3 (tsprom's reference) differ, the list avoids the difference:
// - Range selectors are left-open in 3, left-closed in 2.42: no sample of the data set lies on a
//   whole second (data-set.ts) and every query time, step and range is whole seconds, so no sample
//   ever lies on a range's left edge. Subqueries are left-open in 3 as well: the query times are 7 s
//   past a whole minute (compat.ts queryTimes), so no subquery point lies on the left edge either.
// - `holt_winters` is 3's `double_exponential_smoothing` (experimental there): tsprom is asked the
//   3 name, Prometheus 2.42 the old one (`prom`).
// - Regex `.` matches a newline in 3, not in 2.42: no label value of the data set has a newline.
// - histogram_quantile and histogram_fraction interpolate native histogram buckets exponentially in
//   3, linearly in 2.42: asked only at bucket bounds (0.5, 1, 2 s at schema 0) or on classic buckets.
// - 3 normalizes `le` values (`1` becomes `1.0`): the data set writes them normalized already.
// Not in 2.42, so not compared here: histogram_avg, histogram_stddev, histogram_stdvar,
// mad_over_time, sort_by_label, sort_by_label_desc, info, limitk, limit_ratio, ts_of_max_over_time,
// ts_of_min_over_time, ts_of_last_over_time, first_over_time and ts_of_first_over_time (promql's
// own tests cover them against Prometheus 3's test data).

/** One query; `prom` is the spelling Prometheus 2.42 is asked when it differs. */
export interface CompatQuery {
  readonly q: string;
  readonly prom?: string;
  /** Only as an instant query (a range query of it would be refused by both for the same reason). */
  readonly instantOnly?: boolean;
}

const C = 'http_requests_total';
const G = 'memory_usage_bytes';
const T = 'temperature_celsius';
const B = 'http_request_duration_seconds_bucket';
const N = 'rpc_latency_seconds';

const plain: string[] = [
  // Selectors, matchers, offsets, @.
  C,
  `${C}{job="api"}`,
  `${C}{job!="api",code="500"}`,
  `${C}{handler=~"/api/.*"}`,
  `${C}{handler!~"/api/.*|/"}`,
  `{__name__=~"http_.*",job="db"}`,
  `${G} offset 10m`,
  `${G} offset -5m`,
  `${G} @ 1767227400`,
  `rate(${C}[5m] @ end())`,
  `rate(${C}[5m] @ start())`,
  `sum(rate(${C}[5m] offset 15m))`,
  `${C}[5m]`,
  // Arithmetic, with scalars and between vectors.
  `${G} + 1`,
  `${G} - ${G} offset 1m`,
  `${G} * 2`,
  `${G} / 1e6`,
  `${G} % 1000`,
  `${T} ^ 2`,
  `-${T}`,
  `${T} / 0`,
  `2 ^ 3 * 4 - 1`,
  `0x1F + 1e3 + Inf - Inf`,
  `atan2(${T}, 10)`,
  `rate(process_cpu_seconds_total[5m]) / on(job, instance) group_left rate(${C}{handler="/",method="GET",code="200"}[5m])`,
  `sum by (job, instance) (rate(${C}[5m])) / on(job, instance) group_left rate(process_cpu_seconds_total[5m])`,
  `rate(process_cpu_seconds_total[5m]) * on(instance) group_right(job) ${G}`,
  `${G} / ignoring(handler) group_left sum without (handler, method, code) (${C})`,
  `up * on(job, instance) group_left(handler) ${C}{method="GET",code="200",handler="/"}`,
  // Comparison, with and without bool.
  `${T} > 20`,
  `${T} < bool 0`,
  `${T} >= 10 <= 30`,
  `up == 0`,
  `up != bool 1`,
  `${G} > on(job, instance) (${G} offset 10m)`,
  `${G} > bool on(job, instance) (${G} offset 10m)`,
  `1 < bool 2`,
  // Set operators.
  `${T} > 20 and ${G} > 2e8`,
  `${T} > 30 or ${T} < 0`,
  `${T} unless ${T} > 20`,
  `up and on(job) ${G}`,
  `up unless ignoring(job) ${G} > 3e8`,
  `${C}{code="500"} or on(handler) ${C}{code="200",method="GET"}`,
  // Aggregations.
  `sum(${C})`,
  `sum by (job) (rate(${C}[5m]))`,
  `sum without (instance, handler) (rate(${C}[5m]))`,
  `avg by (job) (${G})`,
  `min by (handler) (rate(${C}[5m]))`,
  `max without (instance) (${T})`,
  `count by (code) (${C})`,
  `group by (job) (${C})`,
  `stddev by (job) (${T})`,
  `stdvar(${T})`,
  `topk(3, ${G})`,
  `bottomk(2, ${G}) by (job)`,
  `topk by (job) (1, rate(process_cpu_seconds_total[5m]))`,
  `quantile(0.9, rate(${C}[5m]))`,
  `quantile by (job) (0.5, ${T})`,
  `quantile(2, ${T})`,
  `count_values("value", up)`,
  `count_values by (job) ("up_value", up)`,
  `sum(${C}) by (handler, method)`,
  // Subqueries.
  `max_over_time(rate(${C}{job="api"}[5m])[30m:1m])`,
  `avg_over_time(sum by (job) (rate(${C}[5m]))[20m:30s])`,
  `rate(sum by (job) (${C})[10m:])`,
  `min_over_time(${T}[15m:2m] offset 5m)`,
  `max_over_time(deriv(${G}[10m])[30m:5m])`,
  // Classic histograms.
  `histogram_quantile(0.9, sum by (le) (rate(${B}[5m])))`,
  `histogram_quantile(0.5, sum by (job, le) (rate(${B}[10m])))`,
  `histogram_quantile(0.99, rate(${B}{handler="/login"}[5m]))`,
  `histogram_quantile(1.5, sum by (le) (rate(${B}[5m])))`,
  `rate(http_request_duration_seconds_sum[5m]) / rate(http_request_duration_seconds_count[5m])`,
  // Native histograms.
  N,
  `histogram_count(${N})`,
  `histogram_sum(${N})`,
  `histogram_count(rate(${N}[5m]))`,
  `histogram_sum(sum by (job) (rate(${N}[5m])))`,
  `histogram_count(increase(${N}[10m]))`,
  `histogram_fraction(0.5, 2, sum(rate(${N}[5m])))`,
  `histogram_fraction(0, 1, ${N})`,
  `histogram_quantile(1, sum by (job) (rate(${N}[5m])))`,
  `sum by (method) (${N})`,
];

/** Every function of 2.42, each in a query of its own. */
const functions: string[] = [
  `abs(${T})`,
  `absent(nonexistent_metric{job="x"})`,
  `absent(up)`,
  `absent_over_time(nonexistent_metric{job="x"}[5m])`,
  `acos(${T} / 100)`,
  `acosh(${T})`,
  `asin(${T} / 100)`,
  `asinh(${T})`,
  `atan(${T})`,
  `atanh(${T} / 100)`,
  `avg_over_time(${T}[10m])`,
  `ceil(${T})`,
  `changes(up[30m])`,
  `clamp(${T}, 0, 20)`,
  `clamp(${T}, 20, 0)`,
  `clamp_max(${T}, 10)`,
  `clamp_min(${T}, 10)`,
  `cos(${T})`,
  `cosh(${T} / 10)`,
  `count_over_time(${T}[10m])`,
  `day_of_month()`,
  `day_of_month(${G} / 1e7)`,
  `day_of_week()`,
  `day_of_year()`,
  `days_in_month()`,
  `deg(${T})`,
  `delta(${T}[10m])`,
  `deriv(${G}[10m])`,
  `exp(${T} / 10)`,
  `floor(${T})`,
  `hour()`,
  `idelta(${T}[5m])`,
  `increase(${C}[10m])`,
  `irate(${C}[5m])`,
  `label_join(up, "endpoint", ",", "job", "instance")`,
  `label_replace(up, "host", "$1", "instance", "(.*):.*")`,
  `label_replace(up, "host", "$1", "instance", "(")`,
  `last_over_time(${T}[10m])`,
  `ln(${T})`,
  `log10(${G})`,
  `log2(${G})`,
  `max_over_time(${T}[10m])`,
  `min_over_time(${T}[10m])`,
  `minute()`,
  `month()`,
  `pi()`,
  `predict_linear(${G}[10m], 3600)`,
  `present_over_time(up[10m])`,
  `quantile_over_time(0.9, ${T}[10m])`,
  `rad(${T})`,
  `rate(${C}[5m])`,
  `resets(${C}[30m])`,
  `round(${T})`,
  `round(${T}, 0.5)`,
  `scalar(sum(up))`,
  `scalar(up)`,
  `sgn(${T})`,
  `sin(${T})`,
  `sinh(${T} / 10)`,
  `sort(${T})`,
  `sort_desc(${T})`,
  `sqrt(${T})`,
  `stddev_over_time(${T}[10m])`,
  `stdvar_over_time(${T}[10m])`,
  `sum_over_time(${T}[10m])`,
  `tan(${T})`,
  `tanh(${T} / 10)`,
  `time()`,
  `timestamp(${T})`,
  `vector(1)`,
  `year()`,
];

/** Queries both must refuse (a parse or evaluation error): compared as "both errored". */
const errors: string[] = [
  `rate(${G})`,
  `sum(`,
  `${C} + on(job) ${G}`,
  `${G} / on(job) group_left ${G}`,
  `quantile_over_time(${T}[5m])`,
];

export const COMPAT_QUERIES: readonly CompatQuery[] = [
  ...plain.map((q) => ({ q, instantOnly: q.endsWith(']') && !q.includes(':') })),
  ...functions.map((q) => ({ q })),
  {
    q: `double_exponential_smoothing(${T}[10m], 0.5, 0.5)`,
    prom: `holt_winters(${T}[10m], 0.5, 0.5)`,
  },
  {
    q: `double_exponential_smoothing(${G}[30m], 0.1, 0.9)`,
    prom: `holt_winters(${G}[30m], 0.1, 0.9)`,
  },
  ...errors.map((q) => ({ q })),
];
