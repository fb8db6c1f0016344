// Positional reads over a block file with a bounded page cache. Prometheus mmaps block files and
// lets the kernel page them in; Node has no mmap, so a reader keeps the pages it touched last in
// a cache bounded by bytes (second-chance eviction, an LRU's approximation) and reads the others
// with pread. Reads are synchronous because iterating
// a series set or a chunk never awaits (storage-interfaces' contract); they are short and served
// from the OS page cache in the common case, as mmap'd reads are in Prometheus.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { BlockClosedError } from './errors.js';

/**
 * Page size of the cache, as the kernel's: a series entry or a chunk read at random costs one 4 KiB
 * read. Sequential scans read bigger windows past the cache (`FileCursor`'s sequential mode).
 */
export const PAGE_SIZE = 4096;
/** Default bound of a file's page cache. */
export const DEFAULT_CACHE_BYTES = 4 * 1024 * 1024;

/** Options of {@link PagedFile.open}. */
export interface PagedFileOptions {
  /** Upper bound of the bytes of pages kept (at least one page is kept). Default 4 MiB. */
  cacheBytes?: number;
}

/** A read past the end of the file: the caller decides what damage that means. */
export class ShortReadError extends Error {
  override readonly name = 'ShortReadError';
  constructor(
    readonly path: string,
    readonly pos: number,
    readonly len: number,
    readonly size: number,
  ) {
    super(`read of ${len} bytes at ${pos} is beyond the end of ${path} (${size} bytes)`);
  }
}

/** A page in the cache, and whether it was read again since it was last queued. */
interface CachedPage {
  readonly bytes: Uint8Array;
  used: boolean;
}

/**
 * A read-only file read by position. `read` returns immutable bytes: a view into a cached page or
 * a fresh buffer. Page buffers are never reused, so a returned view stays valid (and keeps its
 * page alive) for as long as the caller holds it; copy what you keep long.
 */
export class PagedFile {
  readonly path: string;
  /** File size in bytes (read at open; block files never change). */
  readonly size: number;
  #fd: number;
  readonly #maxPages: number;
  // Map iteration order is insertion order: the first key is the page queued longest ago. A page
  // read again is only marked (`used`), not re-inserted: a Map delete and set per cache hit cost
  // more than the rest of a small read; eviction gives marked pages a second chance (CLOCK).
  readonly #pages = new Map<number, CachedPage>();
  #lastIndex = -1;
  #lastPage: Uint8Array | undefined;
  #reads = 0;

  private constructor(path: string, fd: number, size: number, maxPages: number) {
    this.path = path;
    this.#fd = fd;
    this.size = size;
    this.#maxPages = maxPages;
  }

  /** Opens `path` for reading. */
  static open(path: string, opts: PagedFileOptions = {}): PagedFile {
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      const maxPages = Math.max(1, Math.floor((opts.cacheBytes ?? DEFAULT_CACHE_BYTES) / PAGE_SIZE));
      return new PagedFile(path, fd, size, maxPages);
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  /** Bytes currently held by the page cache. */
  get cachedBytes(): number {
    let n = 0;
    for (const p of this.#pages.values()) n += p.bytes.length;
    return n;
  }

  /** Number of pread calls made so far (for tests and benchmarks). */
  get reads(): number {
    return this.#reads;
  }

  /**
   * `len` bytes at `pos`. Throws ShortReadError when they reach past the end of the file. Reads
   * spanning more than two pages bypass the cache (a big postings list, a sequential window).
   */
  read(pos: number, len: number): Uint8Array {
    if (this.#fd < 0) throw new BlockClosedError(this.path);
    if (pos < 0 || len < 0 || pos + len > this.size) throw new ShortReadError(this.path, pos, len, this.size);
    if (len === 0) return new Uint8Array(0);
    const first = Math.floor(pos / PAGE_SIZE);
    const last = Math.floor((pos + len - 1) / PAGE_SIZE);
    if (first === last) {
      const page = this.#page(first);
      const off = pos - first * PAGE_SIZE;
      return page.subarray(off, off + len);
    }
    if (last - first > 2) return this.#readDirect(pos, len);
    const out = new Uint8Array(len);
    let n = 0;
    for (let p = first; p <= last; p++) {
      const page = this.#page(p);
      const start = p === first ? pos - p * PAGE_SIZE : 0;
      const end = Math.min(page.length, pos + len - p * PAGE_SIZE);
      out.set(page.subarray(start, end), n);
      n += end - start;
    }
    return out;
  }

  /** Up to `max` bytes at `pos`, fewer at the end of the file (for entries of unknown length). */
  readUpTo(pos: number, max: number): Uint8Array {
    if (pos >= this.size) throw new ShortReadError(this.path, pos, 1, this.size);
    return this.read(pos, Math.min(max, this.size - pos));
  }

  #page(i: number): Uint8Array {
    // Consecutive reads mostly hit the page read last: no LRU bookkeeping for it.
    if (i === this.#lastIndex) return this.#lastPage!;
    const pages = this.#pages;
    const hit = pages.get(i);
    if (hit !== undefined) {
      hit.used = true;
      this.#lastIndex = i;
      this.#lastPage = hit.bytes;
      return hit.bytes;
    }
    const start = i * PAGE_SIZE;
    const page = this.#readDirect(start, Math.min(PAGE_SIZE, this.size - start));
    if (pages.size >= this.#maxPages) this.#evict();
    pages.set(i, { bytes: page, used: false });
    this.#lastIndex = i;
    this.#lastPage = page;
    return page;
  }

  /** Drops the page queued longest ago that was not read again since; those read again go to the back. */
  #evict(): void {
    const pages = this.#pages;
    for (;;) {
      const first = pages.entries().next();
      if (first.done === true) return;
      const [i, p] = first.value;
      pages.delete(i);
      if (!p.used) return;
      p.used = false;
      pages.set(i, p);
    }
  }

  #readDirect(pos: number, len: number): Uint8Array {
    const out = new Uint8Array(len);
    let n = 0;
    while (n < len) {
      const r = readSync(this.#fd, out, n, len - n, pos + n);
      this.#reads++;
      if (r === 0) throw new ShortReadError(this.path, pos, len, this.size);
      n += r;
    }
    return out;
  }

  /** Drops the cached pages (the file stays open). */
  dropCache(): void {
    this.#pages.clear();
    this.#lastIndex = -1;
    this.#lastPage = undefined;
  }

  /** Closes the file; reading after that throws BlockClosedError. Closing again does nothing. */
  close(): void {
    if (this.#fd < 0) return;
    closeSync(this.#fd);
    this.#fd = -1;
    this.dropCache();
  }
}
