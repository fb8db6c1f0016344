// A YAML writer that prints what Go's gopkg.in/yaml.v2 Marshal prints (its libyaml emitter),
// so that a configuration renders as Prometheus renders it: two-space indentation, sequences in a
// mapping not indented, strings quoted only when they must be (double quotes when they would read
// back as another type, single quotes when they would not read back as plain text), literal blocks
// for multi-line text, and lines folded at spaces past column 80.
// Prometheus: gopkg.in/yaml.v2 encode.go (stringv, floatv), emitterc.go (analyze_scalar,
// select_scalar_style, write_plain/single_quoted/double_quoted/literal), resolve.go.

/** A YAML value to write: scalars, {@link YamlOutMap} (ordered entries) or {@link YamlOutSeq}. */
export type YamlOut = string | number | boolean | null | YamlOutMap | YamlOutSeq;

/** A mapping written in the order of its entries. */
export class YamlOutMap {
  constructor(readonly entries: [string, YamlOut][] = []) {}
  /** Appends an entry. */
  set(key: string, value: YamlOut): this {
    this.entries.push([key, value]);
    return this;
  }
}

/** A sequence; `flow` writes it on one line as `[a, b]` (Go's `,flow` tag). */
export class YamlOutSeq {
  constructor(
    readonly items: YamlOut[],
    readonly flow = false,
  ) {}
}

const BEST_WIDTH = 80;

/** Renders `root` (normally a mapping) as yaml.v2 would, ending with a newline. */
export function emitYaml(root: YamlOut): string {
  const w = new Writer();
  w.node(root, 0, 'top');
  return w.out.endsWith('\n') ? w.out : `${w.out}\n`;
}

type Ctx = 'top' | 'value' | 'item';

class Writer {
  out = '';
  column = 0;

  write(s: string): void {
    this.out += s;
    const nl = s.lastIndexOf('\n');
    // Columns count characters, as libyaml's do.
    this.column = nl < 0 ? this.column + codePoints(s) : codePoints(s.slice(nl + 1));
  }

  newline(indent: number): void {
    this.write(`\n${' '.repeat(indent)}`);
  }

  /** Writes a node that starts at the current position; `indent` is its block indentation. */
  node(v: YamlOut, indent: number, ctx: Ctx): void {
    if (v instanceof YamlOutMap) {
      if (v.entries.length === 0) {
        this.write(ctx === 'top' ? '{}' : ' {}');
        return;
      }
      v.entries.forEach(([k, val], i) => {
        if (i > 0 || ctx === 'value') this.newline(indent);
        else if (ctx === 'item') this.write(' ');
        this.scalar(k, indent + 2, true, false);
        this.write(':');
        this.value(val, indent);
      });
      return;
    }
    if (v instanceof YamlOutSeq) {
      if (v.items.length === 0 || v.flow) {
        this.write(ctx === 'top' ? '' : ' ');
        this.flowSeq(v, indent);
        return;
      }
      v.items.forEach((item, i) => {
        if (i > 0 || ctx === 'value') this.newline(indent);
        else if (ctx === 'item') this.write(' ');
        this.write('-');
        if (item instanceof YamlOutMap || item instanceof YamlOutSeq) this.node(item, indent + 2, 'item');
        else {
          this.write(' ');
          this.scalar(item, indent + 2, false, false);
        }
      });
      return;
    }
    if (ctx !== 'top') this.write(' ');
    this.scalar(v, indent + 2, false, false);
  }

  /** Writes the value of a mapping entry whose key (at `indent`) was just written with its colon. */
  value(v: YamlOut, indent: number): void {
    if (v instanceof YamlOutMap && v.entries.length > 0) this.node(v, indent + 2, 'value');
    else if (v instanceof YamlOutSeq && v.items.length > 0 && !v.flow) this.node(v, indent, 'value');
    else this.node(v, indent, 'item');
  }

  flowSeq(v: YamlOutSeq, indent: number): void {
    this.write('[');
    v.items.forEach((item, i) => {
      if (i > 0) this.write(', ');
      this.scalar(item as string | number | boolean | null, indent + 2, false, true);
    });
    this.write(']');
  }

  scalar(v: YamlOut, indent: number, simpleKey: boolean, flow: boolean): void {
    if (v === null) this.write('null');
    else if (typeof v === 'boolean') this.write(v ? 'true' : 'false');
    else if (typeof v === 'number') this.write(Number.isInteger(v) ? String(v) : formatGoFloat(v));
    else if (typeof v === 'string') this.string(v, indent, simpleKey, flow);
    else throw new Error('emitYaml: a collection where a scalar is expected');
  }

  string(s: string, indent: number, simpleKey: boolean, flow: boolean): void {
    const a = analyzeScalar(s);
    let style: 'plain' | 'single' | 'double' | 'literal';
    if (s.includes('\n')) style = 'literal';
    else if (resolvesToNonString(s)) style = 'double';
    else style = 'plain';
    if (style === 'plain') {
      if ((flow && !a.flowPlain) || (!flow && !a.blockPlain)) style = 'single';
      if (s.length === 0 && (flow || simpleKey)) style = 'single';
    }
    if (style === 'single' && !a.singleQuoted) style = 'double';
    if (style === 'literal' && (!a.block || flow || simpleKey)) style = 'double';
    const breaks = !simpleKey;
    if (style === 'plain') this.plain(s, indent, breaks);
    else if (style === 'single') this.singleQuoted(s, indent, breaks);
    else if (style === 'double') this.doubleQuoted(s, indent, breaks);
    else this.literal(s, indent);
  }

  plain(s: string, indent: number, allowBreaks: boolean): void {
    const cs = [...s];
    let spaces = false;
    for (let i = 0; i < cs.length; i++) {
      const c = cs[i]!;
      if (c === ' ') {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && cs[i + 1] !== ' ') this.newline(indent);
        else this.write(c);
        spaces = true;
      } else {
        this.write(c);
        spaces = false;
      }
    }
  }

  singleQuoted(s: string, indent: number, allowBreaks: boolean): void {
    this.write("'");
    const cs = [...s];
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < cs.length; i++) {
      const c = cs[i]!;
      if (c === ' ') {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < cs.length - 1 && cs[i + 1] !== ' ') {
          this.newline(indent);
        } else this.write(c);
        spaces = true;
      } else if (isBreak(c)) {
        if (!breaks && c === '\n') this.write('\n');
        this.write(c === '\n' ? '\n' : c);
        this.column = 0;
        breaks = true;
      } else {
        if (breaks) this.write(' '.repeat(Math.max(0, indent - this.column)));
        this.write(c === "'" ? "''" : c);
        spaces = false;
        breaks = false;
      }
    }
    this.write("'");
  }

  doubleQuoted(s: string, indent: number, allowBreaks: boolean): void {
    this.write('"');
    const cs = [...s];
    let spaces = false;
    for (let i = 0; i < cs.length; i++) {
      const c = cs[i]!;
      const cp = c.codePointAt(0)!;
      if (!isPrintable(cp) || cp === 0xfeff || isBreak(c) || c === '"' || c === '\\') {
        this.write(`\\${escapeOf(cp)}`);
        spaces = false;
      } else if (c === ' ') {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i !== 0 && i !== cs.length - 1) {
          this.newline(indent);
          if (cs[i + 1] === ' ') this.write('\\');
        } else this.write(c);
        spaces = true;
      } else {
        this.write(c);
        spaces = false;
      }
    }
    this.write('"');
  }

  literal(s: string, indent: number): void {
    let hints = '';
    if (s.startsWith(' ') || isBreak(s[0] ?? '')) hints += '2';
    const cs = [...s];
    const last = cs.length - 1;
    if (!isBreak(cs[last]!)) hints += '-';
    else if (last === 0 || isBreak(cs[last - 1]!)) hints += '+';
    this.write(`|${hints}\n`);
    let breaks = true;
    for (const c of cs) {
      if (isBreak(c)) {
        this.write('\n');
        breaks = true;
      } else {
        if (breaks) this.write(' '.repeat(indent));
        breaks = false;
        this.write(c);
      }
    }
    // A final line break ends the last line; the next entry writes its own.
    if (this.out.endsWith('\n')) {
      this.out = this.out.slice(0, -1);
      this.column = 1;
    }
  }
}

function codePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) n++; // Low surrogates continue the previous character.
  }
  return n;
}

function isBreak(c: string): boolean {
  return c === '\n' || c === '\r' || c === '\u0085' || c === '\u2028' || c === '\u2029';
}

/** libyaml is_printable (with yaml.v2's unicode output on). */
function isPrintable(cp: number): boolean {
  return (
    cp === 0x0a ||
    (cp >= 0x20 && cp <= 0x7e) ||
    (cp >= 0xa0 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff)
  );
}

const ESCAPES: Record<number, string> = {
  0: '0',
  7: 'a',
  8: 'b',
  9: 't',
  10: 'n',
  11: 'v',
  12: 'f',
  13: 'r',
  27: 'e',
  34: '"',
  92: '\\',
  133: 'N',
  160: '_',
  8232: 'L',
  8233: 'P',
};

function escapeOf(cp: number): string {
  const e = ESCAPES[cp];
  if (e !== undefined) return e;
  const hex = cp.toString(16).toUpperCase();
  if (cp <= 0xff) return `x${hex.padStart(2, '0')}`;
  if (cp <= 0xffff) return `u${hex.padStart(4, '0')}`;
  return `U${hex.padStart(8, '0')}`;
}

interface ScalarAnalysis {
  flowPlain: boolean;
  blockPlain: boolean;
  singleQuoted: boolean;
  block: boolean;
}

/** libyaml yaml_emitter_analyze_scalar: which styles can write `s` so that it reads back unchanged. */
function analyzeScalar(s: string): ScalarAnalysis {
  if (s.length === 0) return { flowPlain: false, blockPlain: false, singleQuoted: true, block: false };
  let flowIndicators = false;
  let blockIndicators = false;
  if (s.startsWith('---') || s.startsWith('...')) {
    flowIndicators = true;
    blockIndicators = true;
  }
  let lineBreaks = false;
  let specialCharacters = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let previousSpace = false;
  let previousBreak = false;
  let precededByWhitespace = true;
  const cs = [...s];
  for (let i = 0; i < cs.length; i++) {
    const c = cs[i]!;
    const next = cs[i + 1];
    const followedByWhitespace = next === undefined || next === ' ' || next === '\t' || isBreak(next);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(c)) {
        flowIndicators = true;
        blockIndicators = true;
      } else if (c === '?' || c === ':') {
        flowIndicators = true;
        if (followedByWhitespace) blockIndicators = true;
      } else if (c === '-' && followedByWhitespace) {
        flowIndicators = true;
        blockIndicators = true;
      }
    } else if (',?[]{}'.includes(c)) {
      flowIndicators = true;
    } else if (c === ':') {
      flowIndicators = true;
      if (followedByWhitespace) blockIndicators = true;
    } else if (c === '#' && precededByWhitespace) {
      flowIndicators = true;
      blockIndicators = true;
    }
    const cp = c.codePointAt(0)!;
    if (!isPrintable(cp) || cp === 0xfeff) specialCharacters = true;
    if (isBreak(c)) lineBreaks = true;
    if (c === ' ') {
      if (i === 0) leadingSpace = true;
      if (i === cs.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(c)) {
      if (i === 0) leadingBreak = true;
      if (i === cs.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousBreak = true;
      previousSpace = false;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = c === ' ' || c === '\t' || isBreak(c);
  }
  const a: ScalarAnalysis = { flowPlain: true, blockPlain: true, singleQuoted: true, block: true };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) {
    a.flowPlain = false;
    a.blockPlain = false;
  }
  if (trailingSpace) a.block = false;
  if (breakSpace) {
    a.flowPlain = false;
    a.blockPlain = false;
    a.singleQuoted = false;
  }
  if (spaceBreak || specialCharacters) {
    a.flowPlain = false;
    a.blockPlain = false;
    a.singleQuoted = false;
    a.block = false;
  }
  if (lineBreaks) {
    a.flowPlain = false;
    a.blockPlain = false;
  }
  if (flowIndicators) a.flowPlain = false;
  if (blockIndicators) a.blockPlain = false;
  return a;
}

const YAML_BOOL_NULL = new Set(
  'y Y yes Yes YES n N no No NO true True TRUE false False FALSE on On ON off Off OFF ~ null Null NULL .inf .Inf .INF +.inf +.Inf +.INF -.inf -.Inf -.INF .nan .NaN .NAN <<'.split(
    ' ',
  ),
);
const YAML_INT = /^[-+]?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|[0-9]+)$/;
const YAML_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;
const TIMESTAMP =
  /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]| +)[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]*)?(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?)?)?$/;

/**
 * Whether yaml.v2 would read the plain text `s` back as something other than a string (a bool,
 * null, a number, a timestamp, a merge key), so that it must be double-quoted.
 */
function resolvesToNonString(s: string): boolean {
  if (s === '') return true;
  if (YAML_BOOL_NULL.has(s) && s !== '<<') return true;
  const plain = s.replaceAll('_', '');
  return YAML_INT.test(plain) || YAML_FLOAT.test(plain) || BASE60_FLOAT.test(s) || TIMESTAMP.test(s);
}

/** Go's strconv.FormatFloat(f, 'g', -1, 64) with yaml.v2's `.inf`/`.nan` spellings. */
export function formatGoFloat(f: number): string {
  if (Number.isNaN(f)) return '.nan';
  if (f === Number.POSITIVE_INFINITY) return '.inf';
  if (f === Number.NEGATIVE_INFINITY) return '-.inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const [mant, expText] = f.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  // Shortest 'g' switches to an exponent below 1e-4 and from 1e6 on (strconv's eprec = 6).
  if (exp < -4 || exp >= 6) return goExp(mant, exp);
  const digits = mant.replace('-', '').replace('.', '');
  const neg = f < 0 ? '-' : '';
  if (exp < 0) return `${neg}0.${'0'.repeat(-exp - 1)}${digits}`;
  const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const frac = digits.slice(exp + 1);
  return `${neg}${intPart}${frac === '' ? '' : `.${frac}`}`;
}

function goExp(mant: string, exp: number): string {
  const e = Math.abs(exp);
  return `${mant}e${exp < 0 ? '-' : '+'}${e < 10 ? `0${e}` : e}`;
}
