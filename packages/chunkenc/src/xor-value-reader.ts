// Prometheus: tsdb/chunkenc/xor.go xorRead (the part XOR and XOR2 share: XOR-ing a value's
// significant bits into the previous value's bits).
import { peek32, peekBytes } from './bit-reader.js';
import { HI, LO } from './float-bits.js';

// Slots of an iterator's Int32Array holding the value decoder's state. Slots HI and LO (0 and 1,
// in platform order) overlay the Float64Array the current value is read from, so the value's bits
// only ever move as integers: NaN payloads such as the stale marker survive exactly.
/** Slot of the leading-zero count of the current window. */
export const LEADING = 2;
/** Slot of the trailing-zero count of the current window. */
export const TRAILING = 3;
/** Slot set to 1 once a leading/trailing window has been read. */
export const WINDOW_SET = 4;

/** XORs the 64-bit value (bh:bl) << trailing into the value slots; Go's shift by >= 64 yields 0. */
export function xorInto(s: Int32Array, bh: number, bl: number, trailing: number): void {
  if (trailing === 0) {
    s[HI] = s[HI]! ^ bh;
    s[LO] = s[LO]! ^ bl;
  } else if (trailing < 32) {
    s[HI] = s[HI]! ^ (bh << trailing) ^ (bl >>> (32 - trailing));
    s[LO] = s[LO]! ^ (bl << trailing);
  } else if (trailing < 64) {
    s[HI] = s[HI]! ^ (bl << (trailing - 32));
  }
}

/**
 * XORs the `mbits` (1..64) significant bits at bit `pos`, shifted left by `trailing`, into the
 * value slots and returns the position after them.
 */
export function xorBits(
  buf: Uint8Array,
  dv: DataView,
  pos: number,
  mbits: number,
  trailing: number,
  s: Int32Array,
): number {
  if (mbits > 32) {
    xorInto(s, peek32(buf, dv, pos) >>> (64 - mbits), peek32(buf, dv, pos + mbits - 32), trailing);
  } else {
    xorInto(s, 0, peek32(buf, dv, pos) >>> (32 - mbits), trailing);
  }
  return pos + mbits;
}

/** `xorBits` reading through `peekBytes` (no DataView). */
export function xorBitsAt(buf: Uint8Array, pos: number, mbits: number, trailing: number, s: Int32Array): number {
  if (mbits > 32) {
    xorInto(s, peekBytes(buf, pos) >>> (64 - mbits), peekBytes(buf, pos + mbits - 32), trailing);
  } else {
    xorInto(s, 0, peekBytes(buf, pos) >>> (32 - mbits), trailing);
  }
  return pos + mbits;
}

/** The value decoder's state as an appender continues from it (0xff leading: no window yet). */
export interface ValueDecodeState {
  hi: number;
  lo: number;
  leading: number;
  trailing: number;
}

/** Copies the value decoder state in `s` into `out`. */
export function readValueState(s: Int32Array, out: ValueDecodeState): void {
  out.hi = s[HI]!;
  out.lo = s[LO]!;
  out.leading = s[WINDOW_SET] ? s[LEADING]! : 0xff;
  out.trailing = s[WINDOW_SET] ? s[TRAILING]! : 0;
}
