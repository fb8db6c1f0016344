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

/**
 * A body decoded a piece at a time, each piece ending at the end of a line (a newline byte is
 * never part of a multi-byte UTF-8 sequence, so the pieces decode exactly as the whole would).
 * The text parsers take a big body this way, so that no string of the whole body is ever made:
 * decoding and parsing then advance together, a piece of about `size` bytes at a time.
 */
export class BodyPieces {
  readonly body: Uint8Array;
  readonly size: number;
  /** Byte offset in `body` of the first char of the parser's current text. */
  textStart = 0;
  #pos = 0;

  constructor(body: Uint8Array, size: number) {
    this.body = body;
    this.size = size;
  }

  /** Bytes decoded so far. */
  get decoded(): number {
    return this.#pos;
  }

  /** Whether every byte has been decoded. */
  get done(): boolean {
    return this.#pos >= this.body.length;
  }

  /** Decodes the next piece: `size` bytes and the rest of the line they end in ('' when done). */
  next(): string {
    const b = this.body;
    const a = this.#pos;
    let e = Math.min(a + this.size, b.length);
    if (e < b.length) {
      const nl = b.indexOf(0x0a, e - 1);
      e = nl < 0 ? b.length : nl + 1;
    }
    this.#pos = e;
    return decodeBody(b.subarray(a, e));
  }

  /** Lines (newline bytes) before byte `end`: for error positions, so only counted on an error. */
  linesBefore(end: number): number {
    let n = 0;
    for (let k = this.body.indexOf(0x0a); k >= 0 && k < end; k = this.body.indexOf(0x0a, k + 1)) n++;
    return n;
  }
}
