// Go's formatting of the values promtool prints: time.Duration.String, time.Time.String in UTC,
// units.Base2Bytes.String (alecthomas/units), and text/tabwriter's column alignment.

/** Go's time.Duration(ms * 1e6).String(): `0s`, `500ms`, `30.001s`, `2h0m0s`. */
export function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  const neg = ms < 0;
  let d = Math.abs(ms);
  let out: string;
  if (d < 1000) out = `${d}ms`;
  else {
    const h = Math.floor(d / 3_600_000);
    d -= h * 3_600_000;
    const m = Math.floor(d / 60_000);
    d -= m * 60_000;
    const s = Math.floor(d / 1000);
    const frac = d - s * 1000;
    const fs = frac === 0 ? '' : `.${String(frac).padStart(3, '0').replace(/0+$/, '')}`;
    out = `${h > 0 ? `${h}h` : ''}${h > 0 || m > 0 ? `${m}m` : ''}${s}${fs}s`;
  }
  return neg ? `-${out}` : out;
}

/** Go's time.Unix(0, ms*1e6).UTC().String(): `1970-01-01 00:16:40.001 +0000 UTC`. */
export function goTimeUTC(ms: number): string {
  const d = new Date(ms);
  const p = (x: number, w = 2): string => String(x).padStart(w, '0');
  const frac = ((ms % 1000) + 1000) % 1000;
  const fs = frac === 0 ? '' : `.${p(frac, 3).replace(/0+$/, '')}`;
  return (
    `${p(d.getUTCFullYear(), 4)}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ` +
    `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}${fs} +0000 UTC`
  );
}

const unitPrefixes = ['', 'K', 'M', 'G', 'T', 'P', 'E'];

/** units.Base2Bytes(n).String(): `896B`, `1KiB512B`, `12MiB`. */
export function goBase2Bytes(n: number): string {
  const parts: string[] = [];
  let x = n;
  for (let i = 0; i < unitPrefixes.length; i++) {
    const r = x % 1024;
    if (r !== 0 || (i === 0 && x === 0)) parts.unshift(`${r}${unitPrefixes[i]}${i === 0 ? 'B' : 'iB'}`);
    x = Math.floor(x / 1024);
    if (x === 0) break;
  }
  return parts.join('');
}

/**
 * text/tabwriter with flags 0: the cells of each row are separated by tabs; every cell but a
 * row's last is padded to its column's width, max(minWidth, widest cell + padding).
 */
export function tabwrite(rows: readonly (readonly string[])[], minWidth: number, padding: number): string {
  const widths: number[] = [];
  for (const r of rows) {
    for (let i = 0; i < r.length - 1; i++) widths[i] = Math.max(widths[i] ?? minWidth, r[i]!.length + padding);
  }
  let out = '';
  for (const r of rows) {
    for (let i = 0; i < r.length; i++) out += i < r.length - 1 ? r[i]!.padEnd(widths[i]!) : r[i]!;
    out += '\n';
  }
  return out;
}

/** Go's %q of a string: double quotes with Go's escapes (printable Unicode kept). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Go's strconv.FormatFloat(v, 'E', -1, 64): `4E+00`, `-2.5E+00`, `1.66E-02`, `+Inf`, `NaN`. */
export function goFormatFloatE(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  const [mant, exp] = v.toExponential().split('e') as [string, string];
  const e = Number(exp);
  const sign = Object.is(v, -0) ? '-' : '';
  return `${sign}${mant.toUpperCase()}E${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
}
