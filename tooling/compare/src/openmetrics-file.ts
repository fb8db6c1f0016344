// The backfilled part of the data set as an OpenMetrics file (what `promtool tsdb
// create-blocks-from openmetrics` and tspromtool's read): family by family, series by series, the
// samples before the split time, timestamps in seconds, `# EOF` last.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { type DataSetSpec, FLOAT_FAMILIES, type FloatSeries, instanceFloatSeries, type Labels } from './data-set.js';

function labelText(labels: Labels): string {
  let s = '';
  for (const [k, v] of labels) {
    if (k === '__name__') continue;
    s += `${s === '' ? '' : ','}${k}="${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n')}"`;
  }
  return s;
}

/** Writes the samples of `series` before `splitMs` as OpenMetrics lines; returns how many. */
function seriesLines(series: FloatSeries, spec: DataSetSpec, out: string[]): number {
  const prefix = `${series.labels[0]![1]}{${labelText(series.labels)}} `;
  let n = 0;
  for (let s = 0; s < series.values.length; s++) {
    const t = series.firstMs + s * spec.intervalMs;
    if (t >= spec.splitMs) break;
    out.push(`${prefix}${series.values[s]} ${(t / 1000).toFixed(3)}\n`);
    n++;
  }
  return n;
}

/** What was written: samples and series of the file. */
export interface OpenMetricsFileStats {
  readonly samples: number;
  readonly series: number;
  readonly bytes: number;
}

/** Writes the backfill part of `spec` to `path`. */
export async function writeOpenMetricsFile(spec: DataSetSpec, path: string): Promise<OpenMetricsFileStats> {
  const w = createWriteStream(path);
  let samples = 0;
  let series = 0;
  let bytes = 0;
  const flush = async (lines: string[]) => {
    const chunk = lines.join('');
    lines.length = 0;
    bytes += Buffer.byteLength(chunk);
    if (!w.write(chunk)) await once(w, 'drain');
  };
  const lines: string[] = [];
  for (const family of FLOAT_FAMILIES) {
    let typed = false;
    for (let i = 0; i < spec.instances; i++) {
      const list = instanceFloatSeries(spec, i).get(family) ?? [];
      for (const s of list) {
        if (!typed) {
          lines.push(`# TYPE ${family} ${s.type}\n`);
          typed = true;
        }
        samples += seriesLines(s, spec, lines);
        series++;
      }
      if (lines.length > 20_000) await flush(lines);
    }
  }
  lines.push('# EOF\n');
  await flush(lines);
  w.end();
  await once(w, 'finish');
  return { samples, series, bytes };
}
