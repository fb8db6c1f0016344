// Go's time.Time (UTC, what toTime returns) and time.Duration (toDuration), with their String
// forms and the methods templates call on them (`(toTime $v).Format "2006-01-02"`, `.Seconds`).
import type { GoMethod, GoNamed } from './go-values.js';

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

const p2 = (n: number): string => String(n).padStart(2, '0');

function fmtYear(y: number, width: number): string {
  const s = String(Math.abs(y)).padStart(width, '0');
  return y < 0 ? `-${s}` : s;
}

// Go's layout elements, longest first where one is a prefix of another.
const LAYOUT_RE =
  /January|Jan|Monday|Mon|MST|2006|06|01|002|02|_2|__2|15|03|04|05|1|2|3|4|5|PM|pm|Z07:00:00|Z070000|Z07:00|Z0700|Z07|-07:00:00|-070000|-07:00|-0700|-07|[.,](?:0+|9+)(?![0-9])/g;

/** A time.Time in UTC with millisecond precision (Prometheus's model.Time). */
export class GoTime implements GoNamed {
  constructor(
    /** Milliseconds since the Unix epoch. */
    readonly ms: number,
    readonly pointer: boolean,
  ) {}

  goType(): string {
    return this.pointer ? '*time.Time' : 'time.Time';
  }

  #date(): Date {
    return new Date(this.ms);
  }

  /** The fraction of a second in nanoseconds. */
  #nanos(): number {
    return (((this.ms % 1000) + 1000) % 1000) * 1e6;
  }

  /** Go's Time.String: `2006-01-02 15:04:05.999999999 -0700 MST`. */
  toString(): string {
    return this.format('2006-01-02 15:04:05.999999999 -0700 MST');
  }

  /** Go's Time.Format in UTC. */
  format(layout: string): string {
    const d = this.#date();
    const y = d.getUTCFullYear();
    const h = d.getUTCHours();
    const ns = this.#nanos();
    return layout.replace(LAYOUT_RE, (tok) => {
      switch (tok) {
        case 'January':
          return MONTHS[d.getUTCMonth()]!;
        case 'Jan':
          return MONTHS[d.getUTCMonth()]!.slice(0, 3);
        case 'Monday':
          return DAYS[d.getUTCDay()]!;
        case 'Mon':
          return DAYS[d.getUTCDay()]!.slice(0, 3);
        case 'MST':
          return 'UTC';
        case '2006':
          return fmtYear(y, 4);
        case '06':
          return p2(((y % 100) + 100) % 100);
        case '01':
          return p2(d.getUTCMonth() + 1);
        case '1':
          return String(d.getUTCMonth() + 1);
        case '002':
          return String(yearDay(d)).padStart(3, '0');
        case '__2':
          return String(yearDay(d)).padStart(3, ' ');
        case '02':
          return p2(d.getUTCDate());
        case '_2':
          return String(d.getUTCDate()).padStart(2, ' ');
        case '2':
          return String(d.getUTCDate());
        case '15':
          return p2(h);
        case '03':
          return p2(h % 12 === 0 ? 12 : h % 12);
        case '3':
          return String(h % 12 === 0 ? 12 : h % 12);
        case '04':
          return p2(d.getUTCMinutes());
        case '4':
          return String(d.getUTCMinutes());
        case '05':
          return p2(d.getUTCSeconds());
        case '5':
          return String(d.getUTCSeconds());
        case 'PM':
          return h >= 12 ? 'PM' : 'AM';
        case 'pm':
          return h >= 12 ? 'pm' : 'am';
        case 'Z07:00:00':
        case 'Z070000':
        case 'Z07:00':
        case 'Z0700':
        case 'Z07':
          return 'Z';
        case '-07:00:00':
          return '+00:00:00';
        case '-070000':
          return '+000000';
        case '-07:00':
          return '+00:00';
        case '-0700':
          return '+0000';
        case '-07':
          return '+00';
      }
      // Fractional seconds: `.000` keeps the digits, `.999` trims trailing zeros (and the point).
      const digits = String(ns)
        .padStart(9, '0')
        .slice(0, tok.length - 1);
      if (tok[1] === '0') return tok[0] + digits;
      const trimmed = digits.replace(/0+$/, '');
      return trimmed === '' ? '' : tok[0] + trimmed;
    });
  }

  method(name: string): GoMethod | undefined {
    const d = this.#date();
    const sec = Math.floor(this.ms / 1000);
    const m = (fn: () => unknown): GoMethod => ({ params: [], call: fn });
    switch (name) {
      case 'String':
        return m(() => this.toString());
      case 'Format':
        return { params: ['string'], call: (a) => this.format(a[0] as string) };
      case 'Unix':
        return m(() => BigInt(sec));
      case 'UnixMilli':
        return m(() => BigInt(this.ms));
      case 'UnixMicro':
        return m(() => BigInt(this.ms) * 1000n);
      case 'UnixNano':
        return m(() => BigInt(this.ms) * 1_000_000n);
      case 'UTC':
      case 'Local':
        return m(() => new GoTime(this.ms, false));
      case 'Year':
        return m(() => BigInt(d.getUTCFullYear()));
      case 'Month':
        return m(() => new GoMonth(d.getUTCMonth() + 1));
      case 'Day':
        return m(() => BigInt(d.getUTCDate()));
      case 'Hour':
        return m(() => BigInt(d.getUTCHours()));
      case 'Minute':
        return m(() => BigInt(d.getUTCMinutes()));
      case 'Second':
        return m(() => BigInt(d.getUTCSeconds()));
      case 'Nanosecond':
        return m(() => BigInt(this.#nanos()));
      case 'YearDay':
        return m(() => BigInt(yearDay(d)));
      case 'Weekday':
        return m(() => DAYS[d.getUTCDay()]!);
      case 'IsZero':
        return m(() => false);
    }
    return undefined;
  }
}

function yearDay(d: Date): number {
  return Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86400000) + 1;
}

/** Go's time.Month: prints as its name. */
export class GoMonth implements GoNamed {
  constructor(readonly n: number) {}
  goType(): string {
    return 'time.Month';
  }
  toString(): string {
    return MONTHS[this.n - 1] ?? `%!Month(${this.n})`;
  }
  method(name: string): GoMethod | undefined {
    return name === 'String' ? { params: [], call: () => this.toString() } : undefined;
  }
}

const SECOND = 1_000_000_000n;

/** Go's fmtFrac: the fraction digits of v with `prec` digits, trailing zeros dropped. */
function fmtFrac(v: bigint, prec: number): [string, bigint] {
  let s = '';
  let print = false;
  let u = v;
  for (let i = 0; i < prec; i++) {
    const digit = u % 10n;
    print = print || digit !== 0n;
    if (print) s = digit.toString() + s;
    u /= 10n;
  }
  return [print ? `.${s}` : '', u];
}

/** A time.Duration (int64 nanoseconds). */
export class GoDuration implements GoNamed {
  constructor(
    readonly ns: bigint,
    readonly pointer: boolean,
  ) {}

  goType(): string {
    return this.pointer ? '*time.Duration' : 'time.Duration';
  }

  /** Go's Duration.String: `1h2m3.5s`, `1.5ms`, `0s`. */
  toString(): string {
    const neg = this.ns < 0n;
    let u = neg ? -this.ns : this.ns;
    let out: string;
    if (u < SECOND) {
      if (u === 0n) return '0s';
      let unit: string;
      let prec: number;
      if (u < 1000n) {
        prec = 0;
        unit = 'ns';
      } else if (u < 1_000_000n) {
        prec = 3;
        unit = 'µs';
      } else {
        prec = 6;
        unit = 'ms';
      }
      const [frac, rest] = fmtFrac(u, prec);
      out = `${rest}${frac}${unit}`;
    } else {
      const [frac, secs] = fmtFrac(u, 9);
      u = secs;
      out = `${u % 60n}${frac}s`;
      u /= 60n;
      if (u > 0n) {
        out = `${u % 60n}m${out}`;
        u /= 60n;
        if (u > 0n) out = `${u}h${out}`;
      }
    }
    return neg ? `-${out}` : out;
  }

  method(name: string): GoMethod | undefined {
    const ns = this.ns;
    const m = (fn: () => unknown): GoMethod => ({ params: [], call: fn });
    const float = (unit: bigint): number => Number(ns / unit) + Number(ns % unit) / Number(unit);
    switch (name) {
      case 'String':
        return m(() => this.toString());
      case 'Seconds':
        return m(() => float(SECOND));
      case 'Minutes':
        return m(() => float(60n * SECOND));
      case 'Hours':
        return m(() => float(3600n * SECOND));
      case 'Milliseconds':
        return m(() => ns / 1_000_000n);
      case 'Microseconds':
        return m(() => ns / 1000n);
      case 'Nanoseconds':
        return m(() => ns);
    }
    return undefined;
  }
}
