// Prometheus: tsdb/chunkenc/bstream.go bstream (the writing half). Works on at most 32 bits per call
// so no bigint is needed; 64-bit quantities are written as two halves.

const INITIAL_CAPACITY = 128; // Prometheus: chunkAllocationSize, a scrape chunk's usual final size.

/**
 * An append-only bit stream over a growable Uint8Array, reproducing Go's bstream byte for byte.
 * `count` is the number of unwritten low bits in the last byte, 0..8, as in Go: Go's writeByte on
 * a byte boundary leaves an empty trailing byte (count 8), which shows up in the chunk bytes (a
 * one-sample XOR chunk ends with a zero byte), so this writer leaves it too. Unwritten bits are
 * always zero, which the OR-ing writes rely on.
 */
export class BitWriter {
  /** Backing store; bytes past `length` are spare capacity. Replaced when it grows. */
  buf: Uint8Array;
  /** Bytes in use, including a partially written (or empty trailing) last byte. */
  length: number;
  /** Unwritten bits in the last byte (0..8). */
  count: number;

  constructor(buf: Uint8Array = new Uint8Array(INITIAL_CAPACITY), length = 0, count = 0) {
    this.buf = buf;
    this.length = length;
    this.count = count;
  }

  /** The written bytes as a view of the backing store (valid until the next write). */
  bytes(): Uint8Array {
    return this.buf.subarray(0, this.length);
  }

  /**
   * Makes room for `bytes` more bytes. The write methods assume it was called: they do not check
   * capacity (a hot-path choice; writes past the end of a typed array would be lost silently).
   */
  reserve(bytes: number, sizeHint = 0): void {
    if (this.buf.length - this.length < bytes) this.#grow(bytes, sizeHint);
  }

  /** Go: bstream.writeBit. Writes one bit (0 or 1). */
  writeBit(bit: number): void {
    if (this.count === 0) {
      this.buf[this.length++] = 0;
      this.count = 8;
    }
    this.count--;
    if (bit !== 0) this.buf[this.length - 1]! |= 1 << this.count;
  }

  /** Go: bstream.writeBits. Writes the low `n` bits of `u`, most significant first; 1 <= n <= 32. */
  writeBits(u: number, n: number): void {
    const aligned = this.count === 0 || this.count === 8;
    this.putBits(u, n);
    if (aligned && (n & 7) === 0) this.trailingByteIfAligned();
  }

  /** Go: bstream.writeBits for 1..64 bits of the 64-bit value `hi:lo` (two 32-bit halves). */
  writeBits64(hi: number, lo: number, n: number): void {
    const aligned = this.count === 0 || this.count === 8;
    if (n > 32) {
      this.putBits(hi, n - 32);
      this.putBits(lo, 32);
    } else {
      this.putBits(lo, n);
    }
    if (aligned && (n & 7) === 0) this.trailingByteIfAligned();
  }

  /** Go: bstream.writeByte. Writes a whole byte at the current bit position. */
  writeByte(b: number): void {
    this.writeBits(b, 8);
  }

  /**
   * Writes the low `n` bits (1..32) of `u` as a run of single-bit writes would: never leaving an
   * empty trailing byte. Use it for fields Go writes in pieces shorter than a byte (or ending in a
   * partial byte), packed into one call.
   */
  putBits(u: number, n: number): void {
    if (n < 32) u &= (1 << n) - 1;
    let count = this.count;
    let len = this.length;
    const buf = this.buf;
    if (n <= count) {
      count -= n;
      buf[len - 1]! |= u << count;
      this.count = count;
      return;
    }
    if (count > 0) {
      n -= count;
      buf[len - 1]! |= u >>> n;
    }
    // Aligned now: whole bytes, then the top of a fresh byte. Uint8Array stores keep the low 8 bits.
    while (n >= 8) {
      n -= 8;
      buf[len++] = u >>> n;
    }
    if (n > 0) {
      buf[len++] = u << (8 - n);
      count = 8 - n;
    } else {
      count = 0;
    }
    this.length = len;
    this.count = count;
  }

  /**
   * Call after `putBits` when the last Go field in it was a `writeBits` of a multiple of 8 bits:
   * such a write that starts (so also ends) on a byte boundary leaves Go's empty trailing byte.
   */
  trailingByteIfAligned(): void {
    if (this.count !== 0) return;
    this.buf[this.length++] = 0;
    this.count = 8;
  }

  // At least doubling, as Go's append does, or straight to `sizeHint` when that is larger: typed
  // array allocation is costly enough in V8 that skipping intermediate sizes pays.
  #grow(extra: number, sizeHint: number): void {
    const need = this.length + extra;
    let cap = Math.max(this.buf.length * 2, INITIAL_CAPACITY, sizeHint);
    while (cap < need) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }
}
