// Go's string order (UTF-8 bytes) for sorting label names and values as Prometheus does. JavaScript's
// `<` compares UTF-16 code units; the two orders differ only where a surrogate meets a code unit in
// U+E000..U+FFFF, so code units are compared and those two ranges remapped at the first difference.

/** Compares two strings in Go's order (UTF-8 bytes); negative, zero or positive. */
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
  if (c >= 0xe000) return c - 0x800;
  if (c >= 0xd800) return c + 0x2000;
  return c;
}
