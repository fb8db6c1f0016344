// Prometheus: promql/engine.go EvalNodeHelper (the part the range-vector functions read)
import type { Annotations, PositionRange } from '@tsprom/storage-interfaces';

/**
 * What a range-vector kernel sees besides its window. One instance per call site, mutated per
 * step, so kernels allocate nothing. Times in ms.
 */
export interface RangeCtx {
  /** Evaluation time of the step (Prometheus `enh.Ts`). */
  t: number;
  /** The window is (rangeStart, rangeEnd]. */
  rangeStart: number;
  rangeEnd: number;
  /** Length of the range in ms. */
  rangeMs: number;
  /** Values of the scalar arguments at this step, in argument order (matrix argument skipped). */
  p0: number;
  p1: number;
  /** Set by a kernel to emit nothing for this step. */
  skip: boolean;
  /** Where kernels add annotations. */
  annos: Annotations;
  /** `__name__` of the current series. */
  metricName: string;
  /** Position of the range-vector argument, and of the first scalar argument. */
  pos: PositionRange;
  paramPos: PositionRange;
  /** Start timestamps of the current series' points (ms, 0 = unknown), or null when it has none. */
  sts: Float64Array | null;
  /**
   * Counter drops of the window's points (see SampleWindow.dropCounts), or null when unknown:
   * kernels then scan for them.
   */
  drops: Uint32Array | null;
  /**
   * The window's memo of histogram counter resets between neighbouring points (see
   * SampleWindow.histogramResets), or null: kernels then compare.
   */
  hresets: Uint8Array | null;
  /** Scratch buffer for kernels that sort (quantile, mad). Grown as needed; owned by the ctx. */
  scratch: Float64Array;
}

/**
 * A range-vector function over the window `[lo, hi)` of one series' points (`ts` in ms, `vs`
 * values; at least one point). Returns the value; sets `c.skip` to emit nothing.
 */
export type RangeKernel = (ts: Float64Array, vs: Float64Array, lo: number, hi: number, c: RangeCtx) => number;
