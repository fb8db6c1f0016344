// Prometheus: tsdb/wlog/wlog.go CorruptionErr

/** Options of {@link CorruptionError} beyond `ErrorOptions`. */
export interface CorruptionErrorOptions extends ErrorOptions {
  /** Prometheus's `CorruptionErr.Offset`, shown in the message. Default: `offset`. */
  readOffset?: number;
  /** What found the damage. Default: 'read'. */
  kind?: 'read' | 'decode';
}

/**
 * Damage found while reading a WAL: the record starting at byte `offset` of segment `segment`
 * (a segment-relative offset) could not be read, or (kind 'decode') was read intact but could not
 * be decoded. Everything before `offset` in that segment, and every earlier segment, was read
 * intact. `repair()` cuts the WAL at exactly this point. The message is Prometheus's:
 * `corruption in segment <dir>/<segment> at <readOffset>: <reason>`.
 */
export class CorruptionError extends Error {
  override readonly name = 'CorruptionError';
  /**
   * How far into the segment reading had gone when the damage showed, as Prometheus counts it
   * (its `CorruptionErr.Offset`): e.g. the end of the fragment whose checksum failed, or the end
   * of the record that failed to decode. At or after `offset`.
   */
  readonly readOffset: number;
  /**
   * 'read': the bytes are damaged (checksum, fragment sequence, padding, a segment cut short).
   * 'decode': the record's bytes are intact but it is not a valid record (replay found it).
   */
  readonly kind: 'read' | 'decode';

  constructor(
    /** The WAL directory (or checkpoint directory) read. */
    readonly dir: string,
    /** Index of the damaged segment. */
    readonly segment: number,
    /** Byte offset in that segment where the first unreadable record starts. */
    readonly offset: number,
    /** What was wrong. */
    readonly reason: string,
    options?: CorruptionErrorOptions,
  ) {
    const readOffset = options?.readOffset ?? offset;
    const trimmed = dir.replace(/\/+$/, '');
    super(
      `corruption in segment ${trimmed ? `${trimmed}/` : ''}${String(segment).padStart(8, '0')} at ${readOffset}: ${reason}`,
      options?.cause !== undefined ? { cause: options.cause } : undefined,
    );
    this.readOffset = readOffset;
    this.kind = options?.kind ?? 'read';
  }
}

/** A WAL directory whose segment files are not numbered consecutively. */
export class SegmentGapError extends Error {
  override readonly name = 'SegmentGapError';
  constructor(
    readonly dir: string,
    readonly missing: number,
  ) {
    super(`segments are not sequential in ${dir}: segment ${missing} is missing`);
  }
}

/** The WL was used after close(). */
export class WalClosedError extends Error {
  override readonly name = 'WalClosedError';
  constructor() {
    super('write to closed WAL');
  }
}
