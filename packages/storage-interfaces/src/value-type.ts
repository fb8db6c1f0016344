// Prometheus: tsdb/chunkenc/chunk.go ValueType

/** What a sample iterator is positioned on. Not a `const enum`: those are unsafe across packages. */
export const ValueType = {
  /** The iterator is exhausted (or failed: check `err()`). */
  None: 0,
  Float: 1,
  Histogram: 2,
  FloatHistogram: 3,
} as const;
export type ValueType = (typeof ValueType)[keyof typeof ValueType];

/** Name of a ValueType as Prometheus prints it (`float`, `histogram`…). */
export function valueTypeName(t: ValueType): string {
  switch (t) {
    case ValueType.None:
      return 'none';
    case ValueType.Float:
      return 'float';
    case ValueType.Histogram:
      return 'histogram';
    case ValueType.FloatHistogram:
      return 'floathistogram';
  }
}
