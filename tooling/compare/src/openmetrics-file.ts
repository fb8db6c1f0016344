// The backfilled part of the data set as an OpenMetrics file (what `promtool tsdb
// create-blocks-from openmetrics` and tspromtool's read): family by family, series by series, the
// samples before the split time, timestamps in seconds, `# EOF` last.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { type DataSet, type DataSetSpec, FLOAT_FAMILIES, type FloatSeries, type Labels } from './data-set.js';

function labelText(labels: Labels): string {
  let s = '';
  for (const [k, v] of labels) {
    if (k === '__name__') continue;
    s += `${s === '' ? '' : ','}${k}="${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n')}"`;
  }
  return s;
}

/**
 * Writes the samples of `series` before `splitMs` as OpenMetrics lines; returns how many. `times`
 * holds the timestamps (` <seconds>\n`) of the series's instance, formatted once.
 */
function seriesLines(series: FloatSeries, times: readonly string[], out: string[]): number {
  const prefix = `${series.labels[0]![1]}{${labelText(series.labels)}} `;
  let line = '';
  for (let s = 0; s < times.length; s++) line += `${prefix}${series.values[s]}${times[s]}`;
  out.push(line);
  return times.length;
}

/** ` <seconds>\n` for each step of an instance whose first sample is at `firstMs`, before the split. */
function timeSuffixes(spec: DataSetSpec, firstMs: number, steps: number): string[] {
  const out: string[] = [];
  for (let s = 0; s < steps; s++) {
    const t = firstMs + s * spec.intervalMs;
    if (t >= spec.splitMs) break;
    out.push(` ${(t / 1000).toFixed(3)}\n`);
  }
  return out;
}

/** What was written: samples and series of the file. */
export interface OpenMetricsFileStats {
  readonly samples: number;
  readonly series: number;
  readonly bytes: number;
}

/** Writes the backfill part of the data set to `path`. */
export async function writeOpenMetricsFile(data: DataSet, path: string): Promise<OpenMetricsFileStats> {
  const spec = data.spec;
  const times = data.floats.map((fams) => {
    const first = fams.values().next().value![0]!;
    return timeSuffixes(spec, first.firstMs, first.values.length);
  });
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
      const list = data.floats[i]!.get(family) ?? [];
      for (const s of list) {
        if (!typed) {
          lines.push(`# TYPE ${family} ${s.type}\n`);
          typed = true;
        }
        samples += seriesLines(s, times[i]!, lines);
        series++;
      }
      if (lines.length > 500) await flush(lines);
    }
  }
  lines.push('# EOF\n');
  await flush(lines);
  w.end();
  await once(w, 'finish');
  return { samples, series, bytes };
}
