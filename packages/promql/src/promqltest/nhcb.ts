// Prometheus: promql/promqltest/test.go (load_with_nhcb), model/histogram/convertnhcb
import { Labels } from '@tsprom/labels';
import { CounterResetHint, CustomBucketsSchema, type FloatHistogram } from '@tsprom/storage-interfaces';
import { parseGoFloat } from '../go-float.js';
import type { SequenceValue } from '../parser/index.js';

/** A loaded series: labels and values by step index. */
export interface LoadedSeries {
  labels: Labels;
  values: SequenceValue[];
}

/**
 * Builds native histograms with custom buckets from classic `_bucket`/`_count`/`_sum` series, one
 * per step where buckets have values: the `X_bucket{le…}` family becomes series `X` (without le).
 */
export function classicToNHCB(series: LoadedSeries[]): { labels: Labels; values: (FloatHistogram | null)[] }[] {
  interface Family {
    labels: Labels;
    buckets: { le: number; values: SequenceValue[] }[];
    sum: SequenceValue[] | null;
  }
  const fams = new Map<string, Family>();
  const fam = (name: string, base: Labels): Family => {
    const flat = base.toStrings();
    const out: string[] = [];
    for (let i = 0; i < flat.length; i += 2)
      if (flat[i] !== 'le' && flat[i] !== '__name__') out.push(flat[i]!, flat[i + 1]!);
    out.push('__name__', name);
    const labels = Labels.fromStrings(...out);
    let f = fams.get(labels.key());
    if (f === undefined) {
      f = { labels, buckets: [], sum: null };
      fams.set(labels.key(), f);
    }
    return f;
  };
  for (const s of series) {
    const name = s.labels.get('__name__');
    if (name.endsWith('_bucket')) {
      const le = parseGoFloat(s.labels.get('le'));
      if (le === null) continue;
      fam(name.slice(0, -'_bucket'.length), s.labels).buckets.push({ le, values: s.values });
    } else if (name.endsWith('_sum')) {
      fam(name.slice(0, -'_sum'.length), s.labels).sum = s.values;
    }
  }
  const out: { labels: Labels; values: (FloatHistogram | null)[] }[] = [];
  for (const f of fams.values()) {
    if (f.buckets.length === 0) continue;
    f.buckets.sort((a, b) => a.le - b.le);
    const n = Math.max(...f.buckets.map((b) => b.values.length));
    const values: (FloatHistogram | null)[] = [];
    for (let i = 0; i < n; i++) {
      const counts: number[] = [];
      const bounds: number[] = [];
      let ok = true;
      let prev = 0;
      let total = 0;
      for (const b of f.buckets) {
        const v = b.values[i];
        if (v === undefined || v.omitted) {
          ok = false;
          break;
        }
        if (b.le !== Number.POSITIVE_INFINITY) bounds.push(b.le);
        counts.push(v.value - prev);
        prev = v.value;
        total = v.value;
      }
      if (!ok) {
        values.push(null);
        continue;
      }
      const sv = f.sum?.[i];
      values.push({
        counterResetHint: CounterResetHint.Unknown,
        schema: CustomBucketsSchema,
        zeroThreshold: 0,
        zeroCount: 0,
        count: total,
        sum: sv !== undefined && !sv.omitted ? sv.value : 0,
        positiveSpans: [{ offset: 0, length: counts.length }],
        negativeSpans: [],
        positiveBuckets: counts,
        negativeBuckets: [],
        customValues: bounds,
      });
    }
    out.push({ labels: f.labels, values });
  }
  return out;
}
