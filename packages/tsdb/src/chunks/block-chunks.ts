// Prometheus: tsdb/chunks/chunks.go Writer (WriteChunks, cut, writeChunks), Reader (Chunk),
// BlockChunkRef, MagicChunks: the chunks/ segment files of a persistent block.
import { readdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { chunkFromBytes, crc32c, isSupportedEncoding, UnknownEncodingError } from '@tsprom/chunkenc';
import type { Chunk } from '@tsprom/storage-interfaces';
import { BufferedFileWriter } from '../block/buffered-file-writer.js';
import { CorruptBlockError } from '../block/errors.js';
import { PagedFile, type PagedFileOptions } from '../block/paged-file.js';
import type { ChunkSource } from './chunk-disk-mapper.js';
import { isOpaqueEncoding, OpaqueChunk } from './opaque-chunk.js';

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

/** The numbered segment files of a chunks directory, in order. */
function segmentFiles(dir: string): number[] {
  return readdirSync(dir)
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
    .sort((a, b) => a - b);
}

/**
 * Prometheus: chunks.Writer. Writes chunks into numbered segment files (`000001`, …) of a block's
 * `chunks/` directory: per chunk the data length (uvarint), encoding byte, data and the CRC32C of
 * encoding and data. A batch passed to `writeChunks` stays in one segment when it fits. Writes go
 * through a buffer; each finished segment is fsynced.
 */
export class BlockChunkWriter {
  readonly dir: string;
  readonly #segmentSize: number;
  #f: BufferedFileWriter | undefined;
  #segments = 0;
  #nextFile: number;
  readonly #scratch = new Uint8Array(6);
  readonly #crc = new Uint8Array(4);
  /** Closes of finished segments (flush, fsync, close), awaited by `close()`. */
  readonly #closing: Promise<void>[] = [];

  private constructor(dir: string, segmentSize: number, nextFile: number) {
    this.dir = dir;
    this.#segmentSize = segmentSize;
    this.#nextFile = nextFile;
  }

  /** Creates the writer on `dir` (created if missing); new segments follow any existing ones. */
  static async open(dir: string, opts: { segmentSize?: number } = {}): Promise<BlockChunkWriter> {
    await mkdir(dir, { recursive: true });
    const files = segmentFiles(dir);
    return new BlockChunkWriter(
      dir,
      opts.segmentSize ?? DEFAULT_CHUNK_SEGMENT_SIZE,
      (files[files.length - 1] ?? 0) + 1,
    );
  }

  /** Bytes written to the current segment. */
  get #n(): number {
    return this.#f?.pos ?? 0;
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
    if (this.#f === undefined) this.#cut();
    for (let b = 0; b < batches.length; b++) {
      for (const chk of batches[b]!) this.#writeChunk(chk);
      // Cut only when more chunks follow, so no empty segment is left at the end.
      if (b < batches.length - 1) this.#cut();
    }
  }

  #writeChunk(chk: BlockChunkMeta): void {
    const f = this.#f!;
    const data = chk.chunk.bytes();
    chk.ref = blockChunkRef(this.#segments - 1, f.pos);
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
    f.write(h.subarray(0, n + 1));
    f.write(data);
    new DataView(this.#crc.buffer).setUint32(0, crc);
    f.write(this.#crc);
  }

  #cut(): void {
    if (this.#f !== undefined) {
      const closed = this.#f.close();
      closed.catch(() => undefined); // Reported by close().
      this.#closing.push(closed);
    }
    this.#f = BufferedFileWriter.create(segmentFile(this.dir, this.#nextFile++));
    this.#segments++;
    const h = new Uint8Array(BLOCK_CHUNKS_SEGMENT_HEADER_SIZE);
    new DataView(h.buffer).setUint32(0, BLOCK_CHUNKS_MAGIC);
    h[4] = BLOCK_CHUNKS_FORMAT_V1;
    this.#f.write(h);
  }

  /** Flushes, fsyncs and closes the last segment. */
  async close(): Promise<void> {
    const f = this.#f;
    this.#f = undefined;
    await Promise.all(this.#closing);
    await f?.close();
  }

  /** Closes the current segment without finishing it (the block is being thrown away). */
  abort(): void {
    void this.#f?.abort(); // Closes once the writes in flight end; never rejects.
    this.#f = undefined;
  }
}

/**
 * Prometheus: chunks.Reader. Reads chunks by {@link BlockChunkRef} from a block's `chunks/`
 * directory through a bounded page cache, checking each chunk's CRC32C. Damage is a
 * CorruptBlockError naming the block (the directory above `chunks/`), the segment file and offset.
 */
export class BlockChunkReader {
  readonly dir: string;
  readonly #files: PagedFile[];
  readonly #names: string[];

  private constructor(dir: string, files: PagedFile[], names: string[]) {
    this.dir = dir;
    this.#files = files;
    this.#names = names;
  }

  /** Opens every segment of `dir`, checking magic and version. */
  static open(dir: string, opts: PagedFileOptions = {}): BlockChunkReader {
    const files: PagedFile[] = [];
    const names: string[] = [];
    try {
      for (const n of segmentFiles(dir)) {
        const name = String(n).padStart(6, '0');
        const f = PagedFile.open(join(dir, name), opts);
        files.push(f);
        names.push(name);
        const h = f.size >= BLOCK_CHUNKS_SEGMENT_HEADER_SIZE ? f.read(0, BLOCK_CHUNKS_SEGMENT_HEADER_SIZE) : undefined;
        const magic = h === undefined ? 0 : ((h[0]! << 24) | (h[1]! << 16) | (h[2]! << 8) | h[3]!) >>> 0;
        if (h === undefined || magic !== BLOCK_CHUNKS_MAGIC) {
          throw corrupt(
            dir,
            name,
            0,
            h === undefined
              ? `invalid segment header in segment ${files.length - 1}: invalid size`
              : `invalid magic number ${magic.toString(16)}`,
          );
        }
        if (h[4] !== BLOCK_CHUNKS_FORMAT_V1) throw corrupt(dir, name, 4, `invalid chunk format version ${h[4]}`);
      }
    } catch (err) {
      for (const f of files) f.close();
      throw err;
    }
    return new BlockChunkReader(dir, files, names);
  }

  /** Number of segment files. */
  get segments(): number {
    return this.#files.length;
  }

  /** Total size of the segment files in bytes. */
  get sizeBytes(): number {
    let n = 0;
    for (const f of this.#files) n += f.size;
    return n;
  }

  /** Bytes held by the page caches. */
  get cachedBytes(): number {
    let n = 0;
    for (const f of this.#files) n += f.cachedBytes;
    return n;
  }

  /** The chunk at `ref`, over a fresh copy of its bytes. */
  chunk(ref: BlockChunkRef): Chunk {
    return this.#chunk(ref, true);
  }

  /**
   * The chunk at `ref` as {@link chunk} reads it, but over a view of the reader's cached page when
   * the chunk lies within one: for a chunk iterated and dropped (a series iterator's), which then
   * costs no copy and no buffer of its own. The view keeps its 4 KiB page alive while the chunk is
   * held: do not keep it long.
   */
  transientChunk(ref: BlockChunkRef): Chunk {
    return this.#chunk(ref, false);
  }

  #chunk(ref: BlockChunkRef, copy: boolean): Chunk {
    const seg = Math.floor(ref / TWO_32);
    const off = ref % TWO_32;
    const f = this.#files[seg];
    if (f === undefined) {
      throw corrupt(
        this.dir,
        String(seg + 1).padStart(6, '0'),
        -1,
        `chunk ref ${ref}: segment ${seg + 1} does not exist`,
      );
    }
    const name = this.#names[seg]!;
    if (off < BLOCK_CHUNKS_SEGMENT_HEADER_SIZE || off + 1 + 1 + 4 > f.size) {
      throw corrupt(this.dir, name, off, `chunk ref ${ref} is beyond the segment (${f.size} bytes)`);
    }
    const head = f.read(off, Math.min(6, f.size - off));
    let p = 0;
    let len = 0;
    let mul = 1;
    for (;;) {
      if (p >= 5 || p >= head.length) throw corrupt(this.dir, name, off, 'invalid chunk length');
      const c = head[p++]!;
      len += (c & 0x7f) * mul;
      if (c < 0x80) break;
      mul *= 128;
    }
    const total = p + 1 + len + 4;
    if (off + total > f.size) throw corrupt(this.dir, name, off, 'chunk cut off by the end of the segment');
    const b = f.read(off, total);
    const sum = ((b[total - 4]! << 24) | (b[total - 3]! << 16) | (b[total - 2]! << 8) | b[total - 1]!) >>> 0;
    const crc = crc32c(b.subarray(p, p + 1 + len));
    if (crc !== sum) {
      throw corrupt(this.dir, name, off, `checksum mismatch expected:${sum.toString(16)}, actual:${crc.toString(16)}`);
    }
    const enc = b[p]!;
    if (!isSupportedEncoding(enc) && isOpaqueEncoding(enc)) return new OpaqueChunk(enc, b.slice(p + 1, p + 1 + len));
    try {
      // A read within one page is a view of the page (never written to); a longer one is fresh.
      const data = copy ? b.slice(p + 1, p + 1 + len) : b.subarray(p + 1, p + 1 + len);
      return chunkFromBytes(enc, data, { validate: false });
    } catch (err) {
      if (err instanceof UnknownEncodingError) throw corrupt(this.dir, name, off, err.message, err);
      throw err;
    }
  }

  /** Closes the segment files. */
  close(): void {
    for (const f of this.#files) f.close();
    this.#files.length = 0;
  }
}

/** Damage in a chunks segment: the block is the directory above `chunks/`. */
function corrupt(chunksDir: string, name: string, off: number, reason: string, cause?: unknown): CorruptBlockError {
  return new CorruptBlockError(
    dirname(chunksDir),
    `${basename(chunksDir)}/${name}`,
    off,
    reason,
    cause === undefined ? undefined : { cause },
  );
}
