// JSON text written straight into one growable byte buffer: the query results of the API (large
// matrices) without a string per point or a join of many pieces. Numbers are written digit by digit
// from integers; strings that need no escaping are copied char by char.
import { formatFloatF } from '@tsprom/promql';
import { goJSONString } from './go-json.js';

const INITIAL_BYTES = 64 * 1024;
/** A buffer grown past this is dropped on reset, so one huge answer does not pin its memory. */
const RETAINED_BYTES = 8 * 1024 * 1024;
/** Room for any number this writer formats: `'f'` formatting of 5e-324 is 326 bytes. */
const NUMBER_ROOM = 400;

const QUOTE = 0x22;
const COMMA = 0x2c;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const TWO_POW_31 = 2 ** 31;
const TWO_POW_50 = 2 ** 50;
const TWO_POW_53 = 2 ** 53;
/** Decimals the few-decimals path of float() tries; 10^k is an exact double up to 10^22. */
const MAX_DECIMALS = 15;
const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

const encoder = new TextEncoder();

/**
 * A JSON byte writer. The bytes from {@link bytes} are a view of the writer's buffer, valid until
 * the next write or {@link reset}: copy them (a Response does) before writing again.
 */
export class JSONWriter {
  #buf: Uint8Array<ArrayBuffer>;
  #pos = 0;
  /** Writes one `"name":"value"` member, for Labels.forEach (one closure per writer, not per set). */
  readonly #labelMember = (name: string, value: string): void => {
    if (this.#buf[this.#pos - 1] !== 0x7b) this.byte(COMMA);
    this.string(name);
    this.byte(0x3a);
    this.string(value);
  };

  constructor(capacity = INITIAL_BYTES) {
    this.#buf = new Uint8Array(capacity);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.#pos;
  }

  /** Empties the writer for the next text. */
  reset(): void {
    this.#pos = 0;
    if (this.#buf.length > RETAINED_BYTES) this.#buf = new Uint8Array(INITIAL_BYTES);
  }

  /** The text written so far (a view into the buffer: see the class comment). */
  bytes(): Uint8Array<ArrayBuffer> {
    return this.#buf.subarray(0, this.#pos);
  }

  /** The text written so far as a string. */
  text(): string {
    return new TextDecoder().decode(this.bytes());
  }

  #grow(n: number): void {
    const next = new Uint8Array(Math.max(this.#buf.length * 2, this.#pos + n));
    next.set(this.#buf.subarray(0, this.#pos));
    this.#buf = next;
  }

  /** One byte (an ASCII character code). */
  byte(c: number): void {
    if (this.#pos === this.#buf.length) this.#grow(1);
    this.#buf[this.#pos++] = c;
  }

  /** `s` as is: JSON text of ASCII characters only (structure, numbers), never escaped. */
  ascii(s: string): void {
    const n = s.length;
    if (this.#pos + n > this.#buf.length) this.#grow(n);
    const b = this.#buf;
    let p = this.#pos;
    for (let i = 0; i < n; i++) b[p++] = s.charCodeAt(i);
    this.#pos = p;
  }

  /** `s` as is, as UTF-8: JSON text already encoded, of any characters. */
  utf8(s: string): void {
    const need = s.length * 3;
    if (this.#pos + need > this.#buf.length) this.#grow(need);
    this.#pos += encoder.encodeInto(s, this.#buf.subarray(this.#pos)).written;
  }

  /** A JSON string literal of `s`, escaped as Go escapes it (see goJSONString). */
  string(s: string): void {
    const n = s.length;
    if (this.#pos + n + 2 > this.#buf.length) this.#grow(n + 2);
    const b = this.#buf;
    let p = this.#pos;
    b[p++] = QUOTE;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      // Printable ASCII but `"`, `\`, and Go's HTML escapes `<`, `>`, `&`: as is.
      if (c < 0x20 || c > 0x7e || c === QUOTE || c === 0x5c || c === 0x3c || c === 0x3e || c === 0x26) {
        this.#escaped(s);
        return;
      }
      b[p++] = c;
    }
    b[p++] = QUOTE;
    this.#pos = p;
  }

  // The slow path: Go's escaping (goJSONString), then UTF-8 (at most 3 bytes per UTF-16 unit).
  #escaped(s: string): void {
    this.utf8(goJSONString(s));
  }

  /** A JSON object of `ls`'s labels in order (Prometheus Labels.MarshalJSON). */
  labels(ls: { forEach(fn: (name: string, value: string) => void): void }): void {
    this.byte(0x7b);
    ls.forEach(this.#labelMember);
    this.byte(0x7d);
  }

  // A non-negative integer below 2^31, digit by digit from the end (int32 arithmetic).
  #uint31(n: number): void {
    const digits =
      n < 100000
        ? n < 100
          ? n < 10
            ? 1
            : 2
          : n < 1000
            ? 3
            : n < 10000
              ? 4
              : 5
        : n < 10000000
          ? n < 1000000
            ? 6
            : 7
          : n < 100000000
            ? 8
            : n < 1000000000
              ? 9
              : 10;
    const b = this.#buf;
    let p = this.#pos + digits;
    this.#pos = p;
    let x = n | 0;
    do {
      const q = (x / 10) | 0;
      b[--p] = ZERO + (x - q * 10);
      x = q;
    } while (x !== 0);
  }

  // The last `width` digits of `n` (below 10^width, below 2^31), zero-padded.
  #digits(n: number, width: number): void {
    const b = this.#buf;
    let p = this.#pos + width;
    this.#pos = p;
    let x = n | 0;
    for (let i = 0; i < width; i++) {
      const q = (x / 10) | 0;
      b[--p] = ZERO + (x - q * 10);
      x = q;
    }
  }

  // A non-negative integer below 2^53: as two int32 halves when it is 2^31 or more.
  #uint(n: number): void {
    if (n < TWO_POW_31) {
      this.#uint31(n);
      return;
    }
    let hi = Math.floor(n / 1e9);
    let lo = n - hi * 1e9; // Exact: both products are integers below 2^53.
    if (lo < 0) {
      hi--;
      lo += 1e9;
    } else if (lo >= 1e9) {
      hi++;
      lo -= 1e9;
    }
    this.#uint31(hi);
    this.#digits(lo, 9);
  }

  /**
   * Prometheus MarshalTimestamp: `ms` as seconds with up to three decimals (ms 1500 is `1.500`;
   * whole seconds have none), from the integer ms: seconds and milliseconds as integers, no string.
   */
  timestamp(ms: number): void {
    if (this.#pos + NUMBER_ROOM > this.#buf.length) this.#grow(NUMBER_ROOM);
    if (!Number.isSafeInteger(ms)) {
      this.ascii(formatTimestamp(ms));
      return;
    }
    let t = ms;
    if (t < 0) {
      this.#buf[this.#pos++] = MINUS;
      t = -t;
    }
    let secs = Math.floor(t / 1000);
    let frac = t - secs * 1000; // Exact; the quotient's rounding is corrected below.
    if (frac < 0) {
      secs--;
      frac += 1000;
    } else if (frac >= 1000) {
      secs++;
      frac -= 1000;
    }
    this.#uint(secs);
    if (frac === 0) return;
    this.#buf[this.#pos++] = DOT;
    this.#digits(frac, 3);
  }

  /** `v` as Go's strconv.FormatFloat(v, 'f', -1, 64): see formatFloatF. */
  float(v: number): void {
    if (this.#pos + NUMBER_ROOM > this.#buf.length) this.#grow(NUMBER_ROOM);
    const b = this.#buf;
    // Integral values (counters, byte sizes, bucket counts): digits from the integer.
    if (Number.isInteger(v) && v < TWO_POW_53 && v > -TWO_POW_53) {
      if (v < 0) {
        b[this.#pos++] = MINUS;
        this.#uint(-v);
      } else if (v === 0 && 1 / v < 0) {
        b[this.#pos++] = MINUS;
        b[this.#pos++] = ZERO;
      } else this.#uint(v);
      return;
    }
    const a = v < 0 ? -v : v;
    // Few decimals (gauges such as 21.37, ratios such as 0.25): the integer m nearest a * 10^k for
    // the fewest k such that m / 10^k reads back as a (a correctly rounded division of two exact
    // doubles is what parsing the decimal gives). Below 2^50, a's rounding interval is narrower
    // than 10^-k, so that decimal is the only one with k decimals, and the product is within 0.2 of
    // m, so no k is missed: these are the shortest digits, Go's and JS's.
    if (a >= 1e-6 && a < TWO_POW_50) {
      for (let k = 1; k <= MAX_DECIMALS; k++) {
        const p10 = POW10[k]!;
        const m = Math.round(a * p10);
        if (m >= TWO_POW_50) break;
        if (m / p10 === a) {
          if (v < 0) b[this.#pos++] = MINUS;
          this.#decimal(m, k);
          return;
        }
      }
    }
    // JS's shortest round-trip digits are Go's; only the exponent forms differ (and Inf's sign):
    // below 1e-6 and from 1e21 on. NaN is 'NaN' in both.
    const s = a < 1e-6 || a >= 1e21 ? formatFloatF(v) : String(v);
    let p = this.#pos;
    for (let i = 0; i < s.length; i++) b[p++] = s.charCodeAt(i);
    this.#pos = p;
  }

  // m / 10^k with k decimals (m an integer below 2^50).
  #decimal(m: number, k: number): void {
    const p10 = POW10[k]!;
    const int = Math.floor(m / p10);
    let frac = m - int * p10;
    let whole = int;
    if (frac < 0) {
      whole--;
      frac += p10;
    } else if (frac >= p10) {
      whole++;
      frac -= p10;
    }
    this.#uint(whole);
    this.#buf[this.#pos++] = DOT;
    if (k <= 9) this.#digits(frac, k);
    else {
      const hi = Math.floor(frac / 1e9);
      let lo = frac - hi * 1e9;
      let h = hi;
      if (lo < 0) {
        h--;
        lo += 1e9;
      } else if (lo >= 1e9) {
        h++;
        lo -= 1e9;
      }
      this.#digits(h, k - 9);
      this.#digits(lo, 9);
    }
  }

  /** `"v"`: a float as the API quotes sample values. */
  quotedFloat(v: number): void {
    this.byte(QUOTE);
    this.float(v);
    this.byte(QUOTE);
  }

  /** `[t,"v"]`: one float sample as the API writes it. */
  point(t: number, v: number): void {
    this.byte(0x5b);
    this.timestamp(t);
    this.byte(COMMA);
    this.quotedFloat(v);
    this.byte(0x5d);
  }
}

/** Prometheus MarshalTimestamp: ms as seconds with up to three decimals, trailing zeros kept. */
export function formatTimestamp(ms: number): string {
  let t = ms;
  let sign = '';
  if (t < 0) {
    sign = '-';
    t = -t;
  }
  const secs = Math.trunc(t / 1000);
  const frac = t - secs * 1000;
  if (frac === 0) return `${sign}${secs}`;
  const f = frac < 10 ? `00${frac}` : frac < 100 ? `0${frac}` : `${frac}`;
  return `${sign}${secs}.${f}`;
}
