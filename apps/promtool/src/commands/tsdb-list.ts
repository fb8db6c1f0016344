// Prometheus: cmd/promtool/tsdb.go listBlocks, printBlocks (`promtool tsdb list`). One line per
// block of the data dir, sorted by time, in a tabwriter table as promtool prints it.
import type { Block } from '@tsprom/tsdb/block';
import { type Command, type CommandIO, UsageError } from '../command.js';
import { goBase2Bytes, goDuration, goTimeUTC, tabwrite } from '../go-format.js';
import { readOnlyBlocks } from '../tsdb-blocks.js';

/** Prometheus: printBlocks. The table of `blocks`, with its header when `header`. */
export function formatBlocks(blocks: readonly Block[], header: boolean, humanReadable: boolean): string {
  const rows: string[][] = [];
  if (header)
    rows.push(['BLOCK ULID', 'MIN TIME', 'MAX TIME', 'DURATION', 'NUM SAMPLES', 'NUM CHUNKS', 'NUM SERIES', 'SIZE']);
  // promtool prints human-readable times to the second (time.Unix(t/1000, 0)).
  const time = (t: number): string => (humanReadable ? goTimeUTC(Math.trunc(t / 1000) * 1000) : String(t));
  for (const b of blocks) {
    const m = b.meta;
    rows.push([
      m.ulid,
      time(m.minTime),
      time(m.maxTime),
      goDuration(m.maxTime - m.minTime),
      String(m.stats.numSamples ?? 0),
      String(m.stats.numChunks ?? 0),
      String(m.stats.numSeries ?? 0),
      humanReadable ? goBase2Bytes(b.sizeBytes) : String(b.sizeBytes),
    ]);
  }
  return tabwrite(rows, 13, 2);
}

async function run(args: string[], io: CommandIO): Promise<number> {
  let humanReadable = false;
  const positional: string[] = [];
  for (const a of args) {
    if (a === '-r' || a === '--human-readable') humanReadable = true;
    else if (a.startsWith('-')) throw new UsageError(`unknown long flag '${a}'`);
    else positional.push(a);
  }
  if (positional.length > 1) throw new UsageError(`unexpected ${positional[1]}`);
  const res = await readOnlyBlocks(positional[0] ?? 'data/');
  if ('error' in res) {
    io.stderr(`${res.error}\n`);
    return 1;
  }
  io.stdout(formatBlocks(res.blocks, true, humanReadable));
  for (const b of res.blocks) await b.close();
  return 0;
}

/** `tspromtool tsdb list [-r] [DIR]` */
export const tsdbList: Command = {
  path: 'tsdb list',
  summary: 'List tsdb blocks.',
  usage: '[<flags>] [<db path>]',
  flags: [{ flag: '-r, --human-readable', help: 'Print human readable values.' }],
  args: [{ arg: '[<db path>]', help: 'Database path (default is data/).' }],
  run,
};
