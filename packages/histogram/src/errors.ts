// Prometheus: model/histogram/histogram.go ErrHistogram* errors

/** Prometheus: ErrHistogramsIncompatibleSchema. One histogram uses custom buckets, the other not. */
export class IncompatibleSchemaError extends Error {
  override readonly name = 'IncompatibleSchemaError';
  constructor(
    readonly schemaA: number,
    readonly schemaB: number,
  ) {
    super(
      `cannot apply this operation on histograms with a mix of exponential and custom bucket schemas (${schemaA} and ${schemaB})`,
    );
  }
}

/** A histogram that breaks one of the rules of Validate; `reason` names which one and where. */
export class HistogramValidationError extends Error {
  override readonly name = 'HistogramValidationError';
  constructor(readonly reason: string) {
    super(`invalid histogram: ${reason}`);
  }
}
