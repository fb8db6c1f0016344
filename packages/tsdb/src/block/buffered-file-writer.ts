// Prometheus: tsdb/index/index.go FileWriter (buffered writes, padding, WriteAt), as the block
// writers need it: sequential appends through a buffer, and patches of bytes already written.
import { close as closeCb, closeSync, fsync as fsyncCb, fsyncSync, openSync, writeSync } from 'node:fs';

const BUFFER_BYTES = 1 << 20;

/**
 * Writes a new file sequentially through a 1 MiB buffer. `pos` is the position of the next byte.
 * `close()` flushes, fsyncs and closes; `abort()` only closes (the caller removes the file).
 */
export class BufferedFileWriter {
  readonly path: string;
  #fd: number;
  readonly #buf = new Uint8Array(BUFFER_BYTES);
  #n = 0;
  /** Bytes already handed to the OS. */
  #flushed = 0;

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
        this.#writeFully(b, this.#flushed);
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
    this.#writeFully(b.subarray(0, inFile), pos);
    if (inFile < b.length) this.#buf.set(b.subarray(inFile), 0);
  }

  /** Hands the buffered bytes to the OS. */
  flush(): void {
    if (this.#n === 0) return;
    this.#writeFully(this.#buf.subarray(0, this.#n), this.#flushed);
    this.#flushed += this.#n;
    this.#n = 0;
  }

  #writeFully(b: Uint8Array, pos: number): void {
    let off = 0;
    while (off < b.length) off += writeSync(this.#fd, b, off, b.length - off, pos + off);
  }

  /** Flushes, fsyncs and closes the file. */
  async close(): Promise<void> {
    if (this.#fd < 0) return;
    this.flush();
    const fd = this.#fd;
    this.#fd = -1;
    await new Promise<void>((resolve, reject) => {
      fsyncCb(fd, (err) => closeCb(fd, (err2) => ((err ?? err2) ? reject(err ?? err2) : resolve())));
    });
  }

  /** Flushes, fsyncs and closes the file synchronously. */
  closeSync(): void {
    if (this.#fd < 0) return;
    this.flush();
    const fd = this.#fd;
    this.#fd = -1;
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  /** Closes without flushing (the file is being thrown away). */
  abort(): void {
    if (this.#fd < 0) return;
    closeSync(this.#fd);
    this.#fd = -1;
  }
}
