// Prometheus: tsdb/chunks/head_chunks.go ChunkDiskMapperRef, newChunkDiskMapperRef, Unpack;
// tsdb/chunks/chunks.go BlockChunkRef.

const TWO_32 = 4294967296;

/**
 * Prometheus: chunks.ChunkDiskMapperRef. Where a head chunk is on disk: file sequence number in
 * the upper 4 bytes, byte offset in the file in the lower 4, kept in a number (exact: file
 * numbers stay far below 2^21).
 */
export type ChunkDiskMapperRef = number;

/** Packs a file sequence number and an offset into a {@link ChunkDiskMapperRef}. */
export function chunkDiskMapperRef(file: number, offset: number): ChunkDiskMapperRef {
  return file * TWO_32 + offset;
}

/** The file sequence number of a {@link ChunkDiskMapperRef}. */
export function chunkRefFile(ref: ChunkDiskMapperRef): number {
  return Math.floor(ref / TWO_32);
}

/** The byte offset in its file of a {@link ChunkDiskMapperRef}. */
export function chunkRefOffset(ref: ChunkDiskMapperRef): number {
  return ref % TWO_32;
}
