// Go's net/url QueryEscape, as urlquery, urlQueryEscape, graphLink and tableLink use it.

const utf8 = new TextEncoder();
const HEX = '0123456789ABCDEF';

/** Go's `url.QueryEscape`: unreserved bytes kept, space as `+`, everything else `%XX` of its UTF-8 bytes. */
export function queryEscape(s: string): string {
  const bytes = utf8.encode(s);
  let out = '';
  for (const b of bytes) {
    if (
      (b >= 0x41 && b <= 0x5a) ||
      (b >= 0x61 && b <= 0x7a) ||
      (b >= 0x30 && b <= 0x39) ||
      b === 0x2d ||
      b === 0x2e ||
      b === 0x5f ||
      b === 0x7e
    ) {
      out += String.fromCharCode(b);
    } else if (b === 0x20) {
      out += '+';
    } else {
      out += `%${HEX[b >> 4]}${HEX[b & 15]}`;
    }
  }
  return out;
}
