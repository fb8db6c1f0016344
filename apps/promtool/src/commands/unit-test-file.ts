// The unit-test file of `promtool test rules`, decoded as promtool decodes it: yaml.v2's
// UnmarshalStrict into its Go types (unknown fields and scalars of the wrong kind are
// `yaml: unmarshal errors:` naming the line and the Go type), durations as model.Duration.
// Prometheus: cmd/promtool/unittest.go unitTestFile, testGroup, series, alertTestCase, alert,
// promqlTestCase, sample
import { DurationError, parseDuration } from '@tsprom/config';
import { isMap, isScalar, isSeq, LineCounter, type Node, type Pair, parseDocument, type Scalar } from 'yaml';

/** A file of rule unit tests. Durations in ms. */
export interface UnitTestFile {
  ruleFiles: string[];
  /** 0 when absent (1m applies). */
  evaluationIntervalMs: number;
  groupEvalOrder: string[];
  /** Compare floats allowing a difference in the last bit of the mantissa. */
  fuzzyCompare: boolean;
  tests: TestGroup[];
}

/** Input series and the tests run over them. */
export interface TestGroup {
  /** 0 when absent (the evaluation interval applies). */
  intervalMs: number;
  inputSeries: { series: string; values: string }[];
  alertRuleTests: AlertTestCase[];
  promqlExprTests: PromqlTestCase[];
  externalLabels: Record<string, string>;
  externalURL: string;
  name: string;
  /** Start of the group's time (ms since the epoch): samples and eval_time count from it. */
  startTimestampMs: number;
}

export interface AlertTestCase {
  evalTimeMs: number;
  alertname: string;
  expAlerts: { expLabels: Record<string, string>; expAnnotations: Record<string, string> }[];
}

export interface PromqlTestCase {
  expr: string;
  evalTimeMs: number;
  expSamples: { labels: string; value: number }[];
}

/** The file does not decode: the message is yaml.v2's (or model.Duration's) as promtool prints it. */
export class UnitTestFileError extends Error {
  override readonly name = 'UnitTestFileError';
}

/** A Go struct: its YAML keys and how each is read. */
type Fields<T> = { [key: string]: (n: Node | null, into: T) => void };

class Decoder {
  readonly errors: string[] = [];
  readonly #lc: LineCounter;

  constructor(lc: LineCounter) {
    this.#lc = lc;
  }

  #line(n: Node): number {
    return n.range == null ? 0 : this.#lc.linePos(n.range[0]).line;
  }

  #fail(n: Node, reason: string): void {
    this.errors.push(`line ${this.#line(n)}: ${reason}`);
  }

  struct<T>(n: Node | null, typeName: string, into: T, fields: Fields<T>): T {
    if (n === null) return into;
    if (!isMap(n)) {
      this.#fail(n, `cannot unmarshal ${describe(n)} into ${typeName}`);
      return into;
    }
    const seen = new Map<string, number>();
    for (const pair of n.items as Pair<Node | null, Node | null>[]) {
      const k = pair.key;
      const name = k !== null && isScalar(k) ? String(k.value) : '';
      const field = fields[name];
      if (k !== null && seen.has(name)) {
        this.#fail(k, `key ${JSON.stringify(name)} already set in map`);
        continue;
      }
      if (k !== null) seen.set(name, this.#line(k));
      if (field === undefined) {
        if (k !== null) this.#fail(k, `field ${name} not found in type ${typeName}`);
        continue;
      }
      field(nullIfNull(pair.value), into);
    }
    return into;
  }

  seq<T>(n: Node | null, typeName: string, item: (n: Node | null) => T): T[] {
    if (n === null) return [];
    if (!isSeq(n)) {
      this.#fail(n, `cannot unmarshal ${describe(n)} into ${typeName}`);
      return [];
    }
    return (n.items as (Node | null)[]).map((i) => item(nullIfNull(i)));
  }

  /** yaml.v2 decodes any scalar into a string, as its text. */
  string(n: Node | null): string {
    if (n === null) return '';
    if (!isScalar(n)) {
      this.#fail(n, `cannot unmarshal ${describe(n)} into string`);
      return '';
    }
    return scalarText(n);
  }

  stringMap(n: Node | null, typeName = 'map[string]string'): Record<string, string> {
    const out: Record<string, string> = {};
    if (n === null) return out;
    if (!isMap(n)) {
      this.#fail(n, `cannot unmarshal ${describe(n)} into ${typeName}`);
      return out;
    }
    for (const pair of n.items as Pair<Node | null, Node | null>[]) {
      const k = pair.key === null ? '' : this.string(pair.key);
      out[k] = this.string(nullIfNull(pair.value));
    }
    return out;
  }

  float(n: Node | null): number {
    if (n === null) return 0;
    if (!isScalar(n) || typeof n.value !== 'number') {
      this.#fail(n, `cannot unmarshal ${describe(n)} into float64`);
      return 0;
    }
    return n.value;
  }

  bool(n: Node | null): boolean {
    if (n === null) return false;
    if (!isScalar(n) || typeof n.value !== 'boolean') {
      this.#fail(n, `cannot unmarshal ${describe(n)} into bool`);
      return false;
    }
    return n.value;
  }

  /** model.Duration's UnmarshalYAML: its parse error ends the decoding as it is. */
  duration(n: Node | null): number {
    const s = this.string(n);
    if (n === null) return 0;
    try {
      return parseDuration(s);
    } catch (err) {
      if (!(err instanceof DurationError)) throw err;
      throw new UnitTestFileError(err.message, { cause: err });
    }
  }

  /** A Unix time in seconds or an RFC 3339 time. */
  timestamp(n: Node | null): number {
    if (n === null) return 0;
    if (isScalar(n) && typeof n.value === 'number') return Math.round(n.value * 1000);
    const s = this.string(n);
    const ms = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(s) ? Date.parse(s) : Number.NaN;
    if (Number.isNaN(ms)) {
      throw new UnitTestFileError(`start_timestamp: cannot parse ${JSON.stringify(s)} as a Unix or RFC 3339 time`);
    }
    return ms;
  }
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

/** yaml.v2's description of a node in an unmarshal error: `!!seq`, ``!!str `abc` ``. */
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

/** Decodes a unit-test file. Throws {@link UnitTestFileError}. */
export function parseUnitTestFile(text: string): UnitTestFile {
  const lc = new LineCounter();
  const doc = parseDocument(text, { version: '1.1', lineCounter: lc, uniqueKeys: false, merge: true });
  const syntax = doc.errors[0];
  if (syntax !== undefined) {
    const line = syntax.linePos?.[0]?.line ?? 0;
    const msg = syntax.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    throw new UnitTestFileError(`yaml: line ${line}: ${msg.charAt(0).toLowerCase()}${msg.slice(1)}`);
  }
  const d = new Decoder(lc);
  const alert = (n: Node | null) =>
    d.struct(
      n,
      'main.alert',
      { expLabels: {} as Record<string, string>, expAnnotations: {} as Record<string, string> },
      {
        exp_labels: (v, o) => {
          o.expLabels = d.stringMap(v);
        },
        exp_annotations: (v, o) => {
          o.expAnnotations = d.stringMap(v);
        },
      },
    );
  const alertTest = (n: Node | null): AlertTestCase =>
    d.struct<AlertTestCase>(
      n,
      'main.alertTestCase',
      { evalTimeMs: 0, alertname: '', expAlerts: [] },
      {
        eval_time: (v, o) => {
          o.evalTimeMs = d.duration(v);
        },
        alertname: (v, o) => {
          o.alertname = d.string(v);
        },
        exp_alerts: (v, o) => {
          o.expAlerts = d.seq(v, '[]main.alert', alert);
        },
      },
    );
  const sample = (n: Node | null) =>
    d.struct(
      n,
      'main.sample',
      { labels: '', value: 0 },
      {
        labels: (v, o) => {
          o.labels = d.string(v);
        },
        value: (v, o) => {
          o.value = d.float(v);
        },
      },
    );
  const promqlTest = (n: Node | null): PromqlTestCase =>
    d.struct<PromqlTestCase>(
      n,
      'main.promqlTestCase',
      { expr: '', evalTimeMs: 0, expSamples: [] },
      {
        expr: (v, o) => {
          o.expr = d.string(v);
        },
        eval_time: (v, o) => {
          o.evalTimeMs = d.duration(v);
        },
        exp_samples: (v, o) => {
          o.expSamples = d.seq(v, '[]main.sample', sample);
        },
      },
    );
  const series = (n: Node | null) =>
    d.struct(
      n,
      'main.series',
      { series: '', values: '' },
      {
        series: (v, o) => {
          o.series = d.string(v);
        },
        values: (v, o) => {
          o.values = d.string(v);
        },
      },
    );
  const testGroup = (n: Node | null): TestGroup =>
    d.struct<TestGroup>(
      n,
      'main.testGroup',
      {
        intervalMs: 0,
        inputSeries: [],
        alertRuleTests: [],
        promqlExprTests: [],
        externalLabels: {},
        externalURL: '',
        name: '',
        startTimestampMs: 0,
      },
      {
        interval: (v, o) => {
          o.intervalMs = d.duration(v);
        },
        input_series: (v, o) => {
          o.inputSeries = d.seq(v, '[]main.series', series);
        },
        alert_rule_test: (v, o) => {
          o.alertRuleTests = d.seq(v, '[]main.alertTestCase', alertTest);
        },
        promql_expr_test: (v, o) => {
          o.promqlExprTests = d.seq(v, '[]main.promqlTestCase', promqlTest);
        },
        external_labels: (v, o) => {
          o.externalLabels = d.stringMap(v);
        },
        external_url: (v, o) => {
          o.externalURL = d.string(v);
        },
        name: (v, o) => {
          o.name = d.string(v);
        },
        start_timestamp: (v, o) => {
          o.startTimestampMs = d.timestamp(v);
        },
      },
    );
  const file = d.struct<UnitTestFile>(
    nullIfNull(doc.contents as Node | null),
    'main.unitTestFile',
    { ruleFiles: [], evaluationIntervalMs: 0, groupEvalOrder: [], fuzzyCompare: false, tests: [] },
    {
      rule_files: (v, o) => {
        o.ruleFiles = d.seq(v, '[]string', (i) => d.string(i));
      },
      evaluation_interval: (v, o) => {
        o.evaluationIntervalMs = d.duration(v);
      },
      group_eval_order: (v, o) => {
        o.groupEvalOrder = d.seq(v, '[]string', (i) => d.string(i));
      },
      fuzzy_compare: (v, o) => {
        o.fuzzyCompare = d.bool(v);
      },
      tests: (v, o) => {
        o.tests = d.seq(v, '[]main.testGroup', testGroup);
      },
    },
  );
  if (d.errors.length > 0) throw new UnitTestFileError(`yaml: unmarshal errors:\n  ${d.errors.join('\n  ')}`);
  return file;
}
