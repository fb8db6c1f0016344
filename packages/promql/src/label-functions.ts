// Prometheus: promql/functions.go funcLabelReplace, funcLabelJoin, funcSort, funcSortDesc,
// funcSortByLabel, funcSortByLabelDesc
import { isValidLabelName, Labels } from '@tsprom/labels';
import { sortInRangeQueryWarning } from './annotations.js';
import { stringArg } from './call-helpers.js';
import type { EvalHost } from './eval-host.js';
import { PromQLEvalError } from './errors.js';
import { compileAnchored, expandTemplate } from './functions/label-regex.js';
import { naturalCompare } from './functions/natural-sort.js';
import type { Call } from './parser/index.js';
import { eachPaused } from './eval-loop.js';
import { floatsOnly, mergeSameLabels, setLabel, sortSeries } from './series-utils.js';
import type { Series } from './value.js';

/** `label_replace(v, dst, replacement, src, regex)`. */
// Prometheus: promql/functions.go funcLabelReplace
export async function labelReplace(ev: EvalHost, e: Call): Promise<Series[]> {
  const dst = stringArg(e.args[1]!);
  const repl = stringArg(e.args[2]!);
  const src = stringArg(e.args[3]!);
  const reStr = stringArg(e.args[4]!);
  let re: RegExp;
  try {
    re = compileAnchored(reStr);
  } catch {
    throw new PromQLEvalError(`invalid regular expression in label_replace(): ${reStr}`);
  }
  if (!isValidLabelNameUtf8(dst))
    throw new PromQLEvalError(`invalid destination label name in label_replace(): ${dst}`);
  const input = await ev.eval(e.args[0]!);
  await eachPaused(ev, input.length, (i) => {
    const s = input[i]!;
    const m = re.exec(s.metric.get(src));
    if (m === null) return;
    const res = expandTemplate(repl, m);
    s.metric = setLabel(s.metric, dst, res);
    if (dst === '__name__') s.dropName = false;
  });
  return mergeSameLabels(ev, input);
}

function isValidLabelNameUtf8(n: string): boolean {
  // The parser turns bytes that are not UTF-8 into lone surrogates, which isValidLabelName rejects.
  return isValidLabelName(n);
}

/** `label_join(v, dst, separator, src...)`. */
// Prometheus: promql/functions.go funcLabelJoin
export async function labelJoin(ev: EvalHost, e: Call): Promise<Series[]> {
  const dst = stringArg(e.args[1]!);
  const sep = stringArg(e.args[2]!);
  const srcs: string[] = [];
  for (let i = 3; i < e.args.length; i++) srcs.push(stringArg(e.args[i]!));
  if (!isValidLabelNameUtf8(dst)) throw new PromQLEvalError(`invalid destination label name in label_join(): ${dst}`);
  const input = await ev.eval(e.args[0]!);
  await eachPaused(ev, input.length, (i) => {
    const s = input[i]!;
    const parts = srcs.map((n) => s.metric.get(n));
    s.metric = setLabel(s.metric, dst, parts.join(sep));
    if (dst === '__name__') s.dropName = false;
  });
  return mergeSameLabels(ev, input);
}

/** sort, sort_desc, sort_by_label, sort_by_label_desc: order an instant result; a no-op (with a warning) in range queries. */
export async function evalSort(ev: EvalHost, e: Call): Promise<Series[]> {
  const name = e.func.name;
  const all = await ev.eval(e.args[0]!);
  // sort and sort_desc order floats; histograms are left out, as in Prometheus.
  const input = name === 'sort' || name === 'sort_desc' ? floatsOnly(all) : all;
  if (ev.topLevelRange) {
    ev.annos.add(sortInRangeQueryWarning(e.posRange));
    return input;
  }
  if (ev.numSteps !== 1) return input;
  const val = (s: Series) => s.vs[0]!;
  switch (name) {
    case 'sort':
      // Ascending, NaN last.
      return sortSeries(ev, input, (a, b) => {
        const x = val(a);
        const y = val(b);
        if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : 1;
        if (Number.isNaN(y)) return -1;
        return x < y ? -1 : x > y ? 1 : 0;
      });
    case 'sort_desc':
      return sortSeries(ev, input, (a, b) => {
        const x = val(a);
        const y = val(b);
        if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : 1;
        if (Number.isNaN(y)) return -1;
        return x > y ? -1 : x < y ? 1 : 0;
      });
    default: {
      const labels: string[] = [];
      for (let i = 1; i < e.args.length; i++) labels.push(stringArg(e.args[i]!));
      const desc = name === 'sort_by_label_desc';
      return sortSeries(ev, input, (a, b) => {
        for (const l of labels) {
          const x = a.metric.get(l);
          const y = b.metric.get(l);
          if (x === y) continue;
          const c = naturalCompare(x, y) ? -1 : 1;
          return desc ? -c : c;
        }
        const c = Labels.compare(a.metric, b.metric);
        return desc ? -c : c;
      });
    }
  }
}
