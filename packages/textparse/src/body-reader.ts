// A body read from a source a piece at a time (a file too big to hold in memory): the text parsers
// parse it as they parse a big in-memory body (see BodyPieces), holding about two pieces of it.
import { decodeBody } from './body-text.js';

/** Where a streamed body's bytes come from: a positional read, as `fs.readSync(fd, into, 0, into.length, position)`. */
export interface BodyReader {
  /** Reads the bytes at `position` of the body into `into` (from its start); how many (0 at the end). */
  read(into: Uint8Array, position: number): number;
}

/**
 * The pieces of a body read through a {@link BodyReader}: each `size` bytes and the rest of the line
 * they end in, as {@link BodyPieces} cuts an in-memory body (a line longer than the buffer grows it).
 */
export class StreamedBody {
  readonly size: number;
  /** Byte offset in the body of the first char of the parser's current text. */
  textStart = 0;
  readonly #reader: BodyReader;
  #buf: Uint8Array;
  /** `#buf[#from..#to]`: bytes read but not decoded yet. */
  #from = 0;
  #to = 0;
  /** Position in the body of the byte after `#buf[#to - 1]`. */
  #readPos = 0;
  #eof = false;
  #decoded = 0;

  constructor(reader: BodyReader, size: number) {
    this.#reader = reader;
    this.size = size;
    // Reads of at least 1 MiB: few system calls however small the pieces.
    this.#buf = new Uint8Array(Math.max(2 * size, 1 << 20));
    this.#fill();
  }

  /** Bytes decoded so far. */
  get decoded(): number {
    return this.#decoded;
  }

  /** Whether every byte has been decoded. */
  get done(): boolean {
    return this.#eof && this.#from >= this.#to;
  }

  /** Decodes the next piece: `size` bytes and the rest of the line they end in ('' when done). */
  next(): string {
    if (this.#to - this.#from < this.size) this.#fill();
    let e = Math.min(this.#from + this.size, this.#to);
    for (;;) {
      const nl = this.#buf.subarray(0, this.#to).indexOf(0x0a, Math.max(e - 1, this.#from));
      if (nl >= 0) {
        e = nl + 1;
        break;
      }
      if (this.#eof) {
        e = this.#to;
        break;
      }
      // No newline in what is buffered: a long line; read more of it (growing the buffer if full).
      const scanned = this.#to - this.#from;
      if (this.#from === 0 && this.#to === this.#buf.length) {
        const bigger = new Uint8Array(2 * this.#buf.length);
        bigger.set(this.#buf);
        this.#buf = bigger;
      }
      this.#fill();
      e = this.#from + scanned;
    }
    const s = decodeBody(this.#buf.subarray(this.#from, e));
    this.#decoded += e - this.#from;
    this.#from = e;
    if (this.#from === this.#to) this.#fill();
    return s;
  }

  /** Lines (newline bytes) before byte `end`: reads the body again from its start (only on an error). */
  linesBefore(end: number): number {
    const buf = new Uint8Array(Math.max(1, Math.min(this.size, end)));
    let n = 0;
    for (let pos = 0; pos < end; ) {
      const got = this.#reader.read(buf.subarray(0, Math.min(buf.length, end - pos)), pos);
      if (got === 0) break;
      for (let k = buf.indexOf(0x0a); k >= 0 && k < got; k = buf.indexOf(0x0a, k + 1)) n++;
      pos += got;
    }
    return n;
  }

  /** Moves the undecoded bytes to the buffer's start and reads until it is full or the body ends. */
  #fill(): void {
    if (this.#from > 0) {
      this.#buf.copyWithin(0, this.#from, this.#to);
      this.#to -= this.#from;
      this.#from = 0;
    }
    while (!this.#eof && this.#to < this.#buf.length) {
      const n = this.#reader.read(this.#buf.subarray(this.#to), this.#readPos);
      if (n === 0) this.#eof = true;
      this.#to += n;
      this.#readPos += n;
    }
  }
}
