// Prometheus: tsdb/chunks/chunks.go Writer (WriteChunks, cut, writeChunks), Reader (Chunk),
// BlockChunkRef, MagicChunks: the chunks/ segment files of a persistent block.
import { closeSync, fstatSync, fsync, openSync, readdirSync, readSync, writeSync, close as closeFd } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chunkFromBytes, crc32c } from '@tsprom/chunkenc';
import type { Chunk } from '@tsprom/storage-interfaces';
import type { ChunkSource } from './chunk-disk-mapper.js';
import { ChunkCorruptionError, ChunkRefError } from './errors.js';

/** Magic number at the start of every block chunks segment file. */
export const BLOCK_CHUNKS_MAGIC = 0x85bd40dd;
/** Version byte of the block chunks format. */
export const BLOCK_CHUNKS_FORMAT_V1 = 1;
/** Magic (4), version (1), padding (3). */
export const BLOCK_CHUNKS_SEGMENT_HEADER_SIZE = 8;
/** Prometheus: chunks.DefaultChunkSegmentSize, 512 MiB. */
export const DEFAULT_CHUNK_SEGMENT_SIZE = 512 * 1024 * 1024;
// Length (up to 5 bytes as uvarint), encoding (1), CRC (4).
const MAX_CHUNK_OVERHEAD = 5 + 1 + 4;
const TWO_32 = 4294967296;

/**
 * Prometheus: chunks.BlockChunkRef. Segment position in the block's `chunks/` directory (0 for
 * file 000001) in the upper 4 bytes, byte offset in the lower 4.
 */
export type BlockChunkRef = number;

/** Packs a segment position and offset into a {@link BlockChunkRef}. */
export function blockChunkRef(segment: number, offset: number): BlockChunkRef {
  return segment * TWO_32 + offset;
}

/** A chunk to write into a block, with its time range (ms, inclusive); `ref` is set by the writer. */
export interface BlockChunkMeta {
  ref: BlockChunkRef;
  mint: number;
  maxt: number;
  chunk: ChunkSource;
}

function segmentFile(dir: string, i: number): string {
  return join(dir, String(i).padStart(6, '0'));
}

/**
 * Prometheus: chunks.Writer. Writes chunks into numbered segment files (`000001`, …) of a block's
 * `chunks/` directory: per chunk the data length (uvarint), encoding byte, data and the CRC32C of
 * encoding and data. A batch passed to `writeChunks` stays in one segment when it fits.
 */
export class BlockChunkWriter {
  readonly dir: string;
  readonly #segmentSize: number;
  #fd = -1;
  #n = 0;
  #segments = 0;
  #nextFile: number;
  readonly #scratch = new Uint8Array(6);

  private constructor(dir: string, segmentSize: number, nextFile: number) {
    this.dir = dir;
    this.#segmentSize = segmentSize;
    this.#nextFile = nextFile;
  }

  /** Creates the writer on `dir` (created if missing); new segments follow any existing ones. */
  static async open(dir: string, opts: { segmentSize?: number } = {}): Promise<BlockChunkWriter> {
    await mkdir(dir, { recursive: true });
    let last = 0;
    for (const n of readdirSync(dir)) if (/^\d+$/.test(n)) last = Math.max(last, Number(n));
    return new BlockChunkWriter(dir, opts.segmentSize ?? DEFAULT_CHUNK_SEGMENT_SIZE, last + 1);
  }

  /**
   * Prometheus: Writer.WriteChunks. Writes the chunks, setting each meta's `ref`. Chunks go to
   * the current segment while they fit; the rest start a new one, cut as Prometheus cuts them.
   */
  writeChunks(...chks: BlockChunkMeta[]): void {
    const batches: BlockChunkMeta[][] = [[]];
    let batchSize = 0;
    let firstBatch = true;
    for (let i = 0; i < chks.length; i++) {
      const chk = chks[i]!;
      const size = MAX_CHUNK_OVERHEAD + chk.chunk.bytes().length;
      batchSize += size;
      // A new batch when this is not the first chunk and the batch would overflow a segment.
      let cut = i !== 0 && batchSize + BLOCK_CHUNKS_SEGMENT_HEADER_SIZE > this.#segmentSize;
      // The first batch also has to fit in what the current segment has left.
      if (firstBatch && this.#n > BLOCK_CHUNKS_SEGMENT_HEADER_SIZE) {
        cut = batchSize + this.#n > this.#segmentSize;
        if (cut) firstBatch = false;
      }
      if (cut) {
        batches.push([]);
        batchSize = size;
      }
      batches[batches.length - 1]!.push(chk);
    }
    if (this.#n === 0) this.#cut();
    for (let b = 0; b < batches.length; b++) {
      for (const chk of batches[b]!) this.#writeChunk(chk);
      // Cut only when more chunks follow, so no empty segment is left at the end.
      if (b < batches.length - 1) this.#cut();
    }
  }

  #writeChunk(chk: BlockChunkMeta): void {
    const data = chk.chunk.bytes();
    chk.ref = blockChunkRef(this.#segments - 1, this.#n);
    const h = this.#scratch;
    let n = 0;
    let len = data.length;
    while (len >= 0x80) {
      h[n++] = (len & 0x7f) | 0x80;
      len >>>= 7;
    }
    h[n++] = len;
    h[n] = chk.chunk.encoding();
    const crc = crc32c(data, crc32c(h.subarray(n, n + 1)));
    this.#write(h.subarray(0, n + 1));
    this.#write(data);
    const c = new Uint8Array(4);
    new DataView(c.buffer).setUint32(0, crc);
    this.#write(c);
  }

  #write(b: Uint8Array): void {
    let off = 0;
    while (off < b.length) off += writeSync(this.#fd, b, off, b.length - off);
    this.#n += b.length;
  }

  #cut(): void {
    if (this.#fd >= 0) this.#finish();
    this.#fd = openSync(segmentFile(this.dir, this.#nextFile++), 'wx', 0o666);
    this.#segments++;
    this.#n = 0;
    const h = new Uint8Array(BLOCK_CHUNKS_SEGMENT_HEADER_SIZE);
    new DataView(h.buffer).setUint32(0, BLOCK_CHUNKS_MAGIC);
    h[4] = BLOCK_CHUNKS_FORMAT_V1;
    this.#write(h);
  }

  #finish(): void {
    closeSync(this.#fd);
    this.#fd = -1;
  }

  /** Fsyncs and closes the last segment. */
  async close(): Promise<void> {
    if (this.#fd < 0) return;
    const fd = this.#fd;
    this.#fd = -1;
    await new Promise<void>((resolve, reject) =>
      fsync(fd, (err) => closeFd(fd, (err2) => ((err ?? err2) ? reject(err ?? err2) : resolve()))),
    );
  }
}

/**
 * Prometheus: chunks.Reader. Reads chunks by {@link BlockChunkRef} from a block's `chunks/`
 * directory, checking each chunk's CRC32C.
 */
export class BlockChunkReader {
  readonly dir: string;
  readonly #fds: number[];
  readonly #sizes: number[];

  private constructor(dir: string, fds: number[], sizes: number[]) {
    this.dir = dir;
    this.#fds = fds;
    this.#sizes = sizes;
  }

  /** Opens every segment of `dir`, checking magic and version. */
  static open(dir: string): BlockChunkReader {
    const files = readdirSync(dir)
      .filter((n) => /^\d+$/.test(n))
      .map(Number)
      .sort((a, b) => a - b);
    const fds: number[] = [];
    const sizes: number[] = [];
    for (const f of files) {
      const fd = openSync(segmentFile(dir, f), 'r');
      fds.push(fd);
      sizes.push(fstatSync(fd).size);
      const h = new Uint8Array(BLOCK_CHUNKS_SEGMENT_HEADER_SIZE);
      const n = readSync(fd, h, 0, h.length, 0);
      const magic = new DataView(h.buffer).getUint32(0);
      if (n < h.length || magic !== BLOCK_CHUNKS_MAGIC || h[4] !== BLOCK_CHUNKS_FORMAT_V1) {
        for (const x of fds) closeSync(x);
        throw new ChunkCorruptionError(dir, f, 0, 'invalid chunk segment header');
      }
    }
    return new BlockChunkReader(dir, fds, sizes);
  }

  /** Number of segment files. */
  get segments(): number {
    return this.#fds.length;
  }

  /** The chunk at `ref`, over a fresh copy of its bytes. */
  chunk(ref: BlockChunkRef): Chunk {
    const seg = Math.floor(ref / TWO_32);
    const off = ref % TWO_32;
    const fd = this.#fds[seg];
    const size = this.#sizes[seg];
    if (fd === undefined || size === undefined) throw new ChunkRefError(`block chunk segment ${seg} does not exist`);
    if (off < BLOCK_CHUNKS_SEGMENT_HEADER_SIZE || off + 1 + 1 + 4 > size) {
      throw new ChunkRefError(`block chunk ref ${ref} is beyond segment ${seg}`);
    }
    let b = new Uint8Array(Math.min(512, size - off));
    readSync(fd, b, 0, b.length, off);
    let p = 0;
    let len = 0;
    let mul = 1;
    for (;;) {
      if (p >= 5 || p >= b.length) throw new ChunkCorruptionError(this.dir, seg + 1, off, 'invalid chunk length');
      const c = b[p++]!;
      len += (c & 0x7f) * mul;
      if (c < 0x80) break;
      mul *= 128;
    }
    const total = p + 1 + len + 4;
    if (off + total > size)
      throw new ChunkCorruptionError(this.dir, seg + 1, off, 'chunk cut off by the end of the segment');
    if (total > b.length) {
      b = new Uint8Array(total);
      readSync(fd, b, 0, total, off);
    }
    const sum = new DataView(b.buffer, p + 1 + len, 4).getUint32(0);
    if (crc32c(b.subarray(p, p + 1 + len)) !== sum)
      throw new ChunkCorruptionError(this.dir, seg + 1, off, 'checksum mismatch');
    return chunkFromBytes(b[p]!, b.slice(p + 1, p + 1 + len), { validate: false });
  }

  /** Closes the segment files. */
  close(): void {
    for (const fd of this.#fds) closeSync(fd);
    this.#fds.length = 0;
  }
}
