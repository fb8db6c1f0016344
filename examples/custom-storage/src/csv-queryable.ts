// A Queryable over a CSV file: what the PromQL engine needs to query any data source. The file's
// header names the columns: `timestamp` (RFC 3339 or ms since the epoch), `value`, `metric` (the
// metric name) and any other column as a label. Rows may come in any order.
import { readFile } from 'node:fs/promises';
import { Labels, type Matcher } from '@tsprom/labels';
import {
  Annotations,
  type LabelHints,
  type LabelQueryResult,
  type Querier,
  type Queryable,
  type SelectHints,
  type SeriesSet,
  seriesSetFromList,
} from '@tsprom/storage-interfaces';
import { CsvSeries } from './csv-series.js';

/** A CSV file's line that does not read, named by its line number. */
export class CsvFormatError extends Error {
  override readonly name = 'CsvFormatError';
  constructor(
    readonly file: string,
    readonly line: number,
    detail: string,
  ) {
    super(`${file}:${line}: ${detail}`);
  }
}

/** Every series of a CSV file, held in memory, queryable by the PromQL engine. */
export class CsvQueryable implements Queryable {
  private constructor(readonly series: readonly CsvSeries[]) {}

  /** Reads `file`; rejects with a CsvFormatError naming the first line that does not read. */
  static async load(file: string): Promise<CsvQueryable> {
    const lines = (await readFile(file, 'utf8')).split(/\r?\n/);
    const header = (lines[0] ?? '').split(',').map((c) => c.trim());
    const tCol = header.indexOf('timestamp');
    const vCol = header.indexOf('value');
    const nameCol = header.indexOf('metric');
    if (tCol < 0 || vCol < 0 || nameCol < 0) {
      throw new CsvFormatError(file, 1, `the header needs timestamp, value and metric columns, got ${lines[0]}`);
    }
    const bySeries = new Map<string, { labels: Labels; points: [number, number][] }>();
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      if (line.trim() === '') continue;
      const cells = line.split(',').map((c) => c.trim());
      if (cells.length !== header.length) {
        throw new CsvFormatError(file, i + 1, `${cells.length} columns, the header has ${header.length}`);
      }
      const t = /^\d+$/.test(cells[tCol]!) ? Number(cells[tCol]) : Date.parse(cells[tCol]!);
      if (!Number.isFinite(t)) throw new CsvFormatError(file, i + 1, `timestamp ${cells[tCol]} does not read`);
      const v = Number(cells[vCol]);
      if (cells[vCol] === '' || Number.isNaN(v))
        throw new CsvFormatError(file, i + 1, `value ${cells[vCol]} is not a number`);
      const pairs: Record<string, string> = { __name__: cells[nameCol]! };
      for (let c = 0; c < header.length; c++)
        if (c !== tCol && c !== vCol && c !== nameCol) pairs[header[c]!] = cells[c]!;
      const labels = Labels.fromMap(pairs);
      const key = labels.key();
      let s = bySeries.get(key);
      if (s === undefined) {
        s = { labels, points: [] };
        bySeries.set(key, s);
      }
      s.points.push([t, v]);
    }
    const series: CsvSeries[] = [];
    for (const { labels, points } of bySeries.values()) {
      points.sort((a, b) => a[0] - b[0]);
      series.push(
        new CsvSeries(
          labels,
          Float64Array.from(points, (p) => p[0]),
          Float64Array.from(points, (p) => p[1]),
        ),
      );
    }
    return new CsvQueryable(series);
  }

  querier(mint: number, maxt: number): Querier {
    return new CsvQuerier(this.series, mint, maxt);
  }
}

/** Reads the series that have a sample in [mint, maxt]. */
class CsvQuerier implements Querier {
  constructor(
    readonly series: readonly CsvSeries[],
    readonly mint: number,
    readonly maxt: number,
  ) {}

  async select(
    sortSeries: boolean,
    _hints: SelectHints | undefined,
    matchers: readonly Matcher[],
    signal?: AbortSignal,
  ): Promise<SeriesSet> {
    signal?.throwIfAborted();
    return seriesSetFromList(this.#matching(matchers), sortSeries);
  }

  async labelValues(
    name: string,
    _hints: LabelHints | undefined,
    matchers: readonly Matcher[],
  ): Promise<LabelQueryResult> {
    const values = new Set<string>();
    for (const s of this.#matching(matchers)) if (s.metric.has(name)) values.add(s.metric.get(name));
    return { values: [...values].sort(), warnings: new Annotations() };
  }

  async labelNames(_hints: LabelHints | undefined, matchers: readonly Matcher[]): Promise<LabelQueryResult> {
    const names = new Set<string>();
    for (const s of this.#matching(matchers)) for (const n of s.metric.names()) names.add(n);
    return { values: [...names].sort(), warnings: new Annotations() };
  }

  async close(): Promise<void> {}

  #matching(matchers: readonly Matcher[]): CsvSeries[] {
    return this.series.filter(
      (s) =>
        s.ts.length > 0 &&
        s.ts[0]! <= this.maxt &&
        s.ts[s.ts.length - 1]! >= this.mint &&
        matchers.every((m) => m.matches(s.metric.get(m.name))),
    );
  }
}
