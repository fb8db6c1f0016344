// Prometheus: tsdb/index/index.go FileWriter (buffered writes, padding, WriteAt), as the block
// writers need it: sequential appends through a buffer, and patches of bytes already written.
import { close as closeCb, fsync as fsyncCb, openSync, write as writeCb, writeSync } from 'node:fs';

const BUFFER_BYTES = 1 << 20;
/**
 * Bytes of asynchronous writes in flight above which a flush writes synchronously instead: a bound
 * on memory when the disk is slower than the writer (the writer then waits, as it would in Go).
 */
const MAX_BACKLOG_BYTES = 64 << 20;

/**
 * Writes a new file sequentially through a 1 MiB buffer. `pos` is the position of the next byte.
 * A full buffer goes to the OS with an asynchronous positional write, so a write the kernel makes
 * wait (dirty-page writeback) never holds the event loop; the writes run in order. `close()`
 * waits for them, fsyncs and closes; `abort()` only closes, after them (the caller removes the file).
 */
export class BufferedFileWriter {
  readonly path: string;
  #fd: number;
  #buf = new Uint8Array(BUFFER_BYTES);
  #n = 0;
  /** Bytes already handed to the OS. */
  #flushed = 0;
  /** The asynchronous writes, in order; never rejects (a failure is kept in `#error`). */
  #pending: Promise<void> = Promise.resolve();
  #backlog = 0;
  #error: Error | undefined;

  private constructor(path: string, fd: number) {
    this.path = path;
    this.#fd = fd;
  }

  /** Creates `path`, which must not exist. */
  static create(path: string): BufferedFileWriter {
    return new BufferedFileWriter(path, openSync(path, 'wx', 0o666));
  }

  /** Position of the next byte written. */
  get pos(): number {
    return this.#flushed + this.#n;
  }

  /** Appends `b` (copied). */
  write(b: Uint8Array): void {
    if (b.length > BUFFER_BYTES - this.#n) {
      this.flush();
      if (b.length >= BUFFER_BYTES) {
        this.#writeFully(b.slice(), this.#flushed);
        this.#flushed += b.length;
        return;
      }
    }
    this.#buf.set(b, this.#n);
    this.#n += b.length;
  }

  /** Appends one byte. */
  writeByte(x: number): void {
    if (this.#n === BUFFER_BYTES) this.flush();
    this.#buf[this.#n++] = x;
  }

  /** Appends zero bytes up to the next multiple of `align`. */
  addPadding(align: number): void {
    const p = this.pos % align;
    if (p === 0) return;
    for (let i = p; i < align; i++) this.writeByte(0);
  }

  /** Overwrites bytes at `pos` (< this.pos) with `b`. */
  writeAt(pos: number, b: Uint8Array): void {
    if (pos + b.length > this.pos) throw new Error(`writeAt ${pos}+${b.length} is beyond ${this.pos}`);
    if (pos >= this.#flushed) {
      this.#buf.set(b, pos - this.#flushed);
      return;
    }
    const inFile = Math.min(b.length, this.#flushed - pos);
    this.#writeFully(b.slice(0, inFile), pos);
    if (inFile < b.length) this.#buf.set(b.subarray(inFile), 0);
  }

  /** Hands the buffered bytes to the OS. */
  flush(): void {
    if (this.#n === 0) return;
    const out = this.#buf.subarray(0, this.#n);
    this.#buf = new Uint8Array(BUFFER_BYTES); // `out` belongs to its write now.
    this.#writeFully(out, this.#flushed);
    this.#flushed += out.length;
    this.#n = 0;
  }

  /**
   * Writes `b` (owned by the write from now on) at `pos`, after every write before it. Past the
   * backlog bound, a write of bytes beyond all earlier ones is made synchronously: it overlaps
   * no write in flight, so the order of the file's bytes is the same.
   */
  #writeFully(b: Uint8Array, pos: number): void {
    if (this.#backlog > MAX_BACKLOG_BYTES && pos >= this.#flushed) {
      let off = 0;
      while (off < b.length) off += writeSync(this.#fd, b, off, b.length - off, pos + off);
      return;
    }
    const fd = this.#fd;
    this.#backlog += b.length;
    this.#pending = this.#pending
      .then(() => writeAll(fd, b, pos))
      .catch((err: Error) => {
        this.#error ??= err;
      })
      .finally(() => {
        this.#backlog -= b.length;
      });
  }

  /** Flushes, waits for the writes, fsyncs and closes the file. Rejects with a failed write's error. */
  async close(): Promise<void> {
    if (this.#fd < 0) return;
    this.flush();
    const fd = this.#fd;
    this.#fd = -1;
    await this.#pending;
    const failed = this.#error;
    await new Promise<void>((resolve, reject) => {
      if (failed !== undefined) closeCb(fd, () => reject(failed));
      else fsyncCb(fd, (err) => closeCb(fd, (err2) => ((err ?? err2) ? reject(err ?? err2) : resolve())));
    });
  }

  /** Closes without flushing (the file is being thrown away), once the writes in flight end; never rejects. */
  abort(): Promise<void> {
    if (this.#fd < 0) return this.#pending;
    const fd = this.#fd;
    this.#fd = -1;
    this.#pending = this.#pending.then(() => new Promise<void>((resolve) => closeCb(fd, () => resolve())));
    return this.#pending;
  }
}

/** Writes all of `b` at `pos` of `fd`. */
async function writeAll(fd: number, b: Uint8Array, pos: number): Promise<void> {
  let off = 0;
  while (off < b.length) {
    off += await new Promise<number>((resolve, reject) =>
      writeCb(fd, b, off, b.length - off, pos + off, (err, n) => (err ? reject(err) : resolve(n))),
    );
  }
}
