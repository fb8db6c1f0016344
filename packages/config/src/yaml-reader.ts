// Reads prometheus.yml's YAML syntax tree strictly, as Prometheus's yaml.UnmarshalStrict does:
// unknown keys are errors, scalars must have the field's type, and every error carries the field
// path and the line:column of the offending node. The YAML is read as YAML 1.1 (yaml.v2's dialect:
// `yes`/`on` are booleans), any scalar is accepted where a string is expected (yaml.v2 keeps its
// text), and merge keys (`<<: *anchor`) are expanded.
import {
  Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  type Pair,
  parseDocument,
  type Scalar,
} from 'yaml';
import { type DurationError, parseDuration } from './duration.js';
import { ConfigError, type ConfigPosition, ConfigSyntaxError } from './errors.js';
import { parseSize, type SizeError } from './size.js';

/** A value in the tree: its node (null when absent or YAML null) and where it sits. */
export interface YamlValue {
  readonly node: Node | null;
  readonly path: string;
  /** The node to point at when the value itself has no position (absent or empty): its key. */
  readonly anchor: Node | null;
  /**
   * Whether the value is written (possibly as YAML null). A written null reads as the Go zero value
   * (`''`, `false`, 0), as yaml.v2 resets a field to zero for null; an absent one reads as `undefined`
   * so the caller's default applies.
   */
  readonly present: boolean;
}

/** Joins a field path: `a` + `b` → `a.b`; `a` + 0 → `a[0]`. */
export function joinPath(base: string, key: string | number): string {
  if (typeof key === 'number') return `${base}[${key}]`;
  return base === '' ? key : `${base}.${key}`;
}

/** A parsed YAML document and the positions of its nodes. */
export class YamlReader {
  readonly #doc: Document;
  readonly #lc: LineCounter;
  readonly file: string | undefined;

  private constructor(doc: Document, lc: LineCounter, file: string | undefined) {
    this.#doc = doc;
    this.#lc = lc;
    this.file = file;
  }

  /** Parses `text`; throws {@link ConfigSyntaxError} for malformed YAML (first error). */
  static parse(text: string, file?: string): YamlReader {
    const lc = new LineCounter();
    const doc = parseDocument(text, { version: '1.1', lineCounter: lc, uniqueKeys: true, merge: false });
    const err = doc.errors[0];
    if (err !== undefined) {
      const [line, col] = err.linePos?.[0] ? [err.linePos[0].line, err.linePos[0].col] : [0, 0];
      const reason = `yaml: ${err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`;
      throw new ConfigSyntaxError(reason, { path: '', line, column: col }, file, { cause: err });
    }
    return new YamlReader(doc, lc, file);
  }

  /**
   * A reader of plain values (what YAML gave as JavaScript: objects, arrays, scalars), such as an
   * SD config entry handed to a parser. They carry no position: errors name the field path only.
   */
  static fromValue(value: unknown): YamlReader {
    const doc = new Document(value, { version: '1.1' });
    return new YamlReader(doc, new LineCounter(), undefined);
  }

  /** The document's root value. */
  root(): YamlValue {
    return { node: this.resolve(this.#doc.contents as Node | null), path: '', anchor: null, present: true };
  }

  /** The position of a value (its node, else its key, else unknown). */
  pos(v: YamlValue): ConfigPosition {
    const n = v.node?.range ? v.node : v.anchor;
    if (n?.range) {
      const p = this.#lc.linePos(n.range[0]);
      return { path: v.path, line: p.line, column: p.col };
    }
    return { path: v.path, line: 0, column: 0 };
  }

  /** Throws a {@link ConfigError} about `v`. */
  fail(v: YamlValue, reason: string, cause?: unknown): never {
    throw new ConfigError(reason, this.pos(v), this.file, cause === undefined ? undefined : { cause });
  }

  /** Follows aliases; YAML null becomes `null`. */
  resolve(n: Node | null | undefined): Node | null {
    let node = n ?? null;
    for (let i = 0; node !== null && isAlias(node) && i < 1000; i++) {
      node = (node.resolve(this.#doc) as Node | undefined) ?? null;
    }
    if (node !== null && isScalar(node) && node.value === null) return null;
    return node;
  }

  /**
   * Reads a mapping whose keys must be among `keys` (or accepted by `extra`), as a Go struct under
   * UnmarshalStrict: `field x not found in type <typeName>` otherwise. A null value reads as an
   * empty mapping.
   */
  map(v: YamlValue, typeName: string, keys: ReadonlySet<string>, extra?: (key: string) => boolean): YamlMap {
    const m = this.rawMap(v, typeName);
    for (const [k, kv] of m.entries()) {
      if (!keys.has(k) && !extra?.(k)) {
        this.fail(
          { node: kv.anchor, path: kv.path, anchor: null, present: true },
          `field ${k} not found in type ${typeName}`,
        );
      }
    }
    return m;
  }

  /** Reads a mapping with any keys (a Go map). A null value reads as an empty mapping. */
  rawMap(v: YamlValue, typeName = 'map'): YamlMap {
    const pairs = new Map<string, YamlValue>();
    if (v.node === null) return new YamlMap(this, v, pairs);
    if (!isMap(v.node)) this.fail(v, `cannot unmarshal ${kindOf(v.node)} into ${typeName}`);
    this.#collect(v, v.node.items as Pair[], pairs, new Set());
    return new YamlMap(this, v, pairs);
  }

  #collect(v: YamlValue, items: Pair[], pairs: Map<string, YamlValue>, merged: Set<string>): void {
    const merges: Node[] = [];
    for (const pair of items) {
      const keyNode = this.resolve(pair.key as Node | null);
      if (keyNode !== null && isScalar(keyNode) && keyNode.source === '<<' && keyNode.type === 'PLAIN') {
        const target = this.resolve(pair.value as Node | null);
        if (target !== null) merges.push(target);
        continue;
      }
      const key =
        keyNode === null ? '' : this.#scalarText({ node: keyNode, path: v.path, anchor: keyNode, present: true });
      if (pairs.has(key) && !merged.has(key)) {
        this.fail(
          { node: keyNode, path: joinPath(v.path, key), anchor: null, present: true },
          `mapping key "${key}" already defined`,
        );
      }
      merged.delete(key);
      const value = this.resolve(pair.value as Node | null);
      pairs.set(key, { node: value, path: joinPath(v.path, key), anchor: keyNode, present: true });
    }
    // Merged keys never override keys written in the mapping itself (YAML merge semantics).
    for (const m of merges) {
      const sources = isSeq(m) ? (m.items as Node[]).map((n) => this.resolve(n)) : [m];
      for (const src of sources) {
        if (src === null || !isMap(src)) this.fail(v, 'map merge requires map or sequence of maps as the value');
        const sub = new Map<string, YamlValue>();
        this.#collect(v, src.items as Pair[], sub, new Set());
        for (const [k, kv] of sub) {
          if (!pairs.has(k)) {
            pairs.set(k, kv);
            merged.add(k);
          }
        }
      }
    }
  }

  /** Reads a sequence; null reads as an empty list. */
  seq(v: YamlValue, typeName = 'list'): YamlValue[] {
    if (v.node === null) return [];
    if (!isSeq(v.node)) this.fail(v, `cannot unmarshal ${kindOf(v.node)} into ${typeName}`);
    return (v.node.items as Node[]).map((n, i) => ({
      node: this.resolve(n),
      path: joinPath(v.path, i),
      anchor: v.node,
      present: true,
    }));
  }

  #scalarText(v: YamlValue): string {
    const n = v.node as Scalar;
    // yaml.v2 decodes any scalar into a string field as its text: `job_name: 123` is "123".
    if (n.type === 'PLAIN' && typeof n.source === 'string') return n.source;
    if (typeof n.value === 'string') return n.value;
    return String(n.source ?? n.value);
  }

  /** A string field; `undefined` when absent, `''` when null. */
  str(v: YamlValue): string | undefined {
    if (v.node === null) return v.present ? '' : undefined;
    if (!isScalar(v.node)) this.fail(v, `cannot unmarshal ${kindOf(v.node)} into string`);
    return this.#scalarText(v);
  }

  /** A boolean field; `undefined` when absent, false when null. */
  bool(v: YamlValue): boolean | undefined {
    if (v.node === null) return v.present ? false : undefined;
    if (!isScalar(v.node) || typeof v.node.value !== 'boolean')
      this.fail(v, `cannot unmarshal ${kindOf(v.node)} into bool`);
    return v.node.value;
  }

  /** A non-negative integer field (Go `uint`); `undefined` when absent, zero when null. */
  uint(v: YamlValue): number | undefined {
    const n = this.int(v, 'uint');
    if (n !== undefined && n < 0) this.fail(v, `cannot unmarshal !!int \`${n}\` into uint`);
    return n;
  }

  /**
   * An integer field (Go `int`); `undefined` when absent, zero when null. A float is truncated, as
   * yaml.v2 decodes a float into an integer field (`sample_limit: 1.5` is 1).
   */
  int(v: YamlValue, goType = 'int'): number | undefined {
    if (v.node === null) return v.present ? 0 : undefined;
    const n = v.node;
    if (!isScalar(n) || typeof n.value !== 'number' || Number.isNaN(n.value)) {
      this.fail(v, `cannot unmarshal ${kindOf(n)} into ${goType}`);
    }
    const i = Math.trunc(n.value);
    if (!Number.isSafeInteger(i)) this.fail(v, `cannot unmarshal ${kindOf(n)} into ${goType}`);
    return i;
  }

  /** A floating-point field (Go `float64`); `undefined` when absent, zero when null. */
  float(v: YamlValue): number | undefined {
    if (v.node === null) return v.present ? 0 : undefined;
    if (!isScalar(v.node) || typeof v.node.value !== 'number')
      this.fail(v, `cannot unmarshal ${kindOf(v.node)} into float64`);
    return v.node.value;
  }

  /** A Prometheus duration in milliseconds; `undefined` when absent, zero when null. */
  duration(v: YamlValue): number | undefined {
    const s = this.str(v);
    if (s === undefined) return undefined;
    if (v.node === null) return 0;
    try {
      return parseDuration(s);
    } catch (err) {
      this.fail(v, (err as DurationError).message, err);
    }
  }

  /** A size with unit (`10MB`) in bytes; `undefined` when absent, zero when null. */
  size(v: YamlValue): number | undefined {
    const s = this.str(v);
    if (s === undefined) return undefined;
    if (v.node === null) return 0;
    try {
      return parseSize(s);
    } catch (err) {
      this.fail(v, (err as SizeError).message, err);
    }
  }

  /** A list of strings; `undefined` when absent, zero when null. */
  strList(v: YamlValue): string[] | undefined {
    if (v.node === null) return v.present ? [] : undefined;
    return this.seq(v, '[]string').map((e) => {
      if (e.node === null) return '';
      return this.str(e)!;
    });
  }

  /** A mapping of strings to strings (Go `map[string]string`), in document order. */
  strMap(v: YamlValue): Map<string, string> | undefined {
    if (v.node === null) return v.present ? new Map() : undefined;
    const out = new Map<string, string>();
    for (const [k, kv] of this.rawMap(v, 'map[string]string').entries()) out.set(k, this.str(kv) ?? '');
    return out;
  }
}

/** The fields of one YAML mapping, by key, in document order. */
export class YamlMap {
  readonly #r: YamlReader;
  readonly #pairs: Map<string, YamlValue>;
  /** The mapping itself. */
  readonly value: YamlValue;

  constructor(r: YamlReader, value: YamlValue, pairs: Map<string, YamlValue>) {
    this.#r = r;
    this.value = value;
    this.#pairs = pairs;
  }

  /** The value of `key`; its node is null when the key is absent. */
  get(key: string): YamlValue {
    return (
      this.#pairs.get(key) ?? {
        node: null,
        path: joinPath(this.value.path, key),
        anchor: this.value.node,
        present: false,
      }
    );
  }

  /** Whether `key` is written in the mapping (even with a null value). */
  has(key: string): boolean {
    return this.#pairs.has(key);
  }

  /** Every key and value, in document order. */
  entries(): IterableIterator<[string, YamlValue]> {
    return this.#pairs.entries();
  }

  /** Throws a {@link ConfigError} about the mapping. */
  fail(reason: string): never {
    this.#r.fail(this.value, reason);
  }
}

function isFloatText(n: Scalar): boolean {
  const src = n.source;
  return typeof src === 'string' && n.type === 'PLAIN' && /[.eE]/.test(src) && !/^[-+]?0x/i.test(src);
}

/** The YAML kind of a node as yaml.v2 names it in errors: `!!str \`abc\``, `!!map`, `!!seq`. */
function kindOf(n: Node | null): string {
  if (n === null) return '!!null';
  if (isMap(n)) return '!!map';
  if (isSeq(n)) return '!!seq';
  if (isScalar(n)) {
    const text = typeof n.source === 'string' ? n.source : String(n.value);
    const tag =
      typeof n.value === 'boolean'
        ? '!!bool'
        : typeof n.value === 'number'
          ? Number.isInteger(n.value) && !isFloatText(n)
            ? '!!int'
            : '!!float'
          : '!!str';
    return `${tag} \`${text}\``;
  }
  return '!!node';
}
