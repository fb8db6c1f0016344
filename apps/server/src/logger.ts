// Prometheus 3's slog output (`--log.level`, `--log.format`): logfmt or JSON lines on stderr.

/** Log levels, lowest first. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const RANK: Readonly<Record<LogLevel, number>> = { debug: 0, info: 1, warn: 2, error: 3 };

/** A structured logger: a message and key/value fields. */
export interface Logger {
  log(level: LogLevel, msg: string, fields?: Readonly<Record<string, unknown>>): void;
  /** A logger that adds `fields` to every line. */
  with(fields: Readonly<Record<string, unknown>>): Logger;
}

function logfmtValue(v: unknown): string {
  const s = v instanceof Error ? v.message : typeof v === 'string' ? v : JSON.stringify(v);
  return /^[^\s"=]+$/.test(s ?? '') ? (s as string) : JSON.stringify(s ?? '');
}

/** Checks a `--log.level` value. */
export function isLogLevel(s: string): s is LogLevel {
  return s in RANK;
}

/** A logger writing lines at `level` and above with `write` (default: stderr). */
export function newLogger(
  level: LogLevel,
  format: 'logfmt' | 'json',
  write: (line: string) => void = (line) => process.stderr.write(line),
  base: Readonly<Record<string, unknown>> = {},
): Logger {
  const min = RANK[level];
  return {
    log(lvl, msg, fields = {}) {
      if (RANK[lvl] < min) return;
      const all = { ...base, ...fields };
      const time = new Date().toISOString();
      if (format === 'json') {
        const rec: Record<string, unknown> = { time, level: lvl.toUpperCase(), msg };
        for (const [k, v] of Object.entries(all)) rec[k] = v instanceof Error ? v.message : v;
        write(`${JSON.stringify(rec)}\n`);
        return;
      }
      let line = `time=${time} level=${lvl.toUpperCase()} msg=${logfmtValue(msg)}`;
      for (const [k, v] of Object.entries(all)) line += ` ${k}=${logfmtValue(v)}`;
      write(`${line}\n`);
    },
    with(fields) {
      return newLogger(level, format, write, { ...base, ...fields });
    },
  };
}
