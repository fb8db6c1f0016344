// Prometheus: tsdb/wlog/wlog.go CorruptionErr

/**
 * Damage found while reading a WAL: the record starting at byte `offset` of segment `segment`
 * (a segment-relative offset) could not be read. Everything before `offset` in that segment, and
 * every earlier segment, was read intact. `repair()` cuts the WAL at exactly this point.
 */
export class CorruptionError extends Error {
  override readonly name = 'CorruptionError';
  constructor(
    /** The WAL directory (or checkpoint directory) read. */
    readonly dir: string,
    /** Index of the damaged segment. */
    readonly segment: number,
    /** Byte offset in that segment where the first unreadable record starts. */
    readonly offset: number,
    /** What was wrong. */
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(
      `corruption in segment ${dir ? `${dir}/` : ''}${String(segment).padStart(8, '0')} at ${offset}: ${reason}`,
      options,
    );
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
