// Prometheus: tsdb/encoding/encoding.go Decbuf, over a file read by position instead of an mmap'd
// byte slice: a forward cursor whose window is refilled page by page from a PagedFile.
import { PAGE_SIZE, type PagedFile } from '../block/paged-file.js';

const decoder = new TextDecoder('utf-8', { fatal: false });
const TWO_32 = 4294967296;

/** Bytes that do not decode where the format says they should: the caller names the file. */
export class FormatError extends Error {
  override readonly name = 'FormatError';
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

/** Window of a sequential cursor: scans read 64 KiB at a time, past the page cache. */
const SEQUENTIAL_WINDOW = 64 * 1024;

/**
 * Reads Prometheus's encodings (big-endian integers, Go varints, uvarint-prefixed strings) forward
 * from `pos` up to `end` (exclusive). Reading past `end` throws FormatError with the offset. A
 * cursor for random access reads through the file's page cache up to the end of a page; a
 * `sequential` one (a scan of a whole table) reads 64 KiB windows, leaving the cache alone.
 */
export class FileCursor {
  readonly #file: PagedFile;
  readonly #window: number;
  #end: number;
  #w: Uint8Array = new Uint8Array(0);
  #wpos: number;
  #i = 0;

  constructor(file: PagedFile, pos: number, end: number, opts: { sequential?: boolean } = {}) {
    this.#file = file;
    this.#window = opts.sequential === true ? SEQUENTIAL_WINDOW : 0;
    this.#wpos = pos;
    this.#end = Math.min(end, file.size);
  }

  /** Absolute file position of the next byte. */
  get pos(): number {
    return this.#wpos + this.#i;
  }

  /** Bytes left before `end`. */
  remaining(): number {
    return this.#end - this.pos;
  }

  /** Moves to absolute position `pos` (keeping the window when it is inside it). */
  seek(pos: number, end = this.#end): void {
    this.#end = Math.min(end, this.#file.size);
    const i = pos - this.#wpos;
    if (i >= 0 && i <= this.#w.length) {
      this.#i = i;
      return;
    }
    this.#w = new Uint8Array(0);
    this.#wpos = pos;
    this.#i = 0;
  }

  #ensure(n: number): void {
    if (this.#i + n <= this.#w.length) return;
    const pos = this.pos;
    const avail = this.#end - pos;
    if (n > avail) throw new FormatError(pos, `unexpected end of data: need ${n} bytes, ${avail} left`);
    const want = this.#window > 0 ? this.#window : PAGE_SIZE - (pos % PAGE_SIZE);
    this.#w = this.#file.read(pos, Math.min(avail, Math.max(n, want)));
    this.#wpos = pos;
    this.#i = 0;
  }

  byte(): number {
    this.#ensure(1);
    return this.#w[this.#i++]!;
  }

  be32(): number {
    this.#ensure(4);
    const w = this.#w;
    const i = this.#i;
    this.#i += 4;
    return ((w[i]! << 24) | (w[i + 1]! << 16) | (w[i + 2]! << 8) | w[i + 3]!) >>> 0;
  }

  be64(): number {
    const hi = this.be32();
    return hi * TWO_32 + this.be32();
  }

  /** A Go uvarint as a number (exact up to 2^53). */
  uvarint(): number {
    this.#ensure(Math.min(10, this.#end - this.pos) || 1);
    const w = this.#w;
    let i = this.#i;
    let x = 0;
    let mul = 1;
    for (let k = 0; k < 10; k++) {
      if (i >= w.length) break;
      const c = w[i++]!;
      x += (c & 0x7f) * mul;
      if (c < 0x80) {
        this.#i = i;
        return x;
      }
      mul *= 128;
    }
    throw new FormatError(this.pos, 'invalid uvarint');
  }

  /** A Go (zig-zag) varint as a number. */
  varint(): number {
    const u = this.uvarint();
    return u % 2 === 1 ? -(u + 1) / 2 : u / 2;
  }

  /** A uvarint length, then that many UTF-8 bytes. */
  uvarintStr(): string {
    const n = this.uvarint();
    this.#ensure(n);
    const w = this.#w;
    const start = this.#i;
    this.#i += n;
    if (n <= 64) {
      let s = '';
      for (let i = start; i < start + n; i++) {
        const c = w[i]!;
        if (c >= 0x80) return decoder.decode(w.subarray(start, start + n));
        s += String.fromCharCode(c);
      }
      return s;
    }
    return decoder.decode(w.subarray(start, start + n));
  }

  /** Skips a uvarint-prefixed string. */
  skipUvarintStr(): void {
    this.skip(this.uvarint());
  }

  /** The next `n` bytes (a view, valid as PagedFile.read's). */
  bytes(n: number): Uint8Array {
    this.#ensure(n);
    const b = this.#w.subarray(this.#i, this.#i + n);
    this.#i += n;
    return b;
  }

  skip(n: number): void {
    const avail = this.#end - this.pos;
    if (n > avail) throw new FormatError(this.pos, `unexpected end of data: skip ${n} bytes, ${avail} left`);
    if (this.#i + n <= this.#w.length) this.#i += n;
    else this.seek(this.pos + n);
  }
}
