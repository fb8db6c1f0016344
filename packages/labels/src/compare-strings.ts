// Go compares strings byte by byte over their UTF-8 encoding; JavaScript's `<` compares UTF-16
// code units. The two orders differ only where a surrogate (U+D800..U+DFFF, i.e. a code point
// above U+FFFF) meets a code unit in U+E000..U+FFFF, so we compare code units and remap those two
// ranges when they are the first difference.

/**
 * Compares two strings in the order of their UTF-8 bytes (Go's string order), returning a negative
 * number, zero or a positive number. Sorting labels with this keeps them in Prometheus's order.
 */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = a.length < b.length ? a.length : b.length;
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      if (x < 0xd800 && y < 0xd800) return x - y;
      return remap(x) - remap(y);
    }
  }
  return a.length - b.length;
}

function remap(c: number): number {
  if (c >= 0xe000) return c - 0x800; // U+E000..U+FFFF sort before supplementary code points in UTF-8.
  if (c >= 0xd800) return c + 0x2000; // Surrogates encode code points >= U+10000: they sort last.
  return c;
}
