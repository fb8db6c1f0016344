// Reads a rule file's YAML strictly, as Prometheus's rulefmt decodes it with yaml.v3 and
// KnownFields(true): unknown keys and scalars of the wrong kind are collected as yaml.v3's
// `unmarshal errors` (one line each), and every node keeps its 1-based line and column.
import { isMap, isScalar, isSeq, LineCounter, type Node, type Pair, parseDocument, type Scalar } from 'yaml';
import { RuleFileSyntaxError } from './errors.js';

/** A 1-based line and column; 0:0 is yaml.v3's empty node (an absent field). */
export interface NodePos {
  readonly line: number;
  readonly column: number;
}

/** The position of a field that is not written. */
export const NO_POS: NodePos = { line: 0, column: 0 };

/** A parsed document, its node positions and the unmarshal errors met while reading it. */
export class YamlTree {
  readonly #lc: LineCounter;
  readonly root: Node | null;
  /** yaml.v3's unmarshal errors, as `line N: reason`, in document order. */
  readonly errors: string[] = [];

  private constructor(root: Node | null, lc: LineCounter) {
    this.root = root;
    this.#lc = lc;
  }

  /** Parses `text`; throws {@link RuleFileSyntaxError} for malformed YAML. */
  static parse(text: string): YamlTree {
    const lc = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: false, merge: true });
    const err = doc.errors[0];
    if (err !== undefined) {
      const line = err.linePos?.[0]?.line ?? 0;
      const msg = err.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
      throw new RuleFileSyntaxError(`yaml: line ${line}: ${lowerFirst(msg)}`, line);
    }
    return new YamlTree(nullIfNull(doc.contents as Node | null), lc);
  }

  /** Where `n` starts. */
  pos(n: Node | null | undefined): NodePos {
    if (n?.range == null) return NO_POS;
    const p = this.#lc.linePos(n.range[0]);
    return { line: p.line, column: p.col };
  }

  #fail(n: Node, reason: string): void {
    this.errors.push(`line ${this.pos(n).line}: ${reason}`);
  }

  /**
   * A mapping decoded into a Go struct named `typeName` with the fields `keys`: each known key's
   * value node (null for YAML null); an unknown key is an unmarshal error. Returns undefined (after
   * recording the error) when `n` is not a mapping.
   */
  struct(n: Node | null, typeName: string, keys: readonly string[]): Map<string, Field> | undefined {
    if (n === null) return new Map();
    if (!isMap(n)) {
      this.#fail(n, `cannot unmarshal ${describe(n)} into ${typeName}`);
      return undefined;
    }
    const out = new Map<string, Field>();
    for (const pair of n.items as Pair<Node | null, Node | null>[]) {
      const k = pair.key;
      const name = k !== null && isScalar(k) ? scalarText(k) : '';
      if (!keys.includes(name)) {
        if (k !== null) this.#fail(k, `field ${name} not found in type ${typeName}`);
        continue;
      }
      const prev = out.get(name);
      if (prev !== undefined && k !== null) {
        this.#fail(k, `mapping key "${name}" already defined at line ${this.pos(prev.key).line}`);
        continue;
      }
      out.set(name, { key: k, value: nullIfNull(pair.value) });
    }
    return out;
  }

  /** A `map[string]string`: keys in document order; non-scalar values are unmarshal errors. */
  stringMap(n: Node | null): Map<string, string> {
    const out = new Map<string, string>();
    if (n === null) return out;
    if (!isMap(n)) {
      this.#fail(n, `cannot unmarshal ${describe(n)} into map[string]string`);
      return out;
    }
    const keyLines = new Map<string, number>();
    for (const pair of n.items as Pair<Node | null, Node | null>[]) {
      const k = pair.key;
      const name = k !== null && isScalar(k) ? scalarText(k) : '';
      if (k !== null && keyLines.has(name)) {
        this.#fail(k, `mapping key "${name}" already defined at line ${keyLines.get(name)}`);
        continue;
      }
      keyLines.set(name, this.pos(k).line);
      const v = this.string(nullIfNull(pair.value));
      out.set(name, v ?? '');
    }
    return out;
  }

  /** A sequence's items; a non-sequence is an unmarshal error into `typeName`. */
  seq(n: Node | null, typeName: string): (Node | null)[] {
    if (n === null) return [];
    if (!isSeq(n)) {
      this.#fail(n, `cannot unmarshal ${describe(n)} into ${typeName}`);
      return [];
    }
    return (n.items as (Node | null)[]).map(nullIfNull);
  }

  /** A string field: any scalar as its text (yaml.v3 keeps the text), undefined for null. */
  string(n: Node | null): string | undefined {
    if (n === null) return undefined;
    if (!isScalar(n)) {
      this.#fail(n, `cannot unmarshal ${describe(n)} into string`);
      return undefined;
    }
    return scalarText(n);
  }

  /** A Go `int` field; undefined for null. */
  int(n: Node | null): number | undefined {
    if (n === null) return undefined;
    if (!isScalar(n) || typeof n.value !== 'number' || !Number.isSafeInteger(n.value)) {
      this.#fail(n, `cannot unmarshal ${describe(n)} into int`);
      return undefined;
    }
    return n.value;
  }
}

/** A struct field: its key node and its value (null for YAML null). */
export interface Field {
  readonly key: Node | null;
  readonly value: Node | null;
}

function nullIfNull(n: Node | null | undefined): Node | null {
  if (n == null) return null;
  if (isScalar(n) && n.value === null) return null;
  return n;
}

function scalarText(n: Scalar): string {
  if (n.type === 'PLAIN' && typeof n.source === 'string') return n.source;
  return typeof n.value === 'string' ? n.value : String(n.value);
}

/** yaml.v3's description of a node in an unmarshal error: `!!seq`, ``!!str `abc` ``. */
function describe(n: Node): string {
  if (isMap(n)) return '!!map';
  if (isSeq(n)) return '!!seq';
  if (isScalar(n)) {
    const v = n.value;
    const tag =
      typeof v === 'number'
        ? Number.isInteger(v) && !/[.eE]/.test(String(n.source ?? ''))
          ? '!!int'
          : '!!float'
        : typeof v === 'boolean'
          ? '!!bool'
          : '!!str';
    const text = scalarText(n);
    return `${tag} \`${text.length > 10 ? `${text.slice(0, 7)}...` : text}\``;
  }
  return '!!unknown';
}

function lowerFirst(s: string): string {
  return s === '' ? s : s[0]!.toLowerCase() + s.slice(1);
}
