// Benchmarks of the PromQL parser on long queries, the shapes Grafana generates: a dashboard
// variable with hundreds of values becomes a regex alternation repeated in every branch of an `or`
// chain. Prints the time parseExpr takes (best and median of several rounds, and the first, cold
// run), how much of it is the compilation of the label regexes (by @tsprom/labels), and what the
// Engine pays for the same text again (its parse cache).
import { Matcher, MatchType } from '@tsprom/labels';
import { Engine, parseExpr } from '@tsprom/promql';
import { TestStorage } from '@tsprom/promql/testing';

/** A regex alternation of `n` escaped host names, as Grafana writes a multi-value variable. */
function hostAlternation(n: number, tag: number): string {
  const hosts: string[] = [];
  // `\\.` in the query is `\.` in the regex: a literal dot, as Grafana escapes it.
  for (let i = 0; i < n; i++) hosts.push(`host-${tag}-${String(i).padStart(4, '0')}\\\\.dc1\\\\.example\\\\.com:9100`);
  return hosts.join('|');
}

const PANEL_METRICS = [
  'sum by (instance) (rate(node_cpu_seconds_total{job="node",mode!="idle",instance=~"$HOSTS"}[5m]))',
  'sum by (instance) (rate(node_network_receive_bytes_total{job="node",device!~"lo|veth.*|docker.*",instance=~"$HOSTS"}[5m]))',
  'max by (instance) (node_memory_MemTotal_bytes{job="node",instance=~"$HOSTS"} - node_memory_MemAvailable_bytes{job="node",instance=~"$HOSTS"})',
  'sum by (instance) (rate(node_disk_io_time_seconds_total{job="node",device=~"sd.*|nvme.*",instance=~"$HOSTS"}[5m]))',
];

/**
 * A Grafana-style query of at least `minChars`: an `or` chain of panel queries over the same hosts.
 * `tag` varies the host names, so that each variant has regexes of its own.
 */
function grafanaQuery(minChars: number, tag: number): string {
  let hosts = 10;
  for (;;) {
    const alt = hostAlternation(hosts, tag);
    const query = PANEL_METRICS.map((m) => m.replaceAll('$HOSTS', alt)).join('\nor\n');
    if (query.length >= minChars) return query;
    hosts = Math.ceil((hosts * minChars) / query.length) + 1;
  }
}

/** An `or` chain of per-job error rates of at least `minChars`, each with a few matchers. */
function orChainQuery(minChars: number, tag: number): string {
  const parts: string[] = [];
  let len = 0;
  for (let i = 0; len < minChars; i++) {
    const p = `sum by (code) (rate(http_requests_total{job="api-${i}",instance=~"10\\\\.${tag % 256}\\\\.${i % 256}\\\\..*",code=~"5.."}[5m]))`;
    parts.push(p);
    len += p.length + 4;
  }
  return parts.join(' or ');
}

/** The label regexes written in `query` (`=~"…"` and `!~"…"`), as their string values. */
function regexValues(query: string): string[] {
  const out: string[] = [];
  for (const m of query.matchAll(/[=!]~"((?:[^"\\]|\\.)*)"/g)) out.push((m[1] as string).replaceAll('\\\\', '\\'));
  return out;
}

interface Times {
  first: number;
  best: number;
  median: number;
}

function timeRounds(fn: (round: number) => unknown, rounds: number): Times {
  const times: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const t0 = performance.now();
    fn(i);
    times.push(performance.now() - t0);
  }
  const first = times[0] as number;
  times.sort((a, b) => a - b);
  return { first, best: times[0] as number, median: times[Math.floor(times.length / 2)] as number };
}

const ms = (v: number): string => (v >= 10 ? v.toFixed(0) : v.toFixed(2));

/**
 * Times parseExpr on `variant(round)`: a query text and regexes never parsed before in each round,
 * after a warm-up on other variants, then on the same text again (its compiled regexes are shared
 * between parses), then the Engine's preparation of the same text again (its parse cache).
 */
function bench(name: string, variant: (tag: number) => string, rounds: number): void {
  for (let w = 0; w < 2; w++) parseExpr(variant(1000 + w));
  const texts = Array.from({ length: rounds }, (_, r) => variant(r));
  const fresh = timeRounds((r) => parseExpr(texts[r] as string), rounds);
  const query = texts[0] as string;
  const regexes = regexValues(query);
  const distinct = [...new Set(regexes)];
  // Each round compiles the regexes of another variant: @tsprom/labels itself caches nothing.
  const others = Array.from({ length: rounds }, (_, r) => [...new Set(regexValues(variant(3000 + r)))]);
  const compile = timeRounds((r) => {
    for (const re of others[r] as string[]) new Matcher(MatchType.Regexp, 'l', re);
  }, rounds);
  const again = timeRounds(() => parseExpr(query), rounds);
  const engine = new Engine();
  const storage = new TestStorage();
  engine.newInstantQuery(storage, query, 0);
  const cached = timeRounds(() => engine.newInstantQuery(storage, query, 0), rounds);
  console.log(
    `promql-parse: ${name} (${(query.length / 1000).toFixed(1)} kB): parseExpr best ${ms(fresh.best)} ms, ` +
      `median ${ms(fresh.median)} ms; of which compiling its ${distinct.length} distinct label regexes ` +
      `(${regexes.length} written) ${ms(compile.best)} ms; the same text again ${ms(again.best)} ms ` +
      `(regexes compiled once); Engine, same text again ${ms(cached.best)} ms (parse cache)`,
  );
}

/** Runs the parser benchmarks and prints one line per query. */
export function run(): void {
  console.log('\n## promql-parse (parseExpr of long queries, Grafana-style)');
  bench(`50 kB query: ${PANEL_METRICS.length} panels or-ed, one host regex`, (t) => grafanaQuery(50_000, t), 7);
  bench('80 kB or-chain of rate() with regex matchers', (t) => orChainQuery(80_000, t), 7);
  bench('80 kB or-chain, equality matchers only', (t) => orChainQuery(80_000, t).replaceAll('=~', '='), 7);
}
