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
const TWO_POW_53 = 2 ** 53;

const encoder = new TextEncoder();

/**
 * A JSON byte writer. The bytes from {@link bytes} are a view of the writer's buffer, valid until
 * the next write or {@link reset}: copy them (a Response does) before writing again.
 */
export class JSONWriter {
  #buf: Uint8Array;
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
  bytes(): Uint8Array {
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

  // A non-negative integer below 2^53, digit by digit from the end.
  #uint(n: number): void {
    const b = this.#buf;
    let digits = 1;
    for (let x = n; x >= 10; x = Math.floor(x / 10)) digits++;
    let p = this.#pos + digits;
    this.#pos = p;
    if (n < TWO_POW_31) {
      let x = n | 0;
      do {
        const q = (x / 10) | 0;
        b[--p] = ZERO + (x - q * 10);
        x = q;
      } while (x !== 0);
      return;
    }
    let x = n;
    do {
      const q = Math.floor(x / 10);
      b[--p] = ZERO + (x - q * 10);
      x = q;
    } while (x !== 0);
  }

  /**
   * Prometheus MarshalTimestamp: `ms` as seconds with up to three decimals (`1.5` ms 1500 is
   * `1.500`; whole seconds have none), from the integer ms: no float division, no string.
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
    const frac = t % 1000;
    this.#uint((t - frac) / 1000);
    if (frac === 0) return;
    const b = this.#buf;
    const p = this.#pos;
    b[p] = DOT;
    b[p + 1] = ZERO + Math.floor(frac / 100);
    b[p + 2] = ZERO + (Math.floor(frac / 10) % 10);
    b[p + 3] = ZERO + (frac % 10);
    this.#pos = p + 4;
  }

  /** `v` as Go's strconv.FormatFloat(v, 'f', -1, 64): see formatFloatF. */
  float(v: number): void {
    if (this.#pos + NUMBER_ROOM > this.#buf.length) this.#grow(NUMBER_ROOM);
    // Integral values (counters, byte sizes, bucket counts): digits from the integer.
    if (Number.isInteger(v) && v < TWO_POW_53 && v > -TWO_POW_53) {
      if (v < 0) {
        this.#buf[this.#pos++] = MINUS;
        this.#uint(-v);
      } else if (v === 0 && 1 / v < 0) {
        this.#buf[this.#pos++] = MINUS;
        this.#buf[this.#pos++] = ZERO;
      } else this.#uint(v);
      return;
    }
    // JS's shortest round-trip digits are Go's; only the exponent forms differ (and Inf's sign):
    // below 1e-6 and from 1e21 on. NaN is 'NaN' in both.
    const a = v < 0 ? -v : v;
    const s = a < 1e-6 || a >= 1e21 ? formatFloatF(v) : String(v);
    const b = this.#buf;
    let p = this.#pos;
    for (let i = 0; i < s.length; i++) b[p++] = s.charCodeAt(i);
    this.#pos = p;
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
