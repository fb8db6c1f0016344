// The backfilled part of the data set as an OpenMetrics file (what `promtool tsdb
// create-blocks-from openmetrics` and tspromtool's read): family by family, series by series, the
// samples before the split time, timestamps in seconds, `# EOF` last.
import { closeSync, openSync, writeSync } from 'node:fs';
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
 * Appends the OpenMetrics lines of `series` before the split to `out`, one per entry of `times`
 * (` <seconds>\n` of each step, formatted once per instance); returns how many. Bytes are copied
 * into one buffer: string building is five times slower at this size.
 */
function seriesLines(series: FloatSeries, times: readonly Buffer[], out: OutBuffer): number {
  const prefix = Buffer.from(`${series.labels[0]![1]}{${labelText(series.labels)}} `);
  for (let s = 0; s < times.length; s++) {
    out.reserve(prefix.length + 32 + times[s]!.length);
    out.pos += prefix.copy(out.buf, out.pos);
    out.pos += out.buf.write(String(series.values[s]), out.pos, 'latin1');
    out.pos += times[s]!.copy(out.buf, out.pos);
  }
  return times.length;
}

/** A reused buffer written to a file descriptor whenever it fills. */
class OutBuffer {
  readonly buf = Buffer.allocUnsafe(8 << 20);
  pos = 0;
  written = 0;
  constructor(private readonly fd: number) {}
  reserve(n: number): void {
    if (this.pos + n > this.buf.length) this.flush();
  }
  text(s: string): void {
    this.reserve(Buffer.byteLength(s));
    this.pos += this.buf.write(s, this.pos);
  }
  flush(): void {
    let off = 0;
    while (off < this.pos) off += writeSync(this.fd, this.buf, off, this.pos - off);
    this.written += this.pos;
    this.pos = 0;
  }
}

/** ` <seconds>\n` for each step of an instance whose first sample is at `firstMs`, before the split. */
function timeSuffixes(spec: DataSetSpec, firstMs: number, steps: number): Buffer[] {
  const out: Buffer[] = [];
  for (let s = 0; s < steps; s++) {
    const t = firstMs + s * spec.intervalMs;
    if (t >= spec.splitMs) break;
    out.push(Buffer.from(` ${(t / 1000).toFixed(3)}\n`));
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
  const fd = openSync(path, 'w');
  const out = new OutBuffer(fd);
  let samples = 0;
  let series = 0;
  try {
    for (const family of FLOAT_FAMILIES) {
      let typed = false;
      for (let i = 0; i < spec.instances; i++) {
        for (const s of data.floats[i]!.get(family) ?? []) {
          if (!typed) {
            out.text(`# TYPE ${family} ${s.type}\n`);
            typed = true;
          }
          samples += seriesLines(s, times[i]!, out);
          series++;
        }
      }
    }
    out.text('# EOF\n');
    out.flush();
  } finally {
    closeSync(fd);
  }
  const bytes = out.written;
  return { samples, series, bytes };
}
