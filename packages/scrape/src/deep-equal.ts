// Go reflect.DeepEqual for loaded configuration objects, which Prometheus uses to tell whether a
// scrape pool must reload (Manager.ApplyConfig, reusableCache).

/**
 * Structural equality of configuration values: primitives (NaN equal to NaN), arrays, Maps, Sets,
 * plain objects by their own enumerable keys. Class instances (a compiled Regexp, a Secret, Labels)
 * are equal when they are the same object, or of the same class with equal `toString()` (what
 * they were made from; for secrets, equal `reveal()`). Functions only when identical.
 */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (a instanceof Map) {
    if (!(b instanceof Map) || a.size !== b.size) return false;
    for (const [k, v] of a) if (!b.has(k) || !deepEqual(v, b.get(k))) return false;
    return true;
  }
  if (a instanceof Set) {
    if (!(b instanceof Set) || a.size !== b.size) return false;
    for (const v of a) if (!b.has(v)) return false;
    return true;
  }
  const pa = Object.getPrototypeOf(a);
  if (pa !== Object.getPrototypeOf(b)) return false;
  if (pa !== Object.prototype && pa !== null) {
    // Instances may keep their state in private fields, invisible here: what they print decides,
    // or for a secret (which prints as `<secret>`) its revealed value.
    const ra = (a as { reveal?: unknown }).reveal;
    if (typeof ra === 'function') {
      if (ra.call(a) !== (b as { reveal: () => unknown }).reveal()) return false;
    } else if (String(a) !== String(b)) return false;
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  for (const k of ka) {
    if (!Object.hasOwn(b, k)) return false;
    if (!deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  }
  return true;
}
