// The text parsers scan a JavaScript string: V8 compares char codes of a one-byte string as fast as
// bytes of a Uint8Array, numbers parse from it without a copy, and the series key the scrape cache
// needs is a cheap slice of it. Decoding a whole body at once is a single fast native call.

const fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** First char code used for a byte of invalid UTF-8: byte `b` (0x80–0xff) decodes to 0xdc00 + b. */
const ESCAPE_BASE = 0xdc00;

/**
 * Decodes a body to a string. Valid UTF-8 decodes as usual (a leading byte-order mark is kept, as
 * Go keeps it, so it fails to parse as it does in Prometheus). Each byte of invalid UTF-8 becomes a
 * lone surrogate U+DC80–U+DCFF, so that the text still has one char per such byte, nothing valid
 * can be confused with it, and a label value holding one is recognised as invalid UTF-8
 * (`isValidUtf8` of `@tsprom/labels` rejects lone surrogates).
 */
export function decodeBody(body: Uint8Array): string {
  try {
    return fatal.decode(body);
  } catch {
    // Not valid UTF-8 (a TypeError, the only thing a fatal TextDecoder throws): decode by hand.
    return decodeLossless(body);
  }
}

function decodeLossless(b: Uint8Array): string {
  const parts: string[] = [];
  const codes: number[] = [];
  const flush = () => {
    parts.push(String.fromCharCode.apply(null, codes));
    codes.length = 0;
  };
  let i = 0;
  while (i < b.length) {
    if (codes.length >= 8192) flush();
    const c = b[i]!;
    if (c < 0x80) {
      codes.push(c);
      i++;
      continue;
    }
    const n = sequenceLength(b, i);
    if (n === 0) {
      codes.push(ESCAPE_BASE + c);
      i++;
      continue;
    }
    let cp: number;
    if (n === 2) cp = ((c & 0x1f) << 6) | (b[i + 1]! & 0x3f);
    else if (n === 3) cp = ((c & 0x0f) << 12) | ((b[i + 1]! & 0x3f) << 6) | (b[i + 2]! & 0x3f);
    else cp = ((c & 0x07) << 18) | ((b[i + 1]! & 0x3f) << 12) | ((b[i + 2]! & 0x3f) << 6) | (b[i + 3]! & 0x3f);
    if (cp >= 0x10000) {
      cp -= 0x10000;
      codes.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
    } else codes.push(cp);
    i += n;
  }
  flush();
  return parts.join('');
}

/** Length of the valid UTF-8 sequence starting at `b[i]` (a byte ≥ 0x80), 0 if there is none. */
function sequenceLength(b: Uint8Array, i: number): number {
  const c = b[i]!;
  const c1 = i + 1 < b.length ? b[i + 1]! : -1;
  const cont = (x: number) => x >= 0x80 && x <= 0xbf;
  if (c >= 0xc2 && c <= 0xdf) return cont(c1) ? 2 : 0;
  const c2 = i + 2 < b.length ? b[i + 2]! : -1;
  if (c >= 0xe0 && c <= 0xef) {
    const lo = c === 0xe0 ? 0xa0 : 0x80;
    const hi = c === 0xed ? 0x9f : 0xbf;
    return c1 >= lo && c1 <= hi && cont(c2) ? 3 : 0;
  }
  const c3 = i + 3 < b.length ? b[i + 3]! : -1;
  if (c >= 0xf0 && c <= 0xf4) {
    const lo = c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xf4 ? 0x8f : 0xbf;
    return c1 >= lo && c1 <= hi && cont(c2) && cont(c3) ? 4 : 0;
  }
  return 0;
}

/** Byte offset in the original body of char index `end` of a string made by {@link decodeBody}. */
export function byteOffsetOf(s: string, end: number): number {
  let n = 0;
  for (let i = 0; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < end) {
      n += 4;
      i++;
    } else if (c >= ESCAPE_BASE + 0x80 && c <= ESCAPE_BASE + 0xff) n += 1;
    else n += 3;
  }
  return n;
}
