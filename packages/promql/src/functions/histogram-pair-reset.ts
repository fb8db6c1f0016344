// Prometheus: promql/functions.go (the FloatHistogram.DetectReset calls of histogramRate and funcResets)
import { detectReset } from '@tsprom/histogram';
import type { FloatHistogram } from '@tsprom/storage-interfaces';
import type { RangeCtx } from './range-context.js';

/**
 * `detectReset(hs[i], hs[i-1])` for histogram points `i-1` and `i` of the window, memoized in the
 * window's `c.hresets` so that a pair is compared once however many steps' windows hold it.
 */
export function pairReset(hs: readonly (FloatHistogram | undefined)[], i: number, c: RangeCtx): boolean {
  const memo = c.hresets;
  if (memo === null) return detectReset(hs[i]!, hs[i - 1]!);
  const known = memo[i]!;
  if (known !== 0) return known === 2;
  const r = detectReset(hs[i]!, hs[i - 1]!);
  memo[i] = r ? 2 : 1;
  return r;
}
