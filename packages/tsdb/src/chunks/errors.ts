// Prometheus: tsdb/chunks/head_chunks.go CorruptionErr, ErrChunkDiskMapperClosed

/**
 * Damage in a head chunks file (`chunks_head/NNNNNN`): a bad header, a chunk cut off, or a CRC
 * mismatch. `offset` is where the unreadable chunk (or the header) starts in file `fileIndex`.
 */
export class ChunkCorruptionError extends Error {
  override readonly name = 'ChunkCorruptionError';
  constructor(
    readonly dir: string,
    readonly fileIndex: number,
    readonly offset: number,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(
      `corruption in head chunk file ${dir}/${String(fileIndex).padStart(6, '0')} at ${offset}: ${reason}`,
      options,
    );
  }
}

/** A chunk reference that points at no chunk (unknown file, or beyond the data written). */
export class ChunkRefError extends Error {
  override readonly name = 'ChunkRefError';
}

/** The ChunkDiskMapper was used after close(). */
export class ChunkDiskMapperClosedError extends Error {
  override readonly name = 'ChunkDiskMapperClosedError';
  constructor() {
    super('ChunkDiskMapper closed');
  }
}
