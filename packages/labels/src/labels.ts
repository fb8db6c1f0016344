// Prometheus: model/labels/labels.go Labels (the slice implementation), labels_common.go.
import { compareStrings } from './compare-strings.js';
import { MetricName } from './label-names.js';
import { normalizeFlat } from './labels-sort.js';
import { quoteString } from './quote.js';
import {
  isValidLabelName,
  isValidLegacyLabelName,
  isValidMetricName,
  isValidUtf8,
  type ValidationScheme,
} from './validation.js';
import { writeUtf8 } from './utf8.js';
import { hashScratch, toBigInt, xxhash64Scratch, xxhashHi, xxhashLo } from './xxhash64.js';

/** One name/value pair of a label set. */
export interface Label {
  readonly name: string;
  readonly value: string;
}

const SEP = 0xff;

/** Upper bound of the bytes `name 0xff value 0xff` takes for pairs of `flat`. */
function maxBytes(flat: readonly string[]): number {
  let n = 0;
  for (let i = 0; i < flat.length; i++) n += flat[i]!.length * 3 + 1;
  return n;
}

function isSorted(names: readonly string[]): boolean {
  for (let i = 1; i < names.length; i++) if (compareStrings(names[i - 1]!, names[i]!) > 0) return false;
  return true;
}

/** Index of `name` in the flat array (an even index), or -1. */
function indexOfName(f: readonly string[], name: string): number {
  // A plain scan: with `===` it beats a binary search (whose steps need the byte-order comparison)
  // up to at least 40 labels, far more than series carry.
  for (let i = 0; i < f.length; i += 2) if (f[i] === name) return i;
  return -1;
}

let fromNormalized: (flat: string[]) => Labels;
let flatOf: (ls: Labels) => readonly string[];

/**
 * An immutable label set: pairs sorted by name (in Go's byte order of the UTF-8 names, so sets sort
 * and hash exactly as in Prometheus), no duplicate names, no empty values (an empty value means the
 * label is absent). Safe to share; every "modifying" method returns a new instance.
 */
export class Labels implements Iterable<Label> {
  /** The empty label set. */
  static readonly EMPTY: Labels = new Labels([]);

  readonly #flat: readonly string[];
  #hash: bigint | undefined;
  #hash32: number | undefined;
  #key: string | undefined;

  private constructor(flat: string[]) {
    this.#flat = flat;
  }

  static {
    fromNormalized = (flat) => (flat.length === 0 ? Labels.EMPTY : new Labels(flat));
    flatOf = (ls) => ls.#flat;
  }

  /**
   * Builds a set from `name, value, name, value…`. Sorts; pairs with an empty value are dropped; of
   * repeated names the last wins. Throws on an odd number of strings.
   */
  static fromStrings(...nameValuePairs: string[]): Labels {
    if (nameValuePairs.length % 2 !== 0) throw new Error('labels.fromStrings: odd number of strings');
    return fromNormalized(normalizeFlat(nameValuePairs));
  }

  /** Builds a set from a record or map; empty values are dropped. */
  static fromMap(m: Record<string, string> | Map<string, string>): Labels {
    const flat: string[] = [];
    if (m instanceof Map) for (const [k, v] of m) flat.push(k, v);
    else for (const k of Object.keys(m)) flat.push(k, m[k]!);
    return fromNormalized(normalizeFlat(flat));
  }

  /** Builds a set from label objects (any order); empty values dropped, of repeated names the last wins. */
  static fromArray(ls: readonly Label[]): Labels {
    const flat: string[] = new Array(ls.length * 2);
    for (let i = 0; i < ls.length; i++) {
      flat[2 * i] = ls[i]!.name;
      flat[2 * i + 1] = ls[i]!.value;
    }
    return fromNormalized(normalizeFlat(flat));
  }

  /**
   * Prometheus `labels.Compare`: orders by the first differing name, then value (Go byte order);
   * if one set is a prefix of the other, the shorter sorts first. Negative, zero or positive.
   */
  static compare(a: Labels, b: Labels): number {
    const fa = a.#flat;
    const fb = b.#flat;
    const n = fa.length < fb.length ? fa.length : fb.length;
    for (let i = 0; i < n; i += 2) {
      if (fa[i] !== fb[i]) return compareStrings(fa[i]!, fb[i]!) < 0 ? -1 : 1;
      if (fa[i + 1] !== fb[i + 1]) return compareStrings(fa[i + 1]!, fb[i + 1]!) < 0 ? -1 : 1;
    }
    return (fa.length - fb.length) / 2;
  }

  /** The value of label `name`, or `''` when absent. */
  get(name: string): string {
    const i = indexOfName(this.#flat, name);
    return i < 0 ? '' : this.#flat[i + 1]!;
  }

  /** Whether label `name` is present. */
  has(name: string): boolean {
    return indexOfName(this.#flat, name) >= 0;
  }

  /** Number of labels. */
  get length(): number {
    return this.#flat.length >> 1;
  }

  /** Whether the set has no labels. */
  isEmpty(): boolean {
    return this.#flat.length === 0;
  }

  /** Calls `fn` for every label in name order (Prometheus `Range`). */
  forEach(fn: (name: string, value: string) => void): void {
    const f = this.#flat;
    for (let i = 0; i < f.length; i += 2) fn(f[i]!, f[i + 1]!);
  }

  /** Iterates the labels in name order; each step allocates a fresh {@link Label}. */
  [Symbol.iterator](): Iterator<Label> {
    const f = this.#flat;
    let i = 0;
    return {
      next(): IteratorResult<Label> {
        if (i >= f.length) return { done: true, value: undefined };
        const l = { name: f[i]!, value: f[i + 1]! };
        i += 2;
        return { done: false, value: l };
      },
    };
  }

  /** The label names in order. */
  names(): string[] {
    const f = this.#flat;
    const out: string[] = new Array(f.length >> 1);
    for (let i = 0; i < f.length; i += 2) out[i >> 1] = f[i]!;
    return out;
  }

  /** The labels as a new array of objects, in name order. */
  toArray(): Label[] {
    const f = this.#flat;
    const out: Label[] = new Array(f.length >> 1);
    for (let i = 0; i < f.length; i += 2) out[i >> 1] = { name: f[i]!, value: f[i + 1]! };
    return out;
  }

  /** The labels as a new plain record (a `__proto__` label becomes an own property). */
  toMap(): Record<string, string> {
    const f = this.#flat;
    const out: Record<string, string> = {};
    for (let i = 0; i < f.length; i += 2) {
      if (f[i] === '__proto__') {
        Object.defineProperty(out, '__proto__', {
          value: f[i + 1],
          enumerable: true,
          writable: true,
          configurable: true,
        });
      } else out[f[i]!] = f[i + 1]!;
    }
    return out;
  }

  /** A copy of the internal flat `[name0, value0, name1, value1, …]` array. */
  toStrings(): string[] {
    return this.#flat.slice();
  }

  /** Whether both sets hold the same labels. */
  equals(o: Labels): boolean {
    if (this === o) return true;
    const a = this.#flat;
    const b = o.#flat;
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  /**
   * Prometheus `labels.Hash`: XXH64 over `name 0xff value 0xff …` (UTF-8), as an unsigned 64-bit
   * bigint. Cached on the instance. Equal sets hash equally; different sets collide with
   * probability ~2^-64 (use {@link key} or {@link equals} where a collision would matter).
   */
  hash(): bigint {
    if (this.#hash === undefined) this.#hash = stableHash(this);
    return this.#hash;
  }

  /**
   * The low 32 bits of {@link hash} as an int32, what `Number(ls.hash() & 0xffffffffn) | 0` gives,
   * without making a bigint: for sharding series into stripes and other hash tables on the series
   * creation path. Cached on the instance (apart from the bigint: a set hashed both ways keeps
   * both), and computed afresh from the labels, not from `hash()`.
   */
  hash32(): number {
    if (this.#hash32 === undefined) {
      hashInto(this.#flat);
      this.#hash32 = xxhashLo | 0;
    }
    return this.#hash32;
  }

  /**
   * Prometheus `Labels.HashForLabels`: the hash of only the labels named in `names` (which should be
   * sorted; an unsorted list is sorted first). Not cached.
   */
  hashForLabels(names: readonly string[]): bigint {
    if (!isSorted(names)) names = [...names].sort(compareStrings);
    const f = this.#flat;
    const buf = hashScratch(maxBytes(f));
    let p = 0;
    let i = 0;
    let j = 0;
    while (i < f.length && j < names.length) {
      const c = compareStrings(names[j]!, f[i]!);
      if (c < 0) j++;
      else if (c > 0) i += 2;
      else {
        p = writeUtf8(buf, p, f[i]!);
        buf[p++] = SEP;
        p = writeUtf8(buf, p, f[i + 1]!);
        buf[p++] = SEP;
        i += 2;
        j++;
      }
    }
    xxhash64Scratch(p);
    return toBigInt(xxhashHi, xxhashLo);
  }

  /**
   * Prometheus `Labels.HashWithoutLabels`: the hash of the labels not named in `names` (which
   * should be sorted; an unsorted list is sorted first), always leaving out `__name__`. Not cached.
   */
  hashWithoutLabels(names: readonly string[]): bigint {
    if (!isSorted(names)) names = [...names].sort(compareStrings);
    const f = this.#flat;
    const buf = hashScratch(maxBytes(f));
    let p = 0;
    let j = 0;
    for (let i = 0; i < f.length; i += 2) {
      const name = f[i]!;
      while (j < names.length && compareStrings(names[j]!, name) < 0) j++;
      if (name === MetricName || (j < names.length && names[j] === name)) continue;
      p = writeUtf8(buf, p, name);
      buf[p++] = SEP;
      p = writeUtf8(buf, p, f[i + 1]!);
      buf[p++] = SEP;
    }
    xxhash64Scratch(p);
    return toBigInt(xxhashHi, xxhashLo);
  }

  /**
   * A canonical string for the set, unique per label set (length-prefixed, so no separator can be
   * forged), for use as a `Map` key. Cached. Not a stable serialization format.
   */
  key(): string {
    if (this.#key === undefined) {
      const f = this.#flat;
      let k = '';
      for (let i = 0; i < f.length; i++) k += `${f[i]!.length.toString(36)}:${f[i]}`;
      this.#key = k;
    }
    return this.#key;
  }

  /**
   * Prometheus `Labels.IsValid`: the metric name (if any) and every label name are valid under
   * `scheme` (default `utf8`), and every value is valid UTF-8.
   */
  isValid(scheme: ValidationScheme = 'utf8'): boolean {
    const f = this.#flat;
    for (let i = 0; i < f.length; i += 2) {
      const n = f[i]!;
      const v = f[i + 1]!;
      if (n === MetricName ? !isValidMetricName(v, scheme) : !isValidLabelName(n, scheme)) return false;
      if (!isValidUtf8(v)) return false;
    }
    return true;
  }

  /** The set without `__name__` (Prometheus `DropMetricName`); returns `this` if it has none. */
  withoutMetricName(): Labels {
    const f = this.#flat;
    for (let i = 0; i < f.length; i += 2) {
      if (f[i] === MetricName) {
        return fromNormalized([...f.slice(0, i), ...f.slice(i + 2)]);
      }
    }
    return this;
  }

  /**
   * Prometheus `Labels.MatchLabels`: with `on`, only the labels named in `names`; otherwise all
   * labels except those in `names` and `__name__`.
   */
  matchLabels(on: boolean, names: readonly string[]): Labels {
    const f = this.#flat;
    const set = new Set(names);
    const out: string[] = [];
    for (let i = 0; i < f.length; i += 2) {
      const keep = on ? set.has(f[i]!) : !set.has(f[i]!) && f[i] !== MetricName;
      if (keep) out.push(f[i]!, f[i + 1]!);
    }
    return out.length === f.length ? this : fromNormalized(out);
  }

  /**
   * The labels as a plain record, so `JSON.stringify` gives Prometheus's API shape
   * (`{"__name__":"up","job":"api"}`) instead of `{}`.
   */
  toJSON(): Record<string, string> {
    return this.toMap();
  }

  /** Shown by Node's `util.inspect` and `console.log`: `Labels {job="api"}`. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return `Labels ${this.toString()}`;
  }

  /**
   * Prometheus 3 `Labels.String`: `{a="b", c="d"}`; names that are not legacy-valid label names are
   * quoted, values always are (Go `%q`). `__name__` is printed as an ordinary label.
   */
  toString(): string {
    const f = this.#flat;
    let s = '{';
    for (let i = 0; i < f.length; i += 2) {
      if (i > 0) s += ', ';
      const n = f[i]!;
      s += isValidLegacyLabelName(n) ? n : quoteString(n);
      s += `=${quoteString(f[i + 1]!)}`;
    }
    return `${s}}`;
  }
}

/**
 * Wraps an already normalized flat array (sorted by Go byte order, unique names, no empty values)
 * without copying or checking. The array is owned by the returned Labels from then on. Internal.
 */
export function labelsFromNormalized(flat: string[]): Labels {
  return fromNormalized(flat);
}

/**
 * Prometheus `labels.StableHash`: the same value as {@link Labels.hash}, computed afresh on every
 * call (no caching), so it also measures the hashing itself.
 */
export function stableHash(ls: Labels): bigint {
  hashInto(flatOf(ls));
  return toBigInt(xxhashHi, xxhashLo);
}

// XXH64 of `name 0xff value 0xff …` into xxhashHi / xxhashLo.
function hashInto(f: readonly string[]): void {
  const buf = hashScratch(maxBytes(f));
  let p = 0;
  for (let i = 0; i < f.length; i++) {
    p = writeUtf8(buf, p, f[i]!);
    buf[p++] = SEP;
  }
  xxhash64Scratch(p);
}
