// Prometheus: promql/parser/parse.go ParseMetric (the series-description form of the PromQL
// grammar, with Prometheus 3's quoted UTF-8 names), and the matching printer.
import { MetricParseError } from './errors.js';
import { MetricName } from './label-names.js';
import { type Labels, labelsFromNormalized } from './labels.js';
import { normalizeFlat } from './labels-sort.js';
import { quoteString, UnquoteError, unquoteString } from './quote.js';
import { isValidLegacyLabelName, isValidLegacyMetricName, isValidUtf8 } from './validation.js';

const IDENT_START = /[a-zA-Z_]/;
const IDENT_PART = /[a-zA-Z0-9_]/;
const METRIC_PART = /[a-zA-Z0-9_:]/;

/**
 * Parses one series in PromQL selector form: `up{job="api"}`, `{"my.metric", a="b"}`,
 * `{__name__="up"}`, `up`. Names may be identifiers or quoted strings; values are `"…"`, `'…'` or
 * `` `…` `` with Go escapes; whitespace and a trailing comma are allowed. Labels with an empty value
 * are dropped. Throws {@link MetricParseError} (with the position) on bad syntax, a repeated label
 * name or a second metric name.
 */
export function parseMetric(s: string): Labels {
  return new MetricParser(s).parse();
}

/**
 * Formats a label set as a PromQL series selector, the inverse of {@link parseMetric}: `up{a="b"}`
 * when the metric name is a legacy-valid name, `{"my.metric", a="b"}` otherwise, `{a="b"}` without
 * a name (Prometheus 3's printer).
 */
export function formatMetric(ls: Labels): string {
  const name = ls.get(MetricName);
  const parts: string[] = [];
  let head = '';
  if (name !== '') {
    if (isValidLegacyMetricName(name)) head = name;
    else parts.push(quoteString(name));
  }
  ls.forEach((n, v) => {
    if (n === MetricName) return;
    parts.push(`${isValidLegacyLabelName(n) ? n : quoteString(n)}=${quoteString(v)}`);
  });
  if (head !== '' && parts.length === 0) return head;
  return `${head}{${parts.join(', ')}}`;
}

class MetricParser {
  #pos = 0;
  readonly #s: string;
  readonly #flat: string[] = [];
  #hasName = false;

  constructor(s: string) {
    this.#s = s;
  }

  parse(): Labels {
    this.#skipSpace();
    const c = this.#s[this.#pos];
    if (c !== undefined && (IDENT_START.test(c) || c === ':')) {
      const start = this.#pos;
      while (this.#pos < this.#s.length && METRIC_PART.test(this.#s[this.#pos]!)) this.#pos++;
      this.#addName(this.#s.slice(start, this.#pos), start);
      this.#skipSpace();
    }
    if (this.#s[this.#pos] === '{') {
      this.#pos++;
      this.#parseBraces();
    } else if (!this.#hasName) {
      this.#fail(this.#pos, this.#pos >= this.#s.length ? 'unexpected end of input' : 'expected metric name or "{"');
    }
    this.#skipSpace();
    if (this.#pos < this.#s.length) this.#fail(this.#pos, `unexpected ${JSON.stringify(this.#s[this.#pos])}`);
    if (this.#flat.length === 0) this.#fail(0, 'no labels');
    const flat = this.#flat;
    // Check duplicates on the names as written, before empty values are dropped.
    const seen = new Set<string>();
    for (let i = 0; i < flat.length; i += 2) {
      if (seen.has(flat[i]!)) this.#fail(0, `duplicate label name ${quoteString(flat[i]!)}`);
      seen.add(flat[i]!);
    }
    return labelsFromNormalized(normalizeFlat(flat));
  }

  #parseBraces(): void {
    for (;;) {
      this.#skipSpace();
      const c = this.#s[this.#pos];
      if (c === '}') {
        this.#pos++;
        return;
      }
      if (c === undefined) this.#fail(this.#pos, 'unexpected end of input, expected "}"');
      const start = this.#pos;
      let name: string;
      let quoted = false;
      if (c === '"' || c === "'" || c === '`') {
        name = this.#string();
        quoted = true;
      } else if (IDENT_START.test(c)) {
        while (this.#pos < this.#s.length && IDENT_PART.test(this.#s[this.#pos]!)) this.#pos++;
        name = this.#s.slice(start, this.#pos);
      } else {
        this.#fail(start, `unexpected ${JSON.stringify(c)}, expected label name`);
      }
      this.#skipSpace();
      if (this.#s[this.#pos] === '=') {
        this.#pos++;
        this.#skipSpace();
        const q = this.#s[this.#pos];
        if (q !== '"' && q !== "'" && q !== '`') this.#fail(this.#pos, 'expected quoted label value');
        const valueStart = this.#pos;
        const value = this.#string();
        if (name === '') this.#fail(start, 'empty label name');
        if (!isValidUtf8(name) || !isValidUtf8(value)) this.#fail(valueStart, 'invalid UTF-8');
        if (name === MetricName) this.#addName(value, start);
        else this.#flat.push(name, value);
      } else if (quoted) {
        this.#addName(name, start);
      } else {
        this.#fail(this.#pos, 'expected "="');
      }
      this.#skipSpace();
      const sep = this.#s[this.#pos];
      if (sep === ',') this.#pos++;
      else if (sep !== '}') this.#fail(this.#pos, 'expected "," or "}"');
    }
  }

  #addName(name: string, at: number): void {
    if (this.#hasName) this.#fail(at, 'metric name given twice');
    this.#hasName = true;
    this.#flat.push(MetricName, name);
  }

  #string(): string {
    const start = this.#pos;
    const q = this.#s[start]!;
    let i = start + 1;
    for (;;) {
      const c = this.#s[i];
      if (c === undefined) this.#fail(start, 'unterminated quoted string');
      if (c === q) break;
      if (c === '\\' && q !== '`') i++;
      i++;
    }
    this.#pos = i + 1;
    try {
      return unquoteString(this.#s.slice(start, i + 1));
    } catch (err) {
      if (err instanceof UnquoteError) this.#fail(start + err.offset, err.message);
      throw err;
    }
  }

  #skipSpace(): void {
    while (this.#pos < this.#s.length) {
      const c = this.#s[this.#pos];
      if (c !== ' ' && c !== '\t' && c !== '\n' && c !== '\r') break;
      this.#pos++;
    }
  }

  #fail(at: number, reason: string): never {
    throw new MetricParseError(this.#s, at, reason);
  }
}
