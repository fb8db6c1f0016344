// Prometheus: promql/engine.go aggregation (COUNT_VALUES)
import { floatHistogramString } from '@tsprom/histogram';
import type { Labels } from '@tsprom/labels';
import type { EvalHost } from './eval-host.js';
import { formatFloatF } from './go-float.js';
import type { AggregateExpr } from './parser/index.js';
import { setLabel } from './series-utils.js';
import { Series } from './value.js';

/** Series counted between two looks at the clock. */
const seriesPerCheck = 1024;

/** The key of -0 in the per-group maps of values: it is formatted "-0", unlike 0. */
const negativeZero = '-0';

/**
 * `count_values("label", v)` at every step: one output series per group and distinct value,
 * counting the series with that value at each step.
 *
 * Prometheus sets the label on each series and groups the result. The output's labels are the
 * series' group labels (which do not depend on the value) plus the value label, so here the group
 * is found once per series, and the label set of a (group, value) built once, the first time the
 * value is met in the group; at each step a point costs a lookup by its value.
 */
export async function countValues(
  ev: EvalHost,
  e: AggregateExpr,
  input: Series[],
  valueLabel: string,
): Promise<Series[]> {
  // `without` removes __name__ from the output, the value label too when it is named so: then
  // every value of a group counts in one output.
  const withValue = !(e.without && valueLabel === '__name__');
  const grouping = e.grouping.filter((g) => g !== valueLabel);
  const groupOf = new Int32Array(input.length);
  const groups: Labels[] = [];
  const groupKeys = new Map<string, number>();
  for (let i = 0; i < input.length; i++) {
    const gl = input[i]!.metric.matchLabels(!e.without, grouping);
    const key = gl.key();
    let g = groupKeys.get(key);
    if (g === undefined) {
      g = groups.length;
      groups.push(gl);
      groupKeys.set(key, g);
    }
    groupOf[i] = g;
    if ((i & 63) === 63 && ev.due()) await ev.pause();
  }
  // Per group, the output of each value met; outputs by the key of their labels, since two groups
  // may differ only in the value label that the value replaces.
  const valueOuts: (Map<number | string, number> | undefined)[] = new Array(groups.length);
  const outKeys = new Map<string, number>();
  const out: Series[] = [];
  const outFor = (g: number, v: number, hstr?: string): number => {
    let byValue = valueOuts[g];
    if (byValue === undefined) {
      byValue = new Map();
      valueOuts[g] = byValue;
    }
    // NaN is one key (all NaNs are formatted "NaN"); -0 is apart from 0.
    const vk: number | string = !withValue ? 0 : hstr !== undefined ? hstr : v === 0 && 1 / v < 0 ? negativeZero : v;
    let o = byValue.get(vk);
    if (o === undefined) {
      const labels = withValue ? setLabel(groups[g]!, valueLabel, hstr ?? formatFloatF(v)) : groups[g]!;
      const key = labels.key();
      o = outKeys.get(key);
      if (o === undefined) {
        o = out.length;
        out.push(new Series(labels, 4));
        outKeys.set(key, o);
      }
      byValue.set(vk, o);
    }
    return o;
  };
  const cur = new Int32Array(input.length);
  // Per output: the step it was last counted at (k + 1) and its count there.
  let stamp = new Int32Array(64);
  let count = new Float64Array(64);
  // The outputs counted at the step, in the order first met (Prometheus's order of groups).
  const met: number[] = [];
  const countStep = (k: number, from: number, to: number): void => {
    const ts = ev.start + k * ev.interval;
    for (let i = from; i < to; i++) {
      const s = input[i]!;
      const c = cur[i]!;
      if (c >= s.length || s.ts[c] !== ts) continue;
      cur[i] = c + 1;
      const h = s.hs === null ? undefined : s.hs[c];
      // A histogram's value label is its string form, as Prometheus prints it.
      const o = h === undefined ? outFor(groupOf[i]!, s.vs[c]!) : outFor(groupOf[i]!, 0, floatHistogramString(h));
      if (o >= stamp.length) {
        const n = Math.max(o + 1, stamp.length * 2);
        const st = new Int32Array(n);
        st.set(stamp);
        stamp = st;
        const cn = new Float64Array(n);
        cn.set(count);
        count = cn;
      }
      if (stamp[o] !== k + 1) {
        stamp[o] = k + 1;
        count[o] = 0;
        met.push(o);
      }
      count[o]!++;
      // An output's name goes if any of its series, at any step, had it marked.
      if (s.dropName) out[o]!.dropName = true;
    }
  };
  for (let k = 0; k < ev.numSteps; k++) {
    met.length = 0;
    for (let a = 0; a < input.length; a += seriesPerCheck) {
      countStep(k, a, Math.min(input.length, a + seriesPerCheck));
      if (ev.due()) await ev.pause();
    }
    const ts = ev.start + k * ev.interval;
    for (const o of met) out[o]!.push(ts, count[o]!);
    ev.countSamples(met.length);
    if (ev.due()) await ev.pause();
  }
  return out;
}
