// JSON.parse of a big file_sd file without one long call: a file of 10,000 target groups (about
// 1 MB) takes tens of ms to parse at once, which would block scrapes and the API that long. A
// top-level list is cut into its elements by a scan that tracks only nesting and strings, and each
// element is parsed on its own, yielding the event loop when the turn's slice is used up. Anything
// the scan does not expect (not a list, a syntax error) is handed to JSON.parse of the whole text,
// so errors read exactly as JSON.parse words them.
import { sliceUsedUp, yieldToEventLoop } from './event-loop-slices.js';

/** Below this many characters a file is parsed in one call: it is quick. */
const SLICE_ABOVE_CHARS = 64 * 1024;

const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const COMMA = 0x2c;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The value of JSON text `text`, as JSON.parse returns it (and throwing as it throws); a big
 * top-level list is parsed an element at a time, across turns of the event loop.
 */
export async function parseJSONInSlices(text: string): Promise<unknown> {
  let i = skipSpace(text, 0);
  if (text.length < SLICE_ABOVE_CHARS || text.charCodeAt(i) !== OPEN_BRACKET) return JSON.parse(text);
  const out: unknown[] = [];
  i = skipSpace(text, i + 1);
  if (text.charCodeAt(i) === CLOSE_BRACKET) return JSON.parse(text); // An empty list: quick.
  for (;;) {
    const end = elementEnd(text, i);
    if (end < 0) return JSON.parse(text); // Unterminated: JSON.parse says where.
    let v: unknown;
    try {
      v = JSON.parse(text.slice(i, end));
    } catch {
      return JSON.parse(text); // Throws the error JSON.parse gives for the whole file.
    }
    out.push(v);
    if (text.charCodeAt(end) === CLOSE_BRACKET) {
      if (skipSpace(text, end + 1) !== text.length) return JSON.parse(text); // Trailing garbage.
      return out;
    }
    i = end + 1;
    if (sliceUsedUp()) await yieldToEventLoop();
  }
}

/** The index of the first character at or after `i` that is not JSON whitespace. */
function skipSpace(text: string, i: number): number {
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) return i;
  }
  return i;
}

/**
 * The index of the `,` or `]` that ends the list element starting at `i` (outside strings, at
 * nesting depth 0), or -1 when the text ends first. The element itself is not checked: JSON.parse
 * does that.
 */
function elementEnd(text: string, i: number): number {
  let depth = 0;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      i = stringEnd(text, i);
      if (i < 0) return -1;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      depth++;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      if (depth === 0) return c === CLOSE_BRACKET ? i : -1;
      depth--;
    } else if (c === COMMA && depth === 0) {
      return i;
    }
  }
  return -1;
}

/** The index of the quote closing the string whose opening quote is at `i`, or -1. */
function stringEnd(text: string, i: number): number {
  for (;;) {
    i = text.indexOf('"', i + 1);
    if (i < 0) return -1;
    let backslashes = 0;
    while (text.charCodeAt(i - 1 - backslashes) === BACKSLASH) backslashes++;
    if (backslashes % 2 === 0) return i;
  }
}
