// Prometheus: template/template.go NewTemplateExpander's function map.
import { compareStrings } from '@tsprom/labels';
import { RE2JS, RE2JSException } from 're2js';
import type { FuncContext, TemplateFunc } from './func-types.js';
import { expandTemplate, goToLower, goToUpper } from '@tsprom/relabel';
import { GoHTML, GoMap, GoSlice, STRUCT_TYPE, type StructType } from './go-values.js';
import {
  humanize,
  humanize1024,
  humanizeDuration,
  humanizePercentage,
  humanizeTimestamp,
  toDuration,
  toTime,
} from './humanize.js';
import { isIP, joinHostPort, splitHostPort } from './net-addr.js';
import { goTitle } from './title.js';
import { queryEscape } from './url-escape.js';

/** One sample of a query result, as templates see it (`.Labels`, `.Value`). */
export interface TemplateSample {
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** Runs an instant query at `timestampMs` (the rule evaluation time); rejects with the query's error. */
export type TemplateQueryFunc = (query: string, timestampMs: number) => Promise<readonly TemplateSample[]>;

/** Prometheus's `*template.sample`. */
export const SAMPLE_TYPE: StructType = { name: '*template.sample', fields: ['Labels', 'Value'], pointer: true };
const QUERY_RESULT = 'template.queryResult';

interface SampleValue {
  readonly [STRUCT_TYPE]: StructType;
  readonly Labels: Readonly<Record<string, string>>;
  readonly Value: number;
}

function toQueryResult(samples: readonly TemplateSample[]): GoSlice {
  return new GoSlice(
    QUERY_RESULT,
    samples.map((s): SampleValue => ({ [STRUCT_TYPE]: SAMPLE_TYPE, Labels: s.labels, Value: s.value })),
  );
}

const NIL_DEREF = 'runtime error: invalid memory address or nil pointer dereference';

function sampleOf(v: unknown): SampleValue {
  if (v === null || v === undefined) throw new Error(NIL_DEREF);
  return v as SampleValue;
}

function compile(pattern: string): RE2JS {
  return RE2JS.compile(pattern);
}

/** Go's regexp.MustCompile panic message. */
function mustCompile(pattern: string): RE2JS {
  try {
    return compile(pattern);
  } catch (err) {
    if (!(err instanceof RE2JSException)) throw err;
    const q = /^[^`\n\r\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufeff]*$/.test(pattern)
      ? `\`${pattern}\``
      : JSON.stringify(pattern);
    throw new Error(`regexp: Compile(${q}): ${err.message}`, { cause: err });
  }
}

/** Go's Regexp.ReplaceAllString: `$1`/`${name}` expanded; an empty match right after a match is skipped. */
export function reReplaceAll(pattern: string, repl: string, text: string): string {
  const re = mustCompile(pattern);
  const names = re.namedGroups();
  const m = re.matcher(text);
  let out = '';
  let lastMatchEnd = 0;
  let searchPos = 0;
  while (searchPos <= text.length) {
    if (!m.find(searchPos)) break;
    const start = m.start(0);
    const end = m.end(0);
    out += text.slice(lastMatchEnd, start);
    if (end > lastMatchEnd || start === 0) {
      const groups: (string | null)[] = [];
      for (let g = 0; g <= m.groupCount(); g++) groups.push(m.group(g));
      out += expandTemplate(repl, groups, names);
    }
    lastMatchEnd = end;
    const cp = text.codePointAt(searchPos);
    const width = cp === undefined ? 0 : cp > 0xffff ? 2 : 1;
    if (searchPos + width > end) searchPos += width;
    else if (searchPos + 1 > end) searchPos++;
    else searchPos = end;
  }
  return out + text.slice(lastMatchEnd);
}

/** Go's url.URL Path of the external URL (what pathPrefix returns). */
function urlPath(u: string): string {
  const rest = u.replace(/^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*/, '');
  const m = /^[^?#]*/.exec(rest)![0];
  try {
    return decodeURIComponent(m);
  } catch {
    return m;
  }
}

const DURATION_RE =
  /^(?:([0-9]+)y)?(?:([0-9]+)w)?(?:([0-9]+)d)?(?:([0-9]+)h)?(?:([0-9]+)m)?(?:([0-9]+)s)?(?:([0-9]+)ms)?$/;
const UNIT_MS = [365n * 86400000n, 7n * 86400000n, 86400000n, 3600000n, 60000n, 1000n, 1n];
const MAX_INT64 = 2n ** 63n - 1n;

/** Prometheus's model.ParseDuration, as seconds (Go: float64(time.Duration(d)) / float64(time.Second)). */
export function parseDurationSeconds(s: string): number {
  if (s === '0') return 0;
  if (s === '') throw new Error('empty duration string');
  const m = DURATION_RE.exec(s);
  if (m === null) throw new Error(`not a valid duration string: ${JSON.stringify(s)}`);
  let ns = 0n;
  for (let i = 0; i < UNIT_MS.length; i++) {
    const g = m[i + 1];
    if (g === undefined) continue;
    const n = BigInt(g);
    if (n > MAX_INT64 / UNIT_MS[i]! / 1_000_000n) throw new Error('duration out of range');
    ns += n * UNIT_MS[i]! * 1_000_000n;
    if (ns > MAX_INT64) throw new Error('duration out of range');
  }
  return Number(ns) / 1e9;
}

/** Prometheus's template functions (text mode); the expansion's context comes with each call. */
export function promFuncs(): Map<string, TemplateFunc> {
  const fns = new Map<string, TemplateFunc>();
  const str1 = (f: (s: string) => unknown): TemplateFunc => ({ params: ['string'], call: ([s]) => f(s as string) });
  const num1 = (f: (v: unknown) => unknown): TemplateFunc => ({ params: ['any'], call: ([v]) => f(v) });
  fns.set('query', {
    params: ['string'],
    call: async ([q], ctx) => {
      if (ctx.queryFunc === undefined) throw new Error(NIL_DEREF);
      return toQueryResult(await ctx.queryFunc(q as string, ctx.timestampMs));
    },
  });
  fns.set('first', {
    params: [QUERY_RESULT],
    call: ([v]) => {
      const items = (v as GoSlice | null)?.items ?? [];
      if (items.length > 0) return items[0];
      throw new Error('first() called on vector with no elements');
    },
  });
  fns.set('label', {
    params: ['string', '*template.sample'],
    call: ([l, s]) => {
      const labels = sampleOf(s).Labels;
      return Object.hasOwn(labels, l as string) ? labels[l as string] : '';
    },
  });
  fns.set('value', { params: ['*template.sample'], call: ([s]) => sampleOf(s).Value });
  fns.set('strvalue', {
    params: ['*template.sample'],
    call: ([s]) => {
      const labels = sampleOf(s).Labels;
      return Object.hasOwn(labels, '__value__') ? labels.__value__ : '';
    },
  });
  fns.set('args', {
    params: ['any'],
    variadic: true,
    call: (a) => new GoMap('map[string]interface {}', new Map(a.map((v, i) => [`arg${i}`, v]))),
  });
  fns.set('reReplaceAll', {
    params: ['string', 'string', 'string'],
    call: ([p, r, t]) => reReplaceAll(p as string, r as string, t as string),
  });
  fns.set(
    'safeHtml',
    str1((s) => new GoHTML(s)),
  );
  fns.set('match', {
    params: ['string', 'string'],
    call: ([p, s]) =>
      compile(p as string)
        .matcher(s as string)
        .find(),
  });
  fns.set('title', str1(goTitle));
  fns.set('toUpper', str1(goToUpper));
  fns.set('toLower', str1(goToLower));
  fns.set(
    'graphLink',
    str1((e) => `/graph?g0.expr=${queryEscape(e)}&g0.tab=0`),
  );
  fns.set(
    'tableLink',
    str1((e) => `/graph?g0.expr=${queryEscape(e)}&g0.tab=1`),
  );
  fns.set('sortByLabel', {
    params: ['string', QUERY_RESULT],
    call: ([l, v]) => {
      if (v === null) return v;
      const items = (v as GoSlice).items as SampleValue[];
      const key = (s: SampleValue): string => (Object.hasOwn(s.Labels, l as string) ? s.Labels[l as string]! : '');
      // Stable, in place, as sort.Stable on the slice the caller holds.
      const sorted = [...items].sort((a, b) => compareStrings(key(a), key(b)));
      (items as SampleValue[]).splice(0, items.length, ...sorted);
      return v;
    },
  });
  fns.set('humanize', num1(humanize));
  fns.set('humanize1024', num1(humanize1024));
  fns.set('humanizeDuration', num1(humanizeDuration));
  fns.set('humanizePercentage', num1(humanizePercentage));
  fns.set('humanizeTimestamp', num1(humanizeTimestamp));
  fns.set('toTime', num1(toTime));
  fns.set('toDuration', num1(toDuration));
  fns.set('now', { params: [], call: (_, ctx) => ctx.timestampMs / 1000 });
  // Without an external URL, both fail as Prometheus's do on its nil *url.URL (promtool's case).
  const url = (ctx: FuncContext): string => {
    if (ctx.externalURL === undefined) throw new Error(NIL_DEREF);
    return ctx.externalURL;
  };
  fns.set('pathPrefix', { params: [], call: (_, ctx) => urlPath(url(ctx)) });
  fns.set('externalURL', { params: [], call: (_, ctx) => url(ctx) });
  fns.set('parseDuration', str1(parseDurationSeconds));
  fns.set(
    'stripPort',
    str1((hostPort) => {
      const hp = splitHostPort(hostPort);
      return hp === undefined ? hostPort : hp[0];
    }),
  );
  fns.set(
    'stripDomain',
    str1((hostPort) => {
      const hp = splitHostPort(hostPort);
      let host = hp === undefined ? hostPort : hp[0];
      const port = hp === undefined ? '' : hp[1];
      if (isIP(host)) return hostPort;
      host = host.split('.')[0]!;
      return port !== '' ? joinHostPort(host, port) : host;
    }),
  );
  fns.set('urlQueryEscape', str1(queryEscape));
  return fns;
}
