// The figures of `pnpm bench:compare`, printed as a table (tsprom, Prometheus, the ratio, and tsprom
// against VictoriaMetrics) and as JSON; the last line is `worst ratio R` over the query latencies.

/** One figure measured on each peer (undefined: not measured there, with the reason in `note`). */
export interface Figure {
  readonly name: string;
  readonly unit: string;
  /** `lower` for latencies, sizes and CPU; `higher` for rates. */
  readonly better: 'lower' | 'higher';
  /** A query latency: counted in the worst ratio. */
  readonly query?: boolean;
  readonly tsprom?: number;
  readonly prometheus?: number;
  readonly victoria?: number;
  readonly note?: string;
}

/** tsprom / other, or undefined when either is missing. */
export function ratio(tsprom: number | undefined, other: number | undefined): number | undefined {
  if (tsprom === undefined || other === undefined || other === 0) return undefined;
  return tsprom / other;
}

/** The largest tsprom/Prometheus ratio of the query latencies (NaN when none was measured on both). */
export function worstRatio(figures: readonly Figure[]): number {
  let worst = Number.NaN;
  for (const f of figures) {
    if (f.query !== true) continue;
    const r = ratio(f.tsprom, f.prometheus);
    if (r !== undefined && !(r <= worst)) worst = r;
  }
  return worst;
}

function fmt(v: number | undefined): string {
  if (v === undefined) return '—';
  const a = Math.abs(v);
  if (a >= 1e6) return `${(v / 1e6).toFixed(2)}M`;
  if (a >= 1e4) return `${(v / 1e3).toFixed(1)}k`;
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

function fmtRatio(r: number | undefined): string {
  return r === undefined ? '—' : `${r.toFixed(2)}×`;
}

/** The table as lines of text (a Markdown table). */
export function formatTable(figures: readonly Figure[]): string[] {
  const rows = [
    ['figure', 'unit', 'tsprom', 'Prometheus', 'tsprom/Prom', 'VictoriaMetrics', 'tsprom/VM', 'better'],
    ...figures.map((f) => [
      f.note === undefined ? f.name : `${f.name} (${f.note})`,
      f.unit,
      fmt(f.tsprom),
      fmt(f.prometheus),
      fmtRatio(ratio(f.tsprom, f.prometheus)),
      fmt(f.victoria),
      fmtRatio(ratio(f.tsprom, f.victoria)),
      f.better,
    ]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (r: string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
  return [line(rows[0]!), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)];
}

/** The JSON written by `--json`. */
export function tableJSON(meta: Record<string, unknown>, figures: readonly Figure[]): string {
  return `${JSON.stringify(
    {
      ...meta,
      figures: figures.map((f) => ({
        ...f,
        ratioPrometheus: ratio(f.tsprom, f.prometheus) ?? null,
        ratioVictoriaMetrics: ratio(f.tsprom, f.victoria) ?? null,
      })),
      worstRatio: worstRatio(figures),
    },
    null,
    2,
  )}\n`;
}
