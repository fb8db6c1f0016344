// Prometheus: tsdb/errors, tsdb/db.go (the "open block"/"corrupted block" errors), the typed
// states of persistent blocks a caller branches on.

/**
 * Damage in a file of a persistent block: a bad magic number or version, a checksum mismatch, a
 * section or entry cut off, a reference that points outside the file, or a meta.json that does not
 * parse. Names the block (`ulid`, the base name of `dir`) and the file in it (`index`,
 * `chunks/000001`, `meta.json`, `tombstones`), and the byte offset where known.
 */
export class CorruptBlockError extends Error {
  override readonly name = 'CorruptBlockError';
  /** The block's directory. */
  readonly dir: string;
  /** The file, relative to the block directory. */
  readonly file: string;
  /** Byte offset of the damage in `file`, or -1 when not known. */
  readonly offset: number;
  readonly reason: string;

  constructor(dir: string, file: string, offset: number, reason: string, options?: ErrorOptions) {
    super(`corrupted block ${baseName(dir)}: ${file}${offset >= 0 ? ` at offset ${offset}` : ''}: ${reason}`, options);
    this.dir = dir;
    this.file = file;
    this.offset = offset;
    this.reason = reason;
  }

  /** The block's ULID (the directory's base name). */
  get ulid(): string {
    return baseName(this.dir);
  }
}

/** A block reader (index, chunks) used after close(). */
export class BlockClosedError extends Error {
  override readonly name = 'BlockClosedError';
  constructor(what: string) {
    super(`${what} is closed`);
  }
}

/** The data dir is locked by another process. */
export class DirLockedError extends Error {
  override readonly name = 'DirLockedError';
  constructor(
    readonly dir: string,
    /** The holder's PID, when known. */
    readonly pid: number | undefined,
  ) {
    super(
      `lock DB directory: resource temporarily unavailable (${dir}/lock is held by ${pid === undefined ? 'another process' : `process ${pid}`})`,
    );
  }
}

function baseName(p: string): string {
  const s = p.replace(/[\\/]+$/, '');
  const i = Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\'));
  return i < 0 ? s : s.slice(i + 1);
}
