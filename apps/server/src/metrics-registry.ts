// The server's own metrics in the Prometheus text format 0.0.4 (what client_golang's registry
// serves on /metrics): counters and gauges with labels, histograms, and collectors that read
// their values when scraped.

/** One metric family as it is exposed. */
export interface MetricFamily {
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  /** Samples: the suffix (`_bucket`, `_sum`…) or '', labels, value. */
  readonly samples: readonly { suffix?: string; labels?: Readonly<Record<string, string>>; value: number }[];
}

/** Reads some families when /metrics is scraped. */
export type Collector = () => MetricFamily[];

function escapeHelp(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function escapeLabel(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(v);
}

/** Writes families in the text format, sorted by name as client_golang does. */
export function renderText(families: readonly MetricFamily[]): string {
  const sorted = [...families].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let out = '';
  for (const f of sorted) {
    out += `# HELP ${f.name} ${escapeHelp(f.help)}\n# TYPE ${f.name} ${f.type}\n`;
    for (const smp of f.samples) {
      const ls = smp.labels === undefined ? [] : Object.entries(smp.labels);
      const lstr = ls.length === 0 ? '' : `{${ls.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`;
      out += `${f.name}${smp.suffix ?? ''}${lstr} ${formatValue(smp.value)}\n`;
    }
  }
  return out;
}

/** A counter or gauge with a fixed list of label names. */
export class LabeledValue {
  readonly #values = new Map<string, { labels: Record<string, string>; value: number }>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: 'counter' | 'gauge',
    readonly labelNames: readonly string[] = [],
  ) {}

  #entry(labelValues: readonly string[]): { labels: Record<string, string>; value: number } {
    const key = labelValues.join('\0');
    let e = this.#values.get(key);
    if (e === undefined) {
      const labels: Record<string, string> = {};
      this.labelNames.forEach((n, i) => {
        labels[n] = labelValues[i] ?? '';
      });
      e = { labels, value: 0 };
      this.#values.set(key, e);
    }
    return e;
  }

  inc(labelValues: readonly string[] = [], by = 1): void {
    this.#entry(labelValues).value += by;
  }

  set(labelValues: readonly string[], value: number): void {
    this.#entry(labelValues).value = value;
  }

  collect(): MetricFamily {
    return {
      name: this.name,
      help: this.help,
      type: this.type,
      samples: [...this.#values.values()].map((e) => ({ labels: e.labels, value: e.value })),
    };
  }
}

/** A histogram with one label (`handler`), as prometheus_http_request_duration_seconds. */
export class LabeledHistogram {
  readonly #series = new Map<string, { counts: number[]; sum: number; count: number }>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelName: string,
    readonly buckets: readonly number[],
  ) {}

  observe(labelValue: string, v: number): void {
    let s = this.#series.get(labelValue);
    if (s === undefined) {
      s = { counts: new Array(this.buckets.length).fill(0), sum: 0, count: 0 };
      this.#series.set(labelValue, s);
    }
    for (let i = 0; i < this.buckets.length; i++) if (v <= this.buckets[i]!) s.counts[i]!++;
    s.sum += v;
    s.count++;
  }

  collect(): MetricFamily {
    const samples: { suffix?: string; labels?: Record<string, string>; value: number }[] = [];
    for (const [lv, s] of this.#series) {
      this.buckets.forEach((le, i) => {
        samples.push({ suffix: '_bucket', labels: { [this.labelName]: lv, le: String(le) }, value: s.counts[i]! });
      });
      samples.push({ suffix: '_bucket', labels: { [this.labelName]: lv, le: '+Inf' }, value: s.count });
      samples.push({ suffix: '_sum', labels: { [this.labelName]: lv }, value: s.sum });
      samples.push({ suffix: '_count', labels: { [this.labelName]: lv }, value: s.count });
    }
    return { name: this.name, help: this.help, type: 'histogram', samples };
  }
}

/** The families of the server: collectors called on every scrape. */
export class Registry {
  readonly #collectors: Collector[] = [];

  register(c: Collector): void {
    this.#collectors.push(c);
  }

  gather(): MetricFamily[] {
    const out: MetricFamily[] = [];
    for (const c of this.#collectors) out.push(...c());
    return out;
  }

  /** The text exposition of every family. */
  text(): string {
    return renderText(this.gather());
  }
}

/** A gauge or counter family with one unlabeled value. */
export function single(
  name: string,
  help: string,
  type: 'counter' | 'gauge',
  value: number,
  labels?: Record<string, string>,
): MetricFamily {
  return { name, help, type, samples: [{ labels, value }] };
}
