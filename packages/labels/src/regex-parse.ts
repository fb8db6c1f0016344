// A parser for the subset of RE2 syntax that FastRegexMatcher can optimize (Prometheus runs its
// optimizations on Go's regexp/syntax tree; re2js does not expose its parser). It only ever sees
// patterns re2js has already accepted, and gives up (returns undefined) on anything it does not
// fully understand, in which case matching simply uses re2js. Everything it accepts must mean
// exactly what RE2 means; the property tests in fast-regex-matcher.test.ts check that.

/** A node of the simplified syntax tree. */
export type RegexNode =
  /** A literal string; `fold` when written under `(?i)`, `cased` when it has case variants. */
  | { readonly op: 'lit'; readonly s: string; readonly fold: boolean; readonly cased: boolean }
  /** `.`; `nl` when it matches newline (the `s` flag, on by default in Prometheus). */
  | { readonly op: 'any'; readonly nl: boolean }
  /** A small positive character class, as the list of its characters (no case folding). */
  | { readonly op: 'class'; readonly chars: readonly string[] }
  | { readonly op: 'star' | 'plus' | 'quest'; readonly sub: RegexNode }
  | { readonly op: 'concat' | 'alt'; readonly subs: readonly RegexNode[] }
  /** Matches only the empty string. */
  | { readonly op: 'empty' };

/** Classes larger than this are left to the regex engine. */
const MAX_CLASS_CHARS = 256;

class GiveUp {}
const GIVE_UP = new GiveUp();

/** Whether the string has characters with case variants (so `(?i)` changes what it matches). */
export function isCased(s: string): boolean {
  return s.toLowerCase() !== s || s.toUpperCase() !== s;
}

type Item = RegexNode | { readonly op: 'char'; readonly c: string; readonly fold: boolean };

/**
 * Parses `pattern` (already validated by RE2) as it is used under Prometheus's `^(?s:…)$`, or
 * returns undefined when it uses syntax outside the supported subset (anchors in the middle,
 * `\d`-style and Unicode classes, counted repetition, case-folded classes, …).
 */
export function parseRegexSubset(pattern: string): RegexNode | undefined {
  if (/\p{Cs}/u.test(pattern)) return undefined; // Lone surrogates: leave them to re2js.
  // A leading `^` and a trailing `$` are redundant under the outer anchors.
  if (pattern.startsWith('^')) pattern = pattern.slice(1);
  if (pattern.endsWith('$') && !endsWithEscape(pattern.slice(0, -1))) pattern = pattern.slice(0, -1);
  try {
    const p = new SubsetParser(pattern);
    const node = p.parseAlt();
    if (p.pos !== pattern.length) return undefined;
    return node;
  } catch (err) {
    if (err === GIVE_UP) return undefined;
    throw err;
  }
}

function endsWithEscape(s: string): boolean {
  let n = 0;
  for (let i = s.length - 1; i >= 0 && s[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

const CTRL_ESCAPES: Record<string, string> = { a: '\x07', f: '\f', t: '\t', n: '\n', r: '\r', v: '\v' };

function isPunct(c: string): boolean {
  return c.length === 1 && c < '\x80' && !/[0-9A-Za-z]/.test(c) && c > ' ' && c !== '\x7f';
}

class SubsetParser {
  pos = 0;
  fold = false;
  dotNL = true;
  readonly #p: string;

  constructor(p: string) {
    this.#p = p;
  }

  parseAlt(): RegexNode {
    const branches: RegexNode[] = [this.#parseConcat()];
    while (this.#p[this.pos] === '|') {
      this.pos++;
      branches.push(this.#parseConcat());
    }
    return branches.length === 1 ? branches[0]! : { op: 'alt', subs: branches };
  }

  #parseConcat(): RegexNode {
    const items: Item[] = [];
    for (;;) {
      const c = this.#p[this.pos];
      if (c === undefined || c === '|' || c === ')') break;
      const atom = this.#parseAtom();
      if (atom === undefined) continue; // A flag group such as `(?i)`.
      const q = this.#p[this.pos];
      if (q === '*' || q === '+' || q === '?') {
        this.pos++;
        if (this.#p[this.pos] === '?') this.pos++; // Non-greedy: same set of full matches.
        const sub = atom.op === 'char' ? charNode(atom.c, atom.fold) : atom;
        items.push({ op: q === '*' ? 'star' : q === '+' ? 'plus' : 'quest', sub });
      } else if (q === '{') {
        throw GIVE_UP;
      } else {
        items.push(atom);
      }
    }
    return buildConcat(items);
  }

  #parseAtom(): Item | undefined {
    const p = this.#p;
    const c = p[this.pos]!;
    switch (c) {
      case '(':
        return this.#parseGroup();
      case '[':
        return this.#parseClass();
      case '.':
        this.pos++;
        return { op: 'any', nl: this.dotNL };
      case '\\': {
        const e = p[this.pos + 1];
        if (e === undefined) throw GIVE_UP;
        const ctrl = CTRL_ESCAPES[e];
        if (ctrl !== undefined) {
          this.pos += 2;
          return { op: 'char', c: ctrl, fold: this.fold };
        }
        if (!isPunct(e)) throw GIVE_UP;
        this.pos += 2;
        return { op: 'char', c: e, fold: this.fold };
      }
      case '^':
      case '$':
      case '*':
      case '+':
      case '?':
      case '{':
        throw GIVE_UP;
      default: {
        const cp = p.codePointAt(this.pos)!;
        const ch = String.fromCodePoint(cp);
        this.pos += ch.length;
        return { op: 'char', c: ch, fold: this.fold };
      }
    }
  }

  #parseGroup(): RegexNode | undefined {
    const p = this.#p;
    this.pos++; // (
    if (p[this.pos] === '?') {
      if (p.startsWith('?P<', this.pos) || p.startsWith('?<', this.pos)) {
        const end = p.indexOf('>', this.pos);
        if (end < 0) throw GIVE_UP;
        this.pos = end + 1;
      } else {
        // Flags: (?i) (?-s) (?i:…) …
        let i = this.pos + 1;
        let neg = false;
        let fold = this.fold;
        let dotNL = this.dotNL;
        for (; i < p.length; i++) {
          const f = p[i];
          if (f === '-') neg = true;
          else if (f === 'i') fold = !neg;
          else if (f === 's') dotNL = !neg;
          else if (f === 'm' || f === 'U')
            continue; // Multi-line only affects ^/$ (rejected); U only greediness.
          else break;
        }
        if (p[i] === ')') {
          this.pos = i + 1;
          this.fold = fold;
          this.dotNL = dotNL;
          return undefined;
        }
        if (p[i] !== ':') throw GIVE_UP;
        this.pos = i + 1;
        const saved = [this.fold, this.dotNL] as const;
        this.fold = fold;
        this.dotNL = dotNL;
        const node = this.parseAlt();
        if (p[this.pos] !== ')') throw GIVE_UP;
        this.pos++;
        [this.fold, this.dotNL] = saved;
        return node;
      }
    }
    const saved = [this.fold, this.dotNL] as const;
    const node = this.parseAlt();
    if (p[this.pos] !== ')') throw GIVE_UP;
    this.pos++;
    [this.fold, this.dotNL] = saved; // Flags set inside a group end with it.
    return node;
  }

  #parseClass(): RegexNode {
    const p = this.#p;
    this.pos++; // [
    if (this.fold || p[this.pos] === '^') throw GIVE_UP;
    const chars = new Set<string>();
    let first = true;
    for (;;) {
      if (this.pos >= p.length) throw GIVE_UP;
      if (p[this.pos] === ']' && !first) {
        this.pos++;
        break;
      }
      first = false;
      if (p.startsWith('[:', this.pos)) throw GIVE_UP;
      const lo = this.#classChar();
      if (p[this.pos] === '-' && p[this.pos + 1] !== ']' && this.pos + 1 < p.length) {
        this.pos++;
        const hi = this.#classChar();
        const a = lo.codePointAt(0)!;
        const b = hi.codePointAt(0)!;
        if (b < a || b - a + 1 + chars.size > MAX_CLASS_CHARS) throw GIVE_UP;
        if (a <= 0xdfff && b >= 0xd800) throw GIVE_UP;
        for (let c = a; c <= b; c++) chars.add(String.fromCodePoint(c));
      } else {
        chars.add(lo);
      }
      if (chars.size > MAX_CLASS_CHARS) throw GIVE_UP;
    }
    const list = [...chars];
    if (list.length === 1) return { op: 'lit', s: list[0]!, fold: false, cased: isCased(list[0]!) };
    return { op: 'class', chars: list };
  }

  #classChar(): string {
    const p = this.#p;
    if (p[this.pos] === '\\') {
      const e = p[this.pos + 1];
      if (e === undefined) throw GIVE_UP;
      const ctrl = CTRL_ESCAPES[e];
      if (ctrl === undefined && !isPunct(e)) throw GIVE_UP;
      this.pos += 2;
      return ctrl ?? e;
    }
    const ch = String.fromCodePoint(p.codePointAt(this.pos)!);
    this.pos += ch.length;
    return ch;
  }
}

function charNode(c: string, fold: boolean): RegexNode {
  return { op: 'lit', s: c, fold, cased: isCased(c) };
}

/** Merges adjacent characters of the same case mode into literals and flattens nested concats. */
function buildConcat(items: readonly Item[]): RegexNode {
  const out: RegexNode[] = [];
  let run = '';
  let runFold = false;
  const flush = (): void => {
    if (run !== '') out.push({ op: 'lit', s: run, fold: runFold, cased: isCased(run) });
    run = '';
  };
  for (const it of items) {
    if (it.op === 'char') {
      if (run !== '' && runFold !== it.fold) flush();
      run += it.c;
      runFold = it.fold;
      continue;
    }
    flush();
    if (it.op === 'concat') out.push(...it.subs);
    else if (it.op !== 'empty') out.push(it);
  }
  flush();
  if (out.length === 0) return { op: 'empty' };
  if (out.length === 1) return out[0]!;
  return { op: 'concat', subs: out };
}
