// A small UTF-8 encoder writing into a caller-owned, growable byte buffer; faster than
// TextEncoder.encodeInto for the short strings labels are made of, and allocation-free.

/**
 * Writes `s` as UTF-8 into `buf` at `pos` and returns the position after it. The caller guarantees
 * room for `3 * s.length` bytes (the worst case). Lone surrogates are written as U+FFFD.
 */
export function writeUtf8(buf: Uint8Array, pos: number, s: string): number {
  const n = s.length;
  // Label names and most values are ASCII: copy every code unit without a branch per unit, and
  // keep the copy unless one of them was not ASCII (then the general loop rewrites from the first).
  let any = 0;
  for (let k = 0; k < n; k++) {
    const c = s.charCodeAt(k);
    any |= c;
    buf[pos + k] = c;
  }
  if (any < 0x80) return pos + n;
  let i = 0;
  for (; i < n; i++) {
    if (s.charCodeAt(i) >= 0x80) break;
    pos++;
  }
  for (; i < n; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      buf[pos++] = c;
      continue;
    }
    if (c < 0x800) {
      buf[pos++] = 0xc0 | (c >> 6);
      buf[pos++] = 0x80 | (c & 0x3f);
      continue;
    }
    if (c >= 0xd800 && c < 0xe000) {
      const d = i + 1 < n ? s.charCodeAt(i + 1) : 0;
      if (c < 0xdc00 && d >= 0xdc00 && d < 0xe000) {
        i++;
        const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        buf[pos++] = 0xf0 | (cp >> 18);
        buf[pos++] = 0x80 | ((cp >> 12) & 0x3f);
        buf[pos++] = 0x80 | ((cp >> 6) & 0x3f);
        buf[pos++] = 0x80 | (cp & 0x3f);
        continue;
      }
      c = 0xfffd;
    }
    buf[pos++] = 0xe0 | (c >> 12);
    buf[pos++] = 0x80 | ((c >> 6) & 0x3f);
    buf[pos++] = 0x80 | (c & 0x3f);
  }
  return pos;
}
