// A deterministic text form of a loaded config object, to tell whether two configs are the same.

/**
 * Serializes `v` with object keys sorted: Maps as sorted entries, objects with `toJSON` (Secret:
 * `<secret>`) through it, other class instances (a Regexp, an SD config) by their own enumerable
 * fields and class name. Functions are left out.
 */
export function stableConfigString(v: unknown): string {
  if (v === undefined) return 'undefined';
  if (v === null || typeof v !== 'object') return typeof v === 'function' ? '' : (JSON.stringify(v) ?? String(v));
  if (Array.isArray(v)) return `[${v.map(stableConfigString).join(',')}]`;
  if (v instanceof Map) {
    const entries = [...v.entries()].map(([k, x]) => `${stableConfigString(k)}:${stableConfigString(x)}`).sort();
    return `Map{${entries.join(',')}}`;
  }
  const o = v as Record<string, unknown> & { toJSON?: () => unknown };
  if (typeof o.toJSON === 'function') return stableConfigString(o.toJSON());
  if (v instanceof RegExp) return String(v);
  const keys = Object.keys(o).sort();
  const name = Object.getPrototypeOf(v)?.constructor?.name ?? '';
  const fields = keys.map((k) => `${JSON.stringify(k)}:${stableConfigString(o[k])}`);
  // Class instances with private (#) fields only, such as a compiled regexp, show through String().
  const own = keys.length === 0 && name !== 'Object' && name !== '' ? String(v) : '';
  return `${name}{${fields.join(',')}${own}}`;
}
