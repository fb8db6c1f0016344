// Prometheus: tsdb/chunks/head_chunks.go ChunkDiskMapper (WriteChunk, Chunk, IterateAllChunks,
// Truncate, DeleteCorrupted, CutNewFile, Close), repairLastChunkFile, openMMapFiles.
import {
  close as closeFd,
  closeSync,
  fstat,
  fsync,
  open as openCb,
  openSync,
  read as readFd,
  readSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { mkdir, open as openHandle, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { chunkFromBytes, crc32c } from '@tsprom/chunkenc';
import type { Chunk } from '@tsprom/storage-interfaces';
import { type ChunkDiskMapperRef, chunkDiskMapperRef, chunkRefFile, chunkRefOffset } from './chunk-refs.js';
import { TimeSlicer } from '../time-slicer.js';
import { ChunkCorruptionError, ChunkDiskMapperClosedError, ChunkRefError } from './errors.js';

/** Magic number at the start of every head chunks file. */
export const HEAD_CHUNK_MAGIC = 0x0130bc91;
/** Version byte of the head chunks file format. */
export const HEAD_CHUNK_FORMAT_V1 = 1;
/** Magic (4), version (1), padding (3). */
export const HEAD_CHUNK_FILE_HEADER_SIZE = 8;
/** Prometheus: chunks.MaxHeadChunkFileSize, 128 MiB. */
export const MAX_HEAD_CHUNK_FILE_SIZE = 128 * 1024 * 1024;
/** Series ref (8), mint (8), maxt (8), encoding (1), length (up to 5), CRC (4). */
export const MAX_HEAD_CHUNK_META_SIZE = 8 + 8 + 8 + 1 + 5 + 4;
/** Bit of the encoding byte marking an out-of-order chunk. */
export const OOO_ENCODING_MASK = 0x80;

const TWO_32 = 4294967296;
const CHUNK_HEADER = 8 + 8 + 8 + 1;
/** `readChunks`: chunks closer than this to the previous one are read with it, in one read. */
const PREFETCH_GAP_BYTES = 16 * 1024;
/** `readChunks`: the longest single read. */
const PREFETCH_RUN_BYTES = 1024 * 1024;
/** `readChunks`: bytes read past the last chunk of a run (its length is not known before). */
const PREFETCH_TAIL_BYTES = 2048;

/** Where `parseChunk` found a chunk's data in a buffer, or why it found none. */
interface ParsedChunk {
  /** 'ok', 'short' (the buffer ends before the chunk does) or the reason it is corrupt. */
  status: string;
  encodingByte: number;
  dataStart: number;
  dataEnd: number;
  /** Offset just past the chunk (its CRC included), relative to the buffer. */
  end: number;
}

/**
 * Reads the chunk whose header starts at `p` of `b`, checking its length and CRC; `b` may end
 * before the chunk does (status 'short'; `end` then tells how far it reaches when known, else 0).
 */
function parseChunk(b: Uint8Array, p: number, out: ParsedChunk): ParsedChunk {
  let q = p + CHUNK_HEADER;
  let len = 0;
  let shift = 1;
  out.end = 0;
  for (let k = 0; ; k++) {
    if (k >= 5) {
      out.status = 'invalid chunk length';
      return out;
    }
    if (q >= b.length) {
      out.status = 'short';
      return out;
    }
    const c = b[q++]!;
    len += (c & 0x7f) * shift;
    if (c < 0x80) break;
    shift *= 128;
  }
  out.end = q + len + 4;
  if (out.end > b.length) {
    out.status = 'short';
    return out;
  }
  const sum = new DataView(b.buffer, b.byteOffset + q + len, 4).getUint32(0);
  if (crc32c(b.subarray(p, q + len)) !== sum) {
    out.status = 'checksum mismatch';
    return out;
  }
  out.status = 'ok';
  out.encodingByte = b[p + 24]!;
  out.dataStart = q;
  out.dataEnd = q + len;
  return out;
}

const RADIX_BITS = 11;
const RADIX = 1 << RADIX_BITS;
const RADIX_MASK = RADIX - 1;

/**
 * The indices of `refs` in increasing ref order (file, then offset): the identity when they are in
 * order already (a select's chunks often are), else a stable LSD radix sort on 11-bit digits of
 * offset and file, skipping digits that are the same for every ref. Linear in the refs: a select
 * of many series hands over hundreds of thousands, which a comparison sort plus the per-ref
 * bookkeeping took tens of milliseconds to order at once.
 */
export function orderByRef(refs: ArrayLike<ChunkDiskMapperRef>): Uint32Array {
  const n = refs.length;
  const out = new Uint32Array(n);
  let sorted = true;
  for (let i = 0; i < n; i++) {
    out[i] = i;
    if (i > 0 && refs[i]! < refs[i - 1]!) sorted = false;
  }
  if (sorted) return out;
  // Digits, least significant first: three of the offset, then three of the file.
  const off = new Uint32Array(n);
  const file = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const f = chunkRefFile(refs[i]!);
    file[i] = f;
    off[i] = refs[i]! - f * TWO_32;
  }
  let src = out;
  let dst = new Uint32Array(n);
  // 11-bit digits: a count table small enough for the cache (16-bit ones took three times as long).
  const counts = new Uint32Array(RADIX);
  for (let pass = 0; pass < 6; pass++) {
    const keys = pass < 3 ? off : file;
    const shift = (pass % 3) * RADIX_BITS;
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[(keys[i]! >>> shift) & RADIX_MASK]!++;
    // A digit every ref shares orders nothing.
    if (counts[(keys[0]! >>> shift) & RADIX_MASK] === n) continue;
    let sum = 0;
    for (let d = 0; d < RADIX; d++) {
      const c = counts[d]!;
      counts[d] = sum;
      sum += c;
    }
    for (let j = 0; j < n; j++) {
      const i = src[j]!;
      dst[counts[(keys[i]! >>> shift) & RADIX_MASK]!++] = i;
    }
    const t = src;
    src = dst;
    dst = t;
  }
  return src;
}

function readAt(fd: number, into: Uint8Array, at: number, n: number, position: number): Promise<number> {
  return new Promise((resolve, reject) => {
    readFd(fd, into, at, n, position, (err, bytesRead) => (err ? reject(err) : resolve(bytesRead)));
  });
}

function openFd(path: string): Promise<number> {
  return new Promise((resolve, reject) => openCb(path, 'r', (err, fd) => (err ? reject(err) : resolve(fd))));
}

function fdSize(fd: number): Promise<number> {
  return new Promise((resolve, reject) => fstat(fd, (err, st) => (err ? reject(err) : resolve(st.size))));
}

/** `iterateAllChunksAsync`: default size of the reused read buffer. */
const ITERATE_BUFFER_BYTES = 4 * 1024 * 1024;
/** `iterateAllChunksAsync`: chunks parsed between two looks at the clock. */
const ITERATE_CHUNKS_PER_CHECK = 256;

/** Options of {@link ChunkDiskMapper.iterateAllChunksAsync}. */
export interface IterateAllChunksOptions {
  /** Gives the event loop turns between slices (default: a new TimeSlicer). */
  slicer?: TimeSlicer;
  /** Size of the reused read buffer in bytes (default 4 MiB); a longer chunk grows it. */
  bufferSize?: number;
}

/** A head chunk's metadata as stored in front of its data. */
export interface HeadChunkMeta {
  seriesRef: number;
  chunkRef: ChunkDiskMapperRef;
  mint: number;
  maxt: number;
  numSamples: number;
  /** The chunk encoding, without the out-of-order bit. */
  encoding: number;
  isOOO: boolean;
}

/** The stored form of a head chunk: encoding (without the out-of-order bit) and data bytes. */
export interface HeadChunkData {
  encoding: number;
  isOOO: boolean;
  /** A fresh copy owned by the caller. */
  data: Uint8Array;
}

/** What a ChunkDiskMapper writes: an encoding byte and the chunk bytes (a chunkenc Chunk fits). */
export interface ChunkSource {
  encoding(): number;
  bytes(): Uint8Array;
}

/** Options of {@link ChunkDiskMapper.open}. */
export interface ChunkDiskMapperOptions {
  /** Largest file size before a new file is cut, in bytes. Default 128 MiB. */
  maxFileSize?: number;
  /** Bytes buffered before a write(2). Default 1 MiB. */
  writeBufferSize?: number;
}

interface ChunkFile {
  index: number;
  fd: number;
  /** Asynchronous reads under way. */
  reads: number;
  /** Deleted: no new read starts, and the last read under way closes `fd`. */
  deleted: boolean;
  /** Bytes on disk (written with write(2)). */
  size: number;
  /** Largest chunk maxt written to or found in the file. */
  maxt: number;
}

/** `iterateAllChunksAsync`: a read buffer and the file offsets of the bytes it holds. */
interface ReadWindow {
  buf: Uint8Array;
  /** File offset of `buf[0]`. */
  start: number;
  /** File offset just past the bytes held. */
  end: number;
}

const scratchParsed: ParsedChunk = { status: '', encodingByte: 0, dataStart: 0, dataEnd: 0, end: 0 };

function fileName(dir: string, i: number): string {
  return join(dir, String(i).padStart(6, '0'));
}

function readBE64int(b: Uint8Array, p: number): number {
  const dv = new DataView(b.buffer, b.byteOffset + p, 8);
  return dv.getInt32(0) * TWO_32 + dv.getUint32(4);
}

/**
 * Prometheus: chunks.ChunkDiskMapper. Keeps full head chunks in `chunks_head/` files in
 * Prometheus's head chunks format so the Head can drop their bytes from memory, and reads them
 * back by {@link ChunkDiskMapperRef}. Writes go through a buffer; `chunk()` serves refs that are
 * still in the buffer from memory. Files are fsynced when a new file is cut and on close; a chunk
 * lost in a crash is recovered from the WAL, as in Prometheus.
 * Series ref 0 marks the end of data in a file, so series refs must start at 1.
 */
export class ChunkDiskMapper {
  /** The `chunks_head` directory. */
  readonly dir: string;
  readonly #maxFileSize: number;
  readonly #files = new Map<number, ChunkFile>();
  #cur: ChunkFile | undefined;
  #buf: Uint8Array;
  #bufLen = 0;
  #closed = false;
  #pending: Promise<void> = Promise.resolve();
  #bgError: unknown;
  // Asynchronous reads under way: a file's descriptor is closed only once they are done.
  readonly #reads = new Set<Promise<number>>();
  readonly #hdr = new Uint8Array(CHUNK_HEADER + 5);
  readonly #hdrView = new DataView(this.#hdr.buffer);

  private constructor(dir: string, opts: ChunkDiskMapperOptions) {
    this.dir = dir;
    this.#maxFileSize = opts.maxFileSize ?? MAX_HEAD_CHUNK_FILE_SIZE;
    this.#buf = new Uint8Array(opts.writeBufferSize ?? 1024 * 1024);
  }

  /**
   * Opens `dir` (created if missing), checking the header of every file. An empty last file (a
   * crash right after it was cut) is deleted. Rejects with {@link ChunkCorruptionError} for a bad
   * header and with an Error when file numbers have gaps. Writing starts in a new file.
   */
  static async open(dir: string, opts: ChunkDiskMapperOptions = {}): Promise<ChunkDiskMapper> {
    await mkdir(dir, { recursive: true });
    const m = new ChunkDiskMapper(dir, opts);
    await m.#openFiles();
    return m;
  }

  // Prometheus: openMMapFiles, repairLastChunkFile. Asynchronous I/O: a chunks_head/ of many
  // files does not hold the event loop while it opens.
  async #openFiles(): Promise<void> {
    const indices = (await readdir(this.dir))
      .filter((n) => /^\d+$/.test(n))
      .map(Number)
      .sort((a, b) => a - b);
    const last = indices[indices.length - 1];
    if (last !== undefined) {
      const fh = await openHandle(fileName(this.dir, last), 'r');
      let size: number;
      let n = 0;
      const head = new Uint8Array(4);
      try {
        size = (await fh.stat()).size;
        if (size > 0) n = (await fh.read(head, 0, 4, 0)).bytesRead;
      } finally {
        await fh.close();
      }
      if (size < HEAD_CHUNK_FILE_HEADER_SIZE || (n === 4 && head.every((b) => b === 0))) {
        // Prometheus: repairLastChunkFile. Cut but never written to: nothing to keep.
        await unlink(fileName(this.dir, last));
        indices.pop();
      }
    }
    for (let i = 1; i < indices.length; i++) {
      if (indices[i] !== indices[i - 1]! + 1) {
        throw new Error(`found unsequential head chunk files ${indices[i - 1]} and ${indices[i]} in ${this.dir}`);
      }
    }
    const h = new Uint8Array(HEAD_CHUNK_FILE_HEADER_SIZE);
    const dv = new DataView(h.buffer);
    for (const index of indices) {
      let fd: number | undefined;
      let reason: string | undefined;
      let size = 0;
      try {
        fd = await openFd(fileName(this.dir, index));
        size = await fdSize(fd);
        h.fill(0);
        const n = await readAt(fd, h, 0, h.length, 0);
        if (n < HEAD_CHUNK_FILE_HEADER_SIZE) reason = 'invalid head chunk file header';
        else if (dv.getUint32(0) !== HEAD_CHUNK_MAGIC) reason = `invalid magic number ${dv.getUint32(0).toString(16)}`;
        else if (h[4] !== HEAD_CHUNK_FORMAT_V1) reason = `invalid chunk format version ${h[4]}`;
      } catch (err) {
        if (fd !== undefined) closeSync(fd);
        this.#closeAll();
        throw err;
      }
      if (reason !== undefined) {
        closeSync(fd);
        this.#closeAll();
        throw new ChunkCorruptionError(this.dir, index, 0, reason);
      }
      this.#files.set(index, { index, fd, size, maxt: Number.NEGATIVE_INFINITY, reads: 0, deleted: false });
    }
  }

  // Closes the files opened so far (an open that failed).
  #closeAll(): void {
    for (const f of this.#files.values()) closeSync(f.fd);
    this.#files.clear();
  }

  /** Sequence numbers of the files present, ascending. */
  fileIndices(): number[] {
    return [...this.#files.keys()].sort((a, b) => a - b);
  }

  /** Largest chunk maxt in file `index` (as written, or as found by `iterateAllChunks`). */
  fileMaxTime(index: number): number | undefined {
    return this.#files.get(index)?.maxt;
  }

  /**
   * Prometheus: ChunkDiskMapper.WriteChunk. Appends a chunk of series `seriesRef` (≥ 1) spanning
   * `[mint, maxt]` ms and returns its ref. Synchronous; the bytes are copied. A new file is cut
   * when this one would grow past the maximum size.
   */
  writeChunk(seriesRef: number, mint: number, maxt: number, chunk: ChunkSource, isOOO = false): ChunkDiskMapperRef {
    if (this.#closed) throw new ChunkDiskMapperClosedError();
    const data = chunk.bytes();
    const need = MAX_HEAD_CHUNK_META_SIZE + data.length;
    if (this.#cur === undefined || this.#cur.size + this.#bufLen + need > this.#maxFileSize) this.#cutNewFile();
    const cur = this.#cur!;
    const offset = cur.size + this.#bufLen;
    const ref = chunkDiskMapperRef(cur.index, offset);

    const h = this.#hdr;
    const dv = this.#hdrView;
    const hi = Math.floor(seriesRef / TWO_32);
    dv.setUint32(0, hi);
    dv.setUint32(4, seriesRef - hi * TWO_32);
    const mh = Math.floor(mint / TWO_32);
    dv.setInt32(8, mh);
    dv.setUint32(12, mint - mh * TWO_32);
    const xh = Math.floor(maxt / TWO_32);
    dv.setInt32(16, xh);
    dv.setUint32(20, maxt - xh * TWO_32);
    h[24] = (chunk.encoding() & 0x7f) | (isOOO ? OOO_ENCODING_MASK : 0);
    let n = CHUNK_HEADER;
    let len = data.length;
    while (len >= 0x80) {
      h[n++] = (len & 0x7f) | 0x80;
      len >>>= 7;
    }
    h[n++] = len;
    const hdr = h.subarray(0, n);
    const crc = crc32c(data, crc32c(hdr));
    this.#append(hdr);
    this.#append(data);
    dv.setUint32(0, crc);
    this.#append(h.subarray(0, 4));
    if (maxt > cur.maxt) cur.maxt = maxt;
    return ref;
  }

  /**
   * Prometheus: ChunkDiskMapper.Chunk. The chunk at `ref` as a chunkenc Chunk over a fresh copy
   * of its bytes. Throws {@link ChunkRefError} for a ref that points at no chunk and
   * {@link ChunkCorruptionError} on a CRC mismatch.
   */
  chunk(ref: ChunkDiskMapperRef): Chunk {
    const c = this.chunkData(ref);
    return chunkFromBytes(c.encoding, c.data, { validate: false });
  }

  /** Like {@link chunk}, giving the stored encoding and bytes instead of a Chunk. */
  chunkData(ref: ChunkDiskMapperRef): HeadChunkData {
    if (this.#closed) throw new ChunkDiskMapperClosedError();
    const index = chunkRefFile(ref);
    const offset = chunkRefOffset(ref);
    const f = this.#files.get(index);
    if (f === undefined) throw new ChunkRefError(`head chunk file ${index} does not exist (ref ${ref})`);
    const total = f === this.#cur ? f.size + this.#bufLen : f.size;
    if (offset < HEAD_CHUNK_FILE_HEADER_SIZE || offset + CHUNK_HEADER + 1 > total) {
      throw new ChunkRefError(`head chunk ref ${ref} is beyond the data of file ${index}`);
    }
    // Most chunks are a few hundred bytes: read header and data in one go, more only when needed.
    let b = this.#read(f, offset, Math.min(512, total - offset));
    const c = parseChunk(b, 0, scratchParsed);
    if (c.status === 'short' && c.end > b.length && offset + c.end <= total) {
      b = this.#read(f, offset, c.end);
      parseChunk(b, 0, c);
    }
    if (c.status === 'short') {
      const reason = c.end === 0 ? 'invalid chunk length' : 'chunk cut off by the end of the file';
      throw new ChunkCorruptionError(this.dir, index, offset, reason);
    }
    if (c.status !== 'ok') throw new ChunkCorruptionError(this.dir, index, offset, c.status);
    const enc = c.encodingByte;
    return {
      encoding: enc & 0x7f,
      isOOO: (enc & OOO_ENCODING_MASK) !== 0,
      data: b.slice(c.dataStart, c.dataEnd),
    };
  }

  /**
   * Reads the chunks at `refs` as `readChunkBytes` does and returns a Chunk per ref, in the order
   * given, or undefined for a ref it could not read (`chunk(ref)` then throws why) or did not,
   * having read `maxBytes` already.
   */
  async readChunks(
    refs: ArrayLike<ChunkDiskMapperRef>,
    maxBytes = 64 * 1024 * 1024,
    signal?: AbortSignal,
  ): Promise<(Chunk | undefined)[]> {
    const out: (Chunk | undefined)[] = new Array(refs.length).fill(undefined);
    await this.readChunkBytes(
      refs,
      (i, encoding, bytes, start, end) => {
        try {
          out[i] = chunkFromBytes(encoding, bytes.subarray(start, end), { validate: false });
        } catch {
          // An encoding this package cannot read: `chunk(ref)` reports it when the chunk is needed.
        }
      },
      maxBytes,
      signal,
    );
    return out;
  }

  /**
   * Reads the chunks at `refs` without blocking the event loop: asynchronous positional reads of
   * the file ranges that hold them (chunks close to each other in one read of up to 1 MiB), and
   * the part still in the write buffer copied. For each chunk read whole and intact it calls
   * `found(i, encoding, bytes, start, end)`: `refs[i]`'s data is `bytes[start, end)`, its encoding
   * without the out-of-order bit. `bytes` belongs to the caller from then on (one buffer per read,
   * holding only the data of its chunks). Refs it could not read (`chunk(ref)` throws why) or did
   * not, having read `maxBytes` already, get no call. Rejects with `signal`'s reason once it is
   * aborted, checked before each read.
   */
  async readChunkBytes(
    refs: ArrayLike<ChunkDiskMapperRef>,
    found: (i: number, encoding: number, bytes: Uint8Array, start: number, end: number) => void,
    maxBytes = 64 * 1024 * 1024,
    signal?: AbortSignal,
  ): Promise<void> {
    const order = orderByRef(refs);
    let buf = new Uint8Array(0);
    const parsed: ParsedChunk = { status: '', encodingByte: 0, dataStart: 0, dataEnd: 0, end: 0 };
    let budget = maxBytes;
    for (let k = 0; k < order.length && budget > 0 && !this.#closed; ) {
      const first = refs[order[k]!]!;
      const index = chunkRefFile(first);
      const start = chunkRefOffset(first);
      // A run: the following refs of the same file, each near the one before.
      let e = k + 1;
      let last = start;
      while (e < order.length) {
        const r = refs[order[e]!]!;
        const o = chunkRefOffset(r);
        if (chunkRefFile(r) !== index || o - last > PREFETCH_GAP_BYTES || o - start > PREFETCH_RUN_BYTES) break;
        last = o;
        e++;
      }
      const f = this.#files.get(index);
      if (f === undefined) {
        k = e;
        continue;
      }
      const want = last - start + PREFETCH_TAIL_BYTES;
      if (buf.length < want) buf = new Uint8Array(want);
      signal?.throwIfAborted();
      let n: number;
      try {
        n = await this.#readAsync(f, start, want, buf);
      } catch {
        // An I/O error: these chunks stay unread; `chunk(ref)` reports it when they are needed.
        k = e;
        continue;
      }
      budget -= n;
      const b = buf.subarray(0, n);
      // Parse each chunk of the run; copy the data of those read whole into one buffer.
      const spans: number[] = []; // (index into refs, data start, data end, encoding byte) each
      const longer: number[] = []; // (index into refs, length) of chunks reaching past the read
      let packBytes = 0;
      for (let j = k; j < e; j++) {
        const i = order[j]!;
        const p = chunkRefOffset(refs[i]!) - start;
        if (p < HEAD_CHUNK_FILE_HEADER_SIZE - start || p + CHUNK_HEADER + 1 > n) continue;
        parseChunk(b, p, parsed);
        if (parsed.status === 'short' && parsed.end > 0) longer.push(i, parsed.end - p);
        if (parsed.status !== 'ok') continue; // Damaged: `chunk(ref)` reports it when needed.
        spans.push(i, parsed.dataStart, parsed.dataEnd, parsed.encodingByte);
        packBytes += parsed.dataEnd - parsed.dataStart;
      }
      const pack = new Uint8Array(packBytes);
      let o = 0;
      for (let q = 0; q < spans.length; q += 4) {
        const len = spans[q + 2]! - spans[q + 1]!;
        pack.set(b.subarray(spans[q + 1]!, spans[q + 2]!), o);
        found(spans[q]!, spans[q + 3]! & 0x7f, pack, o, o + len);
        o += len;
      }
      k = e;
      // The last chunk of a run may be longer than the bytes read past it: read it alone.
      for (let q = 0; q < longer.length && budget > 0; q += 2) {
        const i = longer[q]!;
        const one = new Uint8Array(longer[q + 1]!);
        try {
          const got = await this.#readAsync(f, chunkRefOffset(refs[i]!), one.length, one);
          budget -= got;
          if (parseChunk(one.subarray(0, got), 0, parsed).status !== 'ok') continue;
        } catch {
          continue; // As above: `chunk(ref)` reports the failure when the chunk is needed.
        }
        found(i, parsed.encodingByte & 0x7f, one, parsed.dataStart, parsed.dataEnd);
      }
    }
  }

  // Reads [offset, offset + n) of `f` (clamped to its data) into `into` from 0: the part on disk
  // with asynchronous reads, the part still in the write buffer copied now. Returns the bytes read.
  async #readAsync(f: ChunkFile, offset: number, n: number, into: Uint8Array): Promise<number> {
    const cur = f === this.#cur;
    n = Math.max(0, Math.min(n, (cur ? f.size + this.#bufLen : f.size) - offset));
    const onDisk = Math.max(0, Math.min(n, f.size - offset));
    // Copied before any await: a flush moves these bytes to disk, past the size seen here.
    if (cur && onDisk < n) into.set(this.#buf.subarray(offset + onDisk - f.size, offset + n - f.size), onDisk);
    let got = 0;
    while (got < onDisk) {
      if (f.deleted || this.#closed) return 0;
      const read = readAt(f.fd, into, got, onDisk - got, offset + got);
      this.#reads.add(read);
      f.reads++;
      let r: number;
      try {
        r = await read;
      } finally {
        this.#reads.delete(read);
        if (--f.reads === 0 && f.deleted) closeFd(f.fd, () => {}); // Unlinked already; nothing to report.
      }
      if (r === 0) return got;
      got += r;
    }
    return n;
  }

  // Waits for the asynchronous reads under way (their descriptors must stay open meanwhile).
  async #readsDone(): Promise<void> {
    while (this.#reads.size > 0) await Promise.allSettled([...this.#reads]);
  }

  #read(f: ChunkFile, offset: number, n: number): Uint8Array {
    const out = new Uint8Array(n);
    let got = 0;
    // Part on disk.
    if (offset < f.size) {
      const fromDisk = Math.min(n, f.size - offset);
      while (got < fromDisk) {
        const r = readSync(f.fd, out, got, fromDisk - got, offset + got);
        if (r === 0) break;
        got += r;
      }
    }
    // Part still in the write buffer.
    if (got < n && f === this.#cur) {
      const bufOff = offset + got - f.size;
      out.set(this.#buf.subarray(bufOff, bufOff + (n - got)), got);
    }
    return out;
  }

  /**
   * Prometheus: ChunkDiskMapper.IterateAllChunks. Calls `fn` for every chunk of every file, in
   * order, checking CRCs. Zero bytes at the end of a file mark its end. Throws
   * {@link ChunkCorruptionError} at the first damage (pass it to `deleteCorrupted`). Synchronous:
   * it reads each file whole and holds the event loop throughout (about 0.3 s per 100k chunks);
   * the Head's startup uses {@link iterateAllChunksAsync}, which finds the same.
   */
  iterateAllChunks(fn: (meta: HeadChunkMeta) => void): void {
    for (const index of this.fileIndices()) {
      const f = this.#files.get(index)!;
      const b = this.#read(f, 0, f === this.#cur ? f.size + this.#bufLen : f.size);
      const end = b.length;
      let idx = HEAD_CHUNK_FILE_HEADER_SIZE;
      while (idx < end) {
        if (end - idx < MAX_HEAD_CHUNK_META_SIZE) {
          let zeros = true;
          for (let k = idx; k < end; k++) {
            if (b[k] !== 0) {
              zeros = false;
              break;
            }
          }
          if (zeros) break;
          if (end - idx < CHUNK_HEADER + 1 + 4) {
            throw new ChunkCorruptionError(this.dir, index, idx, 'not enough bytes left to read a chunk header');
          }
        }
        const start = idx;
        const seriesRef =
          new DataView(b.buffer, b.byteOffset + idx, 8).getUint32(0) * TWO_32 +
          new DataView(b.buffer, b.byteOffset + idx + 4, 4).getUint32(0);
        const mint = readBE64int(b, idx + 8);
        const maxt = readBE64int(b, idx + 16);
        // Series refs start at 1: a zero header is the zeroed tail of a preallocated file.
        if (seriesRef === 0 && mint === 0 && maxt === 0) break;
        const enc = b[idx + 24]!;
        idx += CHUNK_HEADER;
        let len = 0;
        let shift = 1;
        for (let k = 0; ; k++) {
          if (k >= 5 || idx >= end) throw new ChunkCorruptionError(this.dir, index, start, 'invalid chunk length');
          const c = b[idx++]!;
          len += (c & 0x7f) * shift;
          if (c < 0x80) break;
          shift *= 128;
        }
        const dataStart = idx;
        idx += len;
        if (idx + 4 > end)
          throw new ChunkCorruptionError(this.dir, index, start, 'chunk cut off by the end of the file');
        const sum = new DataView(b.buffer, b.byteOffset + idx, 4).getUint32(0);
        if (crc32c(b.subarray(start, idx)) !== sum) {
          throw new ChunkCorruptionError(this.dir, index, start, 'checksum mismatch');
        }
        idx += 4;
        const numSamples = len >= 2 ? (b[dataStart]! << 8) | b[dataStart + 1]! : 0;
        if (maxt > f.maxt) f.maxt = maxt;
        fn({
          seriesRef,
          chunkRef: chunkDiskMapperRef(index, start),
          mint,
          maxt,
          numSamples,
          encoding: enc & 0x7f,
          isOOO: (enc & OOO_ENCODING_MASK) !== 0,
        });
      }
    }
  }

  /**
   * Prometheus: ChunkDiskMapper.IterateAllChunks, without holding the event loop: the same chunks
   * in the same order, the same checks and the same {@link ChunkCorruptionError}s as
   * {@link iterateAllChunks}, but the files are read with asynchronous reads into one reused
   * buffer (a few MiB; a chunk reaching past its end is read again from its start), and the event
   * loop gets a turn whenever `opts.slicer` says. Used on startup, before writing.
   */
  async iterateAllChunksAsync(fn: (meta: HeadChunkMeta) => void, opts: IterateAllChunksOptions = {}): Promise<void> {
    if (this.#closed) throw new ChunkDiskMapperClosedError();
    const slicer = opts.slicer ?? new TimeSlicer();
    const w: ReadWindow = {
      buf: new Uint8Array(Math.max(opts.bufferSize ?? ITERATE_BUFFER_BYTES, MAX_HEAD_CHUNK_META_SIZE)),
      start: 0,
      end: 0,
    };
    let count = 0;
    for (const index of this.fileIndices()) {
      const f = this.#files.get(index)!;
      // File offsets from here on; `w.buf` holds the bytes [w.start, w.end) of the file.
      let end = f === this.#cur ? f.size + this.#bufLen : f.size;
      w.start = 0;
      w.end = 0;
      let idx = HEAD_CHUNK_FILE_HEADER_SIZE;
      while (idx < end) {
        const metaEnd = Math.min(end, idx + MAX_HEAD_CHUNK_META_SIZE);
        if (w.end < metaEnd) {
          await this.#fillWindow(f, w, idx, MAX_HEAD_CHUNK_META_SIZE, end);
          if (w.end < metaEnd) end = w.end; // The file ended early (it shrank under us).
          if (idx >= end) break;
        }
        let b = w.buf;
        const p = idx - w.start;
        if (end - idx < MAX_HEAD_CHUNK_META_SIZE) {
          let zeros = true;
          for (let k = p; k < p + end - idx; k++) {
            if (b[k] !== 0) {
              zeros = false;
              break;
            }
          }
          if (zeros) break;
          if (end - idx < CHUNK_HEADER + 1 + 4) {
            throw new ChunkCorruptionError(this.dir, index, idx, 'not enough bytes left to read a chunk header');
          }
        }
        const start = idx;
        const seriesRef =
          new DataView(b.buffer, b.byteOffset + p, 8).getUint32(0) * TWO_32 +
          new DataView(b.buffer, b.byteOffset + p + 4, 4).getUint32(0);
        const mint = readBE64int(b, p + 8);
        const maxt = readBE64int(b, p + 16);
        // Series refs start at 1: a zero header is the zeroed tail of a preallocated file.
        if (seriesRef === 0 && mint === 0 && maxt === 0) break;
        const enc = b[p + 24]!;
        idx += CHUNK_HEADER;
        let q = p + CHUNK_HEADER;
        let len = 0;
        let shift = 1;
        for (let k = 0; ; k++) {
          if (k >= 5 || idx >= end) throw new ChunkCorruptionError(this.dir, index, start, 'invalid chunk length');
          const c = b[q++]!;
          idx++;
          len += (c & 0x7f) * shift;
          if (c < 0x80) break;
          shift *= 128;
        }
        const dataStart = idx;
        idx += len;
        if (idx + 4 > end)
          throw new ChunkCorruptionError(this.dir, index, start, 'chunk cut off by the end of the file');
        if (w.end < idx + 4) {
          // The chunk straddles the end of the buffer: read again from its start.
          await this.#fillWindow(f, w, start, idx + 4 - start, end);
          if (w.end < idx + 4) {
            throw new ChunkCorruptionError(this.dir, index, start, 'chunk cut off by the end of the file');
          }
          b = w.buf;
        }
        const s = start - w.start;
        const e = idx - w.start;
        const sum = new DataView(b.buffer, b.byteOffset + e, 4).getUint32(0);
        if (crc32c(b.subarray(s, e)) !== sum) {
          throw new ChunkCorruptionError(this.dir, index, start, 'checksum mismatch');
        }
        idx += 4;
        const d = dataStart - w.start;
        const numSamples = len >= 2 ? (b[d]! << 8) | b[d + 1]! : 0;
        if (maxt > f.maxt) f.maxt = maxt;
        fn({
          seriesRef,
          chunkRef: chunkDiskMapperRef(index, start),
          mint,
          maxt,
          numSamples,
          encoding: enc & 0x7f,
          isOOO: (enc & OOO_ENCODING_MASK) !== 0,
        });
        if ((++count & (ITERATE_CHUNKS_PER_CHECK - 1)) === 0 && slicer.due()) {
          await slicer.yield();
          if (this.#closed) throw new ChunkDiskMapperClosedError();
        }
      }
    }
  }

  // Makes `w.buf` hold the bytes of `f` from file offset `from` (≥ w.start) on: those it holds
  // already move to its front, and it is filled up to its size or the end of the data (`end`).
  // Grows it when `need` bytes would not fit.
  async #fillWindow(f: ChunkFile, w: ReadWindow, from: number, need: number, end: number): Promise<void> {
    const keep = Math.max(0, w.end - from);
    const at = from - w.start;
    if (need > w.buf.length) {
      const grown = new Uint8Array(need);
      grown.set(w.buf.subarray(at, at + keep));
      w.buf = grown;
    } else if (keep > 0 && at > 0) {
      w.buf.copyWithin(0, at, at + keep);
    }
    w.start = from;
    w.end = from + keep;
    const want = Math.min(w.buf.length - keep, end - w.end);
    if (want <= 0) return;
    const got = await this.#readAsync(f, w.end, want, w.buf.subarray(keep));
    if (this.#closed) throw new ChunkDiskMapperClosedError();
    w.end += got;
  }

  /**
   * Prometheus: ChunkDiskMapper.DeleteCorrupted. Deletes the file `err` names and every later
   * file; the Head then replays those chunks from the WAL.
   */
  async deleteCorrupted(err: ChunkCorruptionError): Promise<void> {
    await this.#pending; // No background fsync may hold a descriptor we are about to close.
    const doomed = this.fileIndices().filter((i) => i >= err.fileIndex);
    if (this.#cur !== undefined && doomed.includes(this.#cur.index)) {
      this.#bufLen = 0;
      this.#cur = undefined;
    }
    this.#deleteFiles(doomed);
  }

  /**
   * Prometheus: ChunkDiskMapper.Truncate. Deletes the files with sequence number below `fileNo`.
   * If the file being written is among them and holds chunks, a new file is cut first.
   */
  async truncate(fileNo: number): Promise<void> {
    if (this.#closed) throw new ChunkDiskMapperClosedError();
    if (this.#cur !== undefined && this.#cur.index < fileNo) this.#cutNewFile();
    await this.#pending; // No background fsync may hold a descriptor we are about to close.
    this.#deleteFiles(this.fileIndices().filter((i) => i < fileNo && i !== this.#cur?.index));
  }

  #deleteFiles(indices: number[]): void {
    for (const i of indices) {
      const f = this.#files.get(i)!;
      this.#files.delete(i);
      f.deleted = true;
      // An asynchronous read still under way closes the descriptor when it is done.
      if (f.reads === 0) closeSync(f.fd);
      unlinkSync(fileName(this.dir, i));
    }
  }

  /** Prometheus: ChunkDiskMapper.CutNewFile. Later chunks go to a new file. */
  cutNewFile(): void {
    if (this.#closed) throw new ChunkDiskMapperClosedError();
    this.#cutNewFile();
  }

  #cutNewFile(): void {
    const prev = this.#cur;
    if (prev !== undefined) this.#finishFile(prev);
    const last = this.fileIndices().pop() ?? 0;
    const index = last + 1;
    const path = fileName(this.dir, index);
    const wfd = openSync(path, 'wx', 0o666);
    closeSync(wfd);
    // One read-write descriptor serves both the appends and the reads of this file.
    const fd = openSync(path, 'r+');
    const f: ChunkFile = { index, fd, size: 0, maxt: Number.NEGATIVE_INFINITY, reads: 0, deleted: false };
    this.#files.set(index, f);
    this.#cur = f;
    const h = new Uint8Array(HEAD_CHUNK_FILE_HEADER_SIZE);
    new DataView(h.buffer).setUint32(0, HEAD_CHUNK_MAGIC);
    h[4] = HEAD_CHUNK_FORMAT_V1;
    this.#append(h);
  }

  // Flushes the buffer of a file being left and fsyncs it in the background, keeping it open for reads.
  #finishFile(f: ChunkFile): void {
    this.#flush();
    const fd = f.fd;
    this.#pending = this.#pending
      .then(
        () =>
          new Promise<void>((resolve, reject) => {
            fsync(fd, (err) => (err ? reject(err) : resolve()));
          }),
      )
      .catch((err: unknown) => {
        this.#bgError ??= err; // Reported by close(): the file may not be on disk.
      });
  }

  #append(src: Uint8Array): void {
    if (this.#bufLen + src.length > this.#buf.length) {
      this.#flush();
      if (src.length > this.#buf.length) {
        this.#writeAll(src);
        return;
      }
    }
    this.#buf.set(src, this.#bufLen);
    this.#bufLen += src.length;
  }

  /** Writes buffered chunks to the current file (write(2), no fsync). */
  flush(): void {
    if (this.#closed) throw new ChunkDiskMapperClosedError();
    this.#flush();
  }

  #flush(): void {
    if (this.#bufLen === 0 || this.#cur === undefined) return;
    const n = this.#bufLen;
    this.#bufLen = 0;
    this.#writeAll(this.#buf.subarray(0, n));
  }

  #writeAll(src: Uint8Array): void {
    const f = this.#cur!;
    let off = 0;
    // Advance the size per write, so that after a failed write(2) offsets stay true.
    while (off < src.length) {
      const n = writeSync(f.fd, src, off, src.length - off, f.size);
      f.size += n;
      off += n;
    }
  }

  /** Flushes, fsyncs the current file and closes every file. Rejects with a background fsync error. */
  async close(): Promise<void> {
    if (this.#closed) return;
    if (this.#cur !== undefined) this.#finishFile(this.#cur);
    this.#closed = true;
    await this.#pending;
    await this.#readsDone();
    for (const f of this.#files.values()) {
      await new Promise<void>((resolve, reject) => closeFd(f.fd, (err) => (err ? reject(err) : resolve())));
    }
    this.#files.clear();
    this.#cur = undefined;
    if (this.#bgError !== undefined) throw this.#bgError;
  }
}
