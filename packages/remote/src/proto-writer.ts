// Protobuf wire encoding into one reusable, growing buffer. Remote write encodes a request per
// batch, thousands of samples each: protobufjs's Writer queues an operation object per field and
// copies at finish, so the sender writes bytes directly instead. Nested messages reserve one length
// byte and move their body when the length needs more (rare: most nested messages are < 128 bytes,
// and a time series' body moves once with a native copyWithin).

const TWO32 = 4294967296;

/**
 * A protobuf writer over a growing Uint8Array. `finish()` returns a view of the bytes written; the
 * view is owned by the writer and valid until the next `reset()` or write.
 */
export class ProtoWriter {
  #buf: Uint8Array;
  #view: DataView;
  #pos = 0;
  readonly #enc = new TextEncoder();

  constructor(initialBytes = 64 * 1024) {
    this.#buf = new Uint8Array(initialBytes);
    this.#view = new DataView(this.#buf.buffer);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.#pos;
  }

  /** Forgets what was written; keeps the buffer. */
  reset(): void {
    this.#pos = 0;
  }

  /** The bytes written: a view owned by the writer, valid until the next reset or write. */
  finish(): Uint8Array {
    return this.#buf.subarray(0, this.#pos);
  }

  #ensure(n: number): void {
    if (this.#pos + n <= this.#buf.length) return;
    let cap = this.#buf.length * 2;
    while (cap < this.#pos + n) cap *= 2;
    const nb = new Uint8Array(cap);
    nb.set(this.#buf.subarray(0, this.#pos));
    this.#buf = nb;
    this.#view = new DataView(nb.buffer);
  }

  /** A field key: field number and wire type. */
  tag(field: number, wireType: number): void {
    this.uint32((field << 3) | wireType);
  }

  /** An unsigned varint below 2^32. */
  uint32(v: number): void {
    this.#ensure(5);
    const b = this.#buf;
    let p = this.#pos;
    v >>>= 0;
    while (v > 127) {
      b[p++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    b[p++] = v;
    this.#pos = p;
  }

  /** An unsigned varint of a non-negative integer up to 2^53 (uint64). */
  uint64(v: number): void {
    if (v < TWO32) {
      this.uint32(v);
      return;
    }
    this.#ensure(10);
    const b = this.#buf;
    let p = this.#pos;
    while (v > 127) {
      b[p++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    b[p++] = v;
    this.#pos = p;
  }

  /** A signed integer (int64, two's complement: negative numbers take 10 bytes). */
  int64(v: number): void {
    if (v >= 0) {
      this.uint64(v);
      return;
    }
    let hi = Math.floor(v / TWO32);
    let lo = v - hi * TWO32;
    hi >>>= 0;
    lo >>>= 0;
    this.#ensure(10);
    const b = this.#buf;
    let p = this.#pos;
    for (let i = 0; i < 9; i++) {
      b[p++] = (lo & 0x7f) | 0x80;
      lo = ((lo >>> 7) | (hi << 25)) >>> 0;
      hi >>>= 7;
    }
    b[p++] = lo & 0x01;
    this.#pos = p;
  }

  /** A zigzag varint (sint32 / sint64 of safe integers). */
  sint64(v: number): void {
    this.uint64(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  /** A 64-bit float, little endian (wire type 1). */
  double(v: number): void {
    this.#ensure(8);
    this.#view.setFloat64(this.#pos, v, true);
    this.#pos += 8;
  }

  /** A length-delimited UTF-8 string (without its key). */
  string(s: string): void {
    const n = s.length;
    // ASCII fast path: one byte per code unit, length known up front.
    if (n < 128) {
      let ascii = true;
      for (let i = 0; i < n; i++) {
        if (s.charCodeAt(i) > 0x7f) {
          ascii = false;
          break;
        }
      }
      if (ascii) {
        this.#ensure(n + 1);
        const b = this.#buf;
        let p = this.#pos;
        b[p++] = n;
        for (let i = 0; i < n; i++) b[p++] = s.charCodeAt(i);
        this.#pos = p;
        return;
      }
    }
    const start = this.fork();
    this.#ensure(n * 3);
    const r = this.#enc.encodeInto(s, this.#buf.subarray(this.#pos));
    this.#pos += r.written;
    this.ldelim(start);
  }

  /** Length-delimited raw bytes (without their key). */
  bytes(v: Uint8Array): void {
    this.uint32(v.length);
    this.raw(v);
  }

  /** Bytes copied as they are (pre-encoded fields). */
  raw(v: Uint8Array): void {
    this.#ensure(v.length);
    this.#buf.set(v, this.#pos);
    this.#pos += v.length;
  }

  /** Starts a length-delimited body; returns what `ldelim` needs. */
  fork(): number {
    this.#ensure(1);
    const at = this.#pos;
    this.#pos = at + 1;
    return at;
  }

  /** Ends the body started by the `fork()` that returned `at`, writing its length in front. */
  ldelim(at: number): void {
    const len = this.#pos - at - 1;
    if (len < 128) {
      this.#buf[at] = len;
      return;
    }
    let extra = 1;
    for (let l = len >>> 14; l > 0; l >>>= 7) extra++;
    this.#ensure(extra);
    const b = this.#buf;
    b.copyWithin(at + 1 + extra, at + 1, this.#pos);
    let p = at;
    let v = len;
    while (v > 127) {
      b[p++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    b[p] = v;
    this.#pos += extra;
  }
}
