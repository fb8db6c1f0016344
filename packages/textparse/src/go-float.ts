// Prometheus: model/textparse/promparse.go parseFloat (Go's strconv.ParseFloat without the forms
// added in Go 1.13) and model/labels/float.go FormatOpenMetricsFloat; model/value NormalNaN.

/** Result of the last {@link parseGoFloat} / {@link parseGoInt} call: 0 ok, else an error kind. */
export const FloatStatus = { Ok: 0, Syntax: 1, Range: 2, Unsupported: 3 } as const;
export type FloatStatus = (typeof FloatStatus)[keyof typeof FloatStatus];

let status: FloatStatus = FloatStatus.Ok;

/** Status of the last parse call (kept in a variable so the hot path allocates no result object). */
export function lastFloatStatus(): FloatStatus {
  return status;
}

const nanView = new DataView(new ArrayBuffer(8));
nanView.setUint32(0, 0x7ff80000);
nanView.setUint32(4, 0x00000001);
/**
 * Prometheus: model/value.NormalNaN (bits 0x7ff8000000000001), the NaN Go's ParseFloat returns and
 * the one parsers store for `NaN`, so that it never equals the stale marker's bits.
 */
export const NormalNaN: number = nanView.getFloat64(0);

/** Whether `c` (a char code) is an ASCII letter equal, case-insensitively, to the lowercase `lc`. */
function eqFold(c: number, lc: number): boolean {
  return (c | 0x20) === lc;
}

/**
 * Parses `s[a:b]` as Prometheus's text parsers do: Go's `strconv.ParseFloat(s, 64)` restricted to
 * decimal numbers and `inf`/`infinity`/`nan` in any case (Prometheus rejects `p`, `P` and `_`, so
 * hex floats and digit separators fail). On failure returns 0 and {@link lastFloatStatus} says why:
 * syntax, or range for a finite number too large for a double (Go's ErrRange).
 * NaN comes back as {@link NormalNaN}.
 */
export function parseGoFloat(s: string, a: number, b: number): number {
  status = FloatStatus.Ok;
  if (a >= b) return fail(FloatStatus.Syntax);
  let i = a;
  let c = s.charCodeAt(i);
  let neg = false;
  if (c === 0x2b || c === 0x2d) {
    neg = c === 0x2d;
    i++;
    if (i === b) return fail(FloatStatus.Syntax);
    c = s.charCodeAt(i);
  }
  // Integers of up to 15 digits are exact in a double: the common case, without a string copy.
  let n = 0;
  let digits = 0;
  while (i < b && c >= 0x30 && c <= 0x39) {
    n = n * 10 + (c - 0x30);
    digits++;
    i++;
    c = s.charCodeAt(i);
  }
  if (i === b && digits > 0 && digits <= 15) return neg ? -n : n;
  if (digits === 0 && (c === 0x69 || c === 0x49 || c === 0x6e || c === 0x4e)) return special(s, i, b, neg, a);
  // The general decimal form: digits [. digits] [e [+-] digits], at least one mantissa digit. The
  // mantissa digits are accumulated as they go, with the power of ten the fraction implies.
  let exp10 = 0;
  if (i < b && c === 0x2e) {
    i++;
    while (i < b) {
      c = s.charCodeAt(i);
      if (c < 0x30 || c > 0x39) break;
      n = n * 10 + (c - 0x30);
      exp10--;
      digits++;
      i++;
    }
  }
  if (digits === 0) return fail(hasUnsupported(s, a, b) ? FloatStatus.Unsupported : FloatStatus.Syntax);
  if (i < b && eqFold(s.charCodeAt(i), 0x65)) {
    i++;
    let eneg = false;
    if (i < b && (s.charCodeAt(i) === 0x2b || s.charCodeAt(i) === 0x2d)) eneg = s.charCodeAt(i++) === 0x2d;
    const expStart = i;
    let e = 0;
    while (i < b) {
      c = s.charCodeAt(i);
      if (c < 0x30 || c > 0x39) break;
      if (e < 1e6) e = e * 10 + (c - 0x30);
      i++;
    }
    if (i === expStart) return fail(hasUnsupported(s, a, b) ? FloatStatus.Unsupported : FloatStatus.Syntax);
    exp10 += eneg ? -e : e;
  }
  if (i !== b) return fail(hasUnsupported(s, a, b) ? FloatStatus.Unsupported : FloatStatus.Syntax);
  // Clinger's fast path: a mantissa below 2^53 and a power of ten up to 1e22 are both exact
  // doubles, so one multiplication or division rounds correctly, as Go's ParseFloat does.
  if (digits <= 15 && exp10 >= -22 && exp10 <= 22) {
    const v = exp10 < 0 ? n / POW10[-exp10]! : n * POW10[exp10]!;
    return neg ? -v : v;
  }
  // JavaScript's Number() rounds decimal strings correctly, as Go does; the grammar above is a
  // subset of what Number() accepts, so the result is Go's.
  const v = Number(s.slice(a, b));
  if (v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY) return fail(FloatStatus.Range);
  return v;
}

const POW10: number[] = [];
for (let k = 0, p = 1; k <= 22; k++, p *= 10) POW10.push(p);

function special(s: string, i: number, b: number, neg: boolean, a: number): number {
  const len = b - i;
  const c0 = s.charCodeAt(i);
  if (c0 === 0x6e || c0 === 0x4e) {
    // Go accepts no sign before NaN.
    if (len === 3 && s.charCodeAt(a) !== 0x2b && s.charCodeAt(a) !== 0x2d && eqFold(s.charCodeAt(i + 1), 0x61)) {
      if (eqFold(s.charCodeAt(i + 2), 0x6e)) return NormalNaN;
    }
    return fail(FloatStatus.Syntax);
  }
  if (len !== 3 && len !== 8) return fail(FloatStatus.Syntax);
  const word = 'infinity';
  for (let k = 0; k < len; k++) {
    if (!eqFold(s.charCodeAt(i + k), word.charCodeAt(k))) return fail(FloatStatus.Syntax);
  }
  return neg ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
}

function hasUnsupported(s: string, a: number, b: number): boolean {
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x70 || c === 0x50 || c === 0x5f) return true;
  }
  return false;
}

function fail(st: FloatStatus): number {
  status = st;
  return 0;
}

const MAX_INT64 = 9223372036854775807n;
const MIN_INT64 = -9223372036854775808n;

/**
 * Parses `s[a:b]` as Go's `strconv.ParseInt(s, 10, 64)`: an optional sign and decimal digits. On
 * failure returns 0 and {@link lastFloatStatus} says why. Values beyond ±2^53 lose precision
 * (timestamps in ms are far below that).
 */
export function parseGoInt(s: string, a: number, b: number): number {
  status = FloatStatus.Ok;
  let i = a;
  let neg = false;
  if (i < b && (s.charCodeAt(i) === 0x2b || s.charCodeAt(i) === 0x2d)) {
    neg = s.charCodeAt(i) === 0x2d;
    i++;
  }
  if (i === b) return fail(FloatStatus.Syntax);
  let n = 0;
  for (let k = i; k < b; k++) {
    const c = s.charCodeAt(k);
    if (c < 0x30 || c > 0x39) return fail(FloatStatus.Syntax);
    n = n * 10 + (c - 0x30);
  }
  if (b - i > 15) {
    const big = BigInt(s.slice(a, b));
    if (big > MAX_INT64 || big < MIN_INT64) return fail(FloatStatus.Range);
    return Number(big);
  }
  return neg ? -n : n;
}

/** Go's message for the last failed parse of `text` (e.g. `strconv.ParseFloat: parsing "x": invalid syntax`). */
export function floatErrorMessage(fn: 'ParseFloat' | 'ParseInt', text: string): string {
  if (status === FloatStatus.Unsupported) return 'unsupported character in float';
  const what = status === FloatStatus.Range ? 'value out of range' : 'invalid syntax';
  return `strconv.${fn}: parsing ${goQuote(text)}: ${what}`;
}

/**
 * Formats `f` as OpenMetrics canonical numbers (Prometheus: labels.FormatOpenMetricsFloat): `NaN`,
 * `+Inf`, `-Inf`, else Go's shortest `%g` with `.0` appended when it has neither `.` nor `e`
 * (`1` → `1.0`, `1e+06`, `0.0001`, `1e-05`).
 */
export function formatOpenMetricsFloat(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Number.POSITIVE_INFINITY) return '+Inf';
  if (f === Number.NEGATIVE_INFINITY) return '-Inf';
  const g = formatGoShortestG(f);
  for (let i = 0; i < g.length; i++) {
    const c = g.charCodeAt(i);
    if (c === 0x2e || c === 0x65) return g;
  }
  return `${g}.0`;
}

/** Go's `strconv.FormatFloat(f, 'g', -1, 64)` for a finite `f`. */
export function formatGoShortestG(f: number): string {
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  // toExponential() without an argument gives the shortest digits that round-trip, as Go's.
  const e = f.toExponential();
  const ePos = e.indexOf('e');
  const neg = f < 0;
  const mant = e.slice(neg ? 1 : 0, ePos).replace('.', '');
  const exp = Number(e.slice(ePos + 1));
  const sign = neg ? '-' : '';
  if (exp < -4 || exp >= 6) {
    const frac = mant.length > 1 ? `.${mant.slice(1)}` : '';
    const ae = Math.abs(exp);
    return `${sign}${mant[0]}${frac}e${exp < 0 ? '-' : '+'}${ae < 10 ? '0' : ''}${ae}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${mant}`;
  if (mant.length <= exp + 1) return `${sign}${mant}${'0'.repeat(exp + 1 - mant.length)}`;
  return `${sign}${mant.slice(0, exp + 1)}.${mant.slice(exp + 1)}`;
}

/** Go's `%q` of a string: double-quoted with Go's escapes, non-printable characters as `\x..`/`\u....`. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    switch (cp) {
      case 0x22:
        out += '\\"';
        continue;
      case 0x5c:
        out += '\\\\';
        continue;
      case 0x0a:
        out += '\\n';
        continue;
      case 0x0d:
        out += '\\r';
        continue;
      case 0x09:
        out += '\\t';
        continue;
    }
    if (cp >= 0xdc80 && cp <= 0xdcff) {
      // A byte of invalid UTF-8 (see body-text.ts): Go prints it as \x.. too.
      out += `\\x${(cp - 0xdc00).toString(16).padStart(2, '0')}`;
    } else if (cp < 0x20 || cp === 0x7f) {
      out += `\\x${cp.toString(16).padStart(2, '0')}`;
    } else if (cp >= 0xd800 && cp <= 0xdfff) {
      out += '\\ufffd';
    } else out += ch;
  }
  return `${out}"`;
}
