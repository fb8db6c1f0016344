// Prometheus: cmd/promtool/tsdb.go dumpSamples (`promtool tsdb dump`). Prints every sample of the
// series matching --match within [--min-time, --max-time] as `{labels} VALUE TIMESTAMP`, with the
// value formatted as Go's %g, series sorted by labels. Reads the blocks and the head (WAL) of the
// data dir, merged, and fails as promtool does (exit 1, its message) on a missing dir, a damaged
// block or a damaged WAL.
import { stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Labels, type Matcher } from '@tsprom/labels';
import { formatFloatG, parseMetricSelector } from '@tsprom/promql';
import { type Series, ValueType } from '@tsprom/storage-interfaces';
import { CorruptionError, DB } from '@tsprom/tsdb';
import { type Command, type CommandIO, UsageError } from '../command.js';
import { goError } from '../go-errors.js';
import { readOnlyBlocks } from '../tsdb-blocks.js';

/**
 * Parses a `--match` series selector (`name{a="b", c=~'d.*'}`) as PromQL does; a bad one is a
 * usage error naming the selector and what is wrong with it.
 */
export function parseSeriesSelector(s: string): Matcher[] {
  try {
    return parseMetricSelector(s);
  } catch (err) {
    throw new UsageError(`invalid --match ${JSON.stringify(s)}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

interface DumpArgs {
  dir: string;
  minTime: number;
  maxTime: number;
  matches: string[];
}

function parseArgs(args: string[]): DumpArgs {
  const out: DumpArgs = { dir: 'data/', minTime: -Infinity, maxTime: Infinity, matches: [] };
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const m = /^--(min-time|max-time|match)(?:=(.*))?$/s.exec(a);
    if (m === null) {
      if (a.startsWith('--')) throw new UsageError(`unknown long flag '${a}'`);
      positional.push(a);
      continue;
    }
    const value = m[2] ?? args[++i];
    if (value === undefined) throw new UsageError(`expected argument for flag '--${m[1]}'`);
    if (m[1] === 'match') out.matches.push(value);
    else {
      if (!/^-?\d+$/.test(value)) throw new UsageError(`invalid --${m[1]} ${JSON.stringify(value)}`);
      if (m[1] === 'min-time') out.minTime = Number(value);
      else out.maxTime = Number(value);
    }
  }
  if (positional.length > 1) throw new UsageError(`unexpected ${positional[1]}`);
  if (positional[0] !== undefined) out.dir = positional[0];
  if (out.matches.length === 0) out.matches.push("{__name__=~'(?s:.*)'}");
  return out;
}

/**
 * Prometheus: tsdb.OpenDBReadOnly and DBReadOnly.Querier, the checks before samples are read: the
 * directory, its blocks (a damaged one fails the dump as in promtool), then the WAL the head is
 * read from. Returns the error to print (promtool's words), or undefined.
 */
async function checkDataDir(dir: string): Promise<string | undefined> {
  const res = await readOnlyBlocks(dir);
  if ('error' in res) return res.error;
  for (const b of res.blocks) await b.close();
  const walDir = join(dir, 'wal');
  try {
    await stat(walDir);
  } catch (err) {
    return `read WAL: find last checkpoint: open ${walDir}: ${goError(err)}`;
  }
  return undefined;
}

/**
 * promtool's report of WAL damage: `read WAL: `, then `backfill checkpoint: ` in a checkpoint, then
 * for bytes that do not read (not for records that do not decode) `read records: `.
 */
export function walErrorMessage(err: CorruptionError): string {
  const inCheckpoint = /^checkpoint\.\d+$/.test(basename(err.dir));
  return `read WAL: ${inCheckpoint ? 'backfill checkpoint: ' : ''}${err.kind === 'read' ? 'read records: ' : ''}${err.message}`;
}

async function run(args: string[], io: CommandIO): Promise<number> {
  const a = parseArgs(args);
  const matcherSets = a.matches.map(parseSeriesSelector);
  const problem = await checkDataDir(a.dir);
  if (problem !== undefined) {
    io.stderr(`${problem}\n`);
    return 1;
  }
  let db: DB;
  try {
    // promtool's read-only DB fails on damage; it never repairs.
    db = await DB.open(a.dir, { readOnly: true, walRepair: false, logger: () => {} });
  } catch (err) {
    if (!(err instanceof CorruptionError)) throw err;
    io.stderr(`${walErrorMessage(err)}\n`);
    return 1;
  }
  try {
    const seen = new Set<string>();
    const q = db.querier(a.minTime, a.maxTime);
    const lines: string[] = [];
    // Several --match selectors: their union, each series once, in label order.
    const series: { labels: string; s: Series }[] = [];
    for (const ms of matcherSets) {
      const set = await q.select(true, undefined, ms);
      while (set.next()) {
        const s = set.at();
        const key = s.labels().key();
        if (seen.has(key)) continue;
        seen.add(key);
        series.push({ labels: s.labels().toString(), s });
      }
      const err = set.err();
      if (err !== undefined) throw err;
    }
    if (matcherSets.length > 1) series.sort((x, y) => Labels.compare(x.s.labels(), y.s.labels()));
    for (const { labels, s } of series) {
      const it = s.iterator();
      while (it.next() === ValueType.Float) {
        lines.push(`${labels} ${formatFloatG(it.atV())} ${it.atT()}\n`);
        if (lines.length >= 4096) io.stdout(lines.splice(0).join(''));
      }
      const err = it.err();
      if (err !== undefined) throw err;
    }
    if (lines.length > 0) io.stdout(lines.join(''));
    await q.close();
  } finally {
    await db.close();
  }
  return 0;
}

/** `tspromtool tsdb dump [--min-time=T] [--max-time=T] [--match=SELECTOR]... [DIR]` */
export const tsdbDump: Command = {
  path: 'tsdb dump',
  summary: 'Dump samples from a TSDB.',
  usage: '[<flags>] [<db path>]',
  flags: [
    { flag: '--min-time=-9223372036854775808', help: 'Minimum timestamp to dump.' },
    { flag: '--max-time=9223372036854775807', help: 'Maximum timestamp to dump.' },
    { flag: `--match="{__name__=~'(?s:.*)'}"`, help: 'Series selector.' },
  ],
  args: [{ arg: '[<db path>]', help: 'Database path (default is data/).' }],
  run,
};
