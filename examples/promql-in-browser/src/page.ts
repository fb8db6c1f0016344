// The page: PromQL evaluated in the browser. On load it fills an in-memory DB with demo data and
// runs the demo form's query; when the URL names a server (`?server=…&selector=…&start=…&end=…
// [&step=…]&expr=…`), or the second form is sent, it fetches those series from the server's API
// into a second in-memory DB and runs the query over them, here. Each result is shown as a table;
// `globalThis.promqlInBrowser` holds the report of the runs made on load (for tests).
import { DB } from '@tsprom/tsdb';
import { appendDemoData, DEMO_END_MS } from './demo-data.js';
import { type FetchedSeries, fetchSeriesInto } from './fetch-series.js';
import { type QueryOutcome, runInstantQuery } from './run-query.js';

/** What the page did on load. */
export interface PageReport {
  readonly demo: { readonly samples: number; readonly expr: string; readonly outcome: QueryOutcome };
  /** Present when the URL named a server. */
  readonly server?: {
    readonly fetched?: FetchedSeries;
    readonly expr: string;
    readonly atMs: number;
    readonly outcome: QueryOutcome;
  };
  readonly userAgent: string;
}

declare global {
  var promqlInBrowser: Promise<PageReport> | undefined;
}

/** A time typed by the user: Unix seconds, or anything Date.parse reads (RFC 3339). */
export function parseTime(s: string): number {
  const t = s.trim();
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t) * 1000;
  const ms = Date.parse(t);
  if (Number.isNaN(ms)) throw new RangeError(`not a time: ${JSON.stringify(s)} (Unix seconds or RFC 3339)`);
  return ms;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  return e;
}

/** `name{a="b"}` */
function seriesName(metric: Record<string, string>): string {
  const { __name__: name, ...rest } = metric;
  const pairs = Object.entries(rest).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return `${name ?? ''}{${pairs.join(', ')}}`;
}

/** Shows `outcome` (and what was fetched) in `host`. */
function show(host: HTMLElement, outcome: QueryOutcome, fetched?: FetchedSeries): void {
  host.replaceChildren();
  if (fetched !== undefined) {
    const p = el('p', `Fetched ${fetched.series} series, ${fetched.samples} samples from ${fetched.url}`);
    p.className = 'fetched';
    p.dataset.series = String(fetched.series);
    p.dataset.samples = String(fetched.samples);
    host.append(p);
  }
  if (!outcome.ok) {
    const p = el('p', outcome.error);
    p.className = 'error';
    host.append(p);
    return;
  }
  const table = el('table');
  table.className = `result result-${outcome.type}`;
  const head = el('tr');
  head.append(el('th', 'series'), el('th', 'value'));
  table.append(head);
  for (const s of outcome.series) {
    const tr = el('tr');
    const value = s.points.map(([, v]) => String(v)).join(', ');
    const name = el('td', seriesName(s.metric));
    name.className = 'series';
    const val = el('td', value);
    val.className = 'value';
    tr.append(name, val);
    table.append(tr);
  }
  if (outcome.series.length === 0) table.append(el('tr', 'empty result'));
  host.append(table);
}

function showError(host: HTMLElement, err: unknown): QueryOutcome {
  const outcome: QueryOutcome = { ok: false, error: err instanceof Error ? err.message : String(err) };
  show(host, outcome);
  return outcome;
}

const demoForm = document.getElementById('demo-form') as HTMLFormElement;
const demoResult = document.getElementById('demo-result') as HTMLElement;
const serverForm = document.getElementById('server-form') as HTMLFormElement;
const serverResult = document.getElementById('server-result') as HTMLElement;
const field = (form: HTMLFormElement, name: string): HTMLInputElement =>
  form.elements.namedItem(name) as HTMLInputElement;

async function runDemo(demoDB: DB): Promise<{ expr: string; outcome: QueryOutcome }> {
  const expr = field(demoForm, 'expr').value;
  const outcome = await runInstantQuery(demoDB, expr, DEMO_END_MS);
  show(demoResult, outcome);
  return { expr, outcome };
}

/** Fetches the second form's series into a fresh DB and runs its query at its end time. */
async function runServer(): Promise<NonNullable<PageReport['server']>> {
  const expr = field(serverForm, 'expr').value;
  let atMs = Number.NaN;
  const db = await DB.open();
  try {
    const startMs = parseTime(field(serverForm, 'start').value);
    atMs = parseTime(field(serverForm, 'end').value);
    const step = field(serverForm, 'step').value.trim();
    const fetched = await fetchSeriesInto(db, {
      server: field(serverForm, 'server').value,
      selector: field(serverForm, 'selector').value,
      startMs,
      endMs: atMs,
      stepMs: step === '' ? undefined : Number(step) * 1000,
    });
    const outcome = await runInstantQuery(db, expr, atMs);
    show(serverResult, outcome, fetched);
    return { fetched, expr, atMs, outcome };
  } catch (err) {
    return { expr, atMs, outcome: showError(serverResult, err) };
  } finally {
    await db.close();
  }
}

async function main(): Promise<PageReport> {
  const demoDB = await DB.open();
  const samples = await appendDemoData(demoDB);
  demoForm.addEventListener('submit', (e) => {
    e.preventDefault();
    void runDemo(demoDB);
  });
  serverForm.addEventListener('submit', (e) => {
    e.preventDefault();
    void runServer();
  });
  const demo = { samples, ...(await runDemo(demoDB)) };

  // The second form, filled from the URL; run on load when it names a server.
  const params = new URLSearchParams(location.search);
  for (const name of ['server', 'selector', 'start', 'end', 'step', 'expr']) {
    const v = params.get(name);
    if (v !== null) field(serverForm, name).value = v;
  }
  const server = params.has('server') ? await runServer() : undefined;
  return { demo, server, userAgent: navigator.userAgent };
}

globalThis.promqlInBrowser = main();
