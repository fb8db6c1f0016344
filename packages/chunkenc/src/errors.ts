// Prometheus: tsdb/chunkenc/chunk.go (FromData's "invalid chunk encoding" error) and the io.EOF /
// corruption errors its iterators return. Callers branch on `instanceof`, never on message text.

/** Malformed chunk data: truncated, inconsistent with its header, or otherwise undecodable. */
export class ChunkEncodingError extends Error {
  override readonly name: string = 'ChunkEncodingError';
}

/**
 * A chunk encoding byte this package cannot decode: unknown to Prometheus, or known but not
 * implemented here yet (the native-histogram encodings).
 */
export class UnknownEncodingError extends ChunkEncodingError {
  override readonly name = 'UnknownEncodingError';
  constructor(
    /** The encoding byte as found on disk or passed by the caller. */
    readonly encoding: number,
    options?: ErrorOptions,
  ) {
    super(`invalid chunk encoding ${describeEncoding(encoding)}`, options);
  }
}

// Names as Prometheus's Encoding.String() prints them.
const encodingNames: Record<number, string> = {
  0: 'none',
  1: 'XOR',
  2: 'histogram',
  3: 'floathistogram',
  4: 'XOR2',
  5: 'histogramST',
  6: 'floathistogramST',
};

function describeEncoding(e: number): string {
  const name = encodingNames[e];
  return name === undefined ? `${e}` : `${e} (${name}, not supported)`;
}

/** Name of an encoding byte as Prometheus prints it (`XOR`, `histogram`…), or `<unknown>`. */
export function encodingName(e: number): string {
  return encodingNames[e] ?? '<unknown>';
}

/**
 * Prometheus: the errors of AppendHistogram/AppendFloatHistogram with appendOnly set. The sample
 * cannot be appended to the chunk as it is: it would need a new chunk (`reason` 'counter reset'
 * or 'layout change') or a recoding of the chunk ('new buckets').
 */
export class HistogramNotAppendableError extends Error {
  override readonly name = 'HistogramNotAppendableError';
  constructor(
    /** Why the sample does not fit. */
    readonly reason: 'counter reset' | 'layout change' | 'new buckets',
    /** Its timestamp, ms. */
    readonly t: number,
  ) {
    super(`histogram at t=${t} not appendable in append-only mode: ${reason}`);
  }
}
