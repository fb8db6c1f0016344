// Prometheus: cmd/promtool/tsdb.go analyzeBlock, analyzeCompaction (`promtool tsdb analyze`):
// a block's series, label names and postings, the label pairs and names most involved in
// churn, the most common pairs, the labels of highest cardinality and cumulative value length,
// and with --extended how full its chunks are.
import { compareStrings } from '@tsprom/labels';
import type { Block } from '@tsprom/tsdb/block';
import { type Command, type CommandIO, UsageError } from '../command.js';
import { goDuration } from '../go-format.js';
import { readOnlyBlocks } from '../tsdb-blocks.js';

interface PostingInfo {
  key: string;
  metric: number;
}

/**
 * The `limit` entries with the highest metric, as `N key` lines. Ties are in key order (promtool's
 * order of ties follows Go's map iteration, which is random).
 */
function printInfo(infos: PostingInfo[], limit: number): string {
  infos.sort((a, b) => b.metric - a.metric || compareStrings(a.key, b.key));
  let out = '';
  for (let i = 0; i < infos.length && i < limit; i++) out += `${infos[i]!.metric} ${infos[i]!.key}\n`;
  return out;
}

/** Prometheus: analyzeBlock. The report on `block`; `write` receives it piece by piece. */
export function analyzeBlock(block: Block, limit: number, extended: boolean, write: (s: string) => void): void {
  const meta = block.meta;
  const ir = block.index;
  const range = meta.maxTime - meta.minTime;
  write(`Block ID: ${meta.ulid}\n`);
  write(`Duration: ${goDuration(range)}\n`);
  write(`Series: ${meta.stats.numSeries ?? 0}\n`);
  const allLabelNames = ir.labelNames();
  write(`Label names: ${allLabelNames.length}\n`);
  const labelsUncovered = new Map<string, number>();
  const labelpairsUncovered = new Map<string, number>();
  const labelpairsCount = new Map<string, number>();
  let entries = 0;
  const all = ir.allPostings();
  for (let i = 0; i < all.length; i++) {
    const s = ir.series(all[i]!);
    const chks = s.chunks;
    // The part of the block's range this series does not cover.
    const uncovered = chks.length === 0 ? range : range - (chks[chks.length - 1]!.maxt - chks[0]!.mint);
    s.labels.forEach((name, value) => {
      const key = `${name}=${value}`;
      labelsUncovered.set(name, (labelsUncovered.get(name) ?? 0) + uncovered);
      labelpairsUncovered.set(key, (labelpairsUncovered.get(key) ?? 0) + uncovered);
      labelpairsCount.set(key, (labelpairsCount.get(key) ?? 0) + 1);
      entries++;
    });
  }
  write(`Postings (unique label pairs): ${labelpairsUncovered.size}\n`);
  write(`Postings entries (total label pairs): ${entries}\n`);
  const churn = (m: Map<string, number>): PostingInfo[] =>
    [...m].map(([key, v]) => ({ key, metric: Math.trunc(v / range) }));
  write(`\nLabel pairs most involved in churning:\n${printInfo(churn(labelpairsUncovered), limit)}`);
  write(`\nLabel names most involved in churning:\n${printInfo(churn(labelsUncovered), limit)}`);
  write(
    `\nMost common label pairs:\n${printInfo(
      [...labelpairsCount].map(([key, metric]) => ({ key, metric })),
      limit,
    )}`,
  );
  const lengths: PostingInfo[] = [];
  const cardinality: PostingInfo[] = [];
  const utf8 = new TextEncoder();
  for (const n of allLabelNames) {
    const values = ir.labelValues(n);
    let cumulative = 0;
    for (const v of values) cumulative += utf8.encode(v).length;
    lengths.push({ key: n, metric: cumulative });
    cardinality.push({ key: n, metric: values.length });
  }
  write(`\nLabel names with highest cumulative label value length:\n${printInfo(lengths, limit)}`);
  write(`\nHighest cardinality labels:\n${printInfo(cardinality, limit)}`);
  const names: PostingInfo[] = ir
    .labelValues('__name__')
    .map((n) => ({ key: n, metric: ir.postings('__name__', [n]).length }));
  write(`\nHighest cardinality metric names:\n${printInfo(names, limit)}`);
  if (extended) analyzeCompaction(block, write);
}

/** Prometheus: analyzeCompaction. How full the block's chunks are, in tenths of 120 samples. */
function analyzeCompaction(block: Block, write: (s: string) => void): void {
  const maxSamplesPerChunk = 120;
  const nBuckets = 10;
  const histogram = new Array<number>(nBuckets).fill(0);
  let total = 0;
  const ir = block.index;
  const all = ir.allPostings();
  for (let i = 0; i < all.length; i++) {
    for (const c of ir.series(all[i]!).chunks) {
      const size = Math.min(block.chunks.chunk(c.ref).numSamples(), maxSamplesPerChunk);
      histogram[Math.ceil((nBuckets * size) / maxSamplesPerChunk) - 1]!++;
      total++;
    }
  }
  write('\nCompaction analysis:\nFullness: Amount of samples in chunks (100% is 120 samples)\n');
  for (let b = 0; b < nBuckets; b++) {
    const pct = Math.trunc((100 * histogram[b]!) / total);
    write(`${String((b + 1) * 10).padStart(7)}%: ${'#'.repeat(pct)}\n`);
  }
}

async function run(args: string[], io: CommandIO): Promise<number> {
  let limit = 20;
  let extended = false;
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const m = /^--limit(?:=(.*))?$/s.exec(a);
    if (m !== null) {
      const v = m[1] ?? args[++i];
      if (v === undefined || !/^-?\d+$/.test(v)) throw new UsageError(`invalid --limit ${JSON.stringify(v ?? '')}`);
      limit = Number(v);
    } else if (a === '--extended') extended = true;
    else if (a.startsWith('--')) throw new UsageError(`unknown long flag '${a}'`);
    else positional.push(a);
  }
  if (positional.length > 2) throw new UsageError(`unexpected ${positional[2]}`);
  const res = await readOnlyBlocks(positional[0] ?? 'data/');
  if ('error' in res) {
    io.stderr(`${res.error}\n`);
    return 1;
  }
  try {
    // The last block (by time) unless one is named.
    const id = positional[1] ?? res.blocks[res.blocks.length - 1]?.ulid ?? '';
    const block = res.blocks.find((b) => b.ulid === id);
    if (block === undefined) {
      io.stderr(`block ${id} not found\n`);
      return 1;
    }
    let out = '';
    analyzeBlock(block, limit, extended, (s) => {
      out += s;
      if (out.length > 1 << 16) {
        io.stdout(out);
        out = '';
      }
    });
    io.stdout(out);
    return 0;
  } finally {
    for (const b of res.blocks) await b.close();
  }
}

/** `tspromtool tsdb analyze [--limit=20] [--extended] [DIR] [BLOCK]` */
export const tsdbAnalyze: Command = {
  path: 'tsdb analyze',
  summary: 'Analyze churn, label pair cardinality and compaction efficiency.',
  usage: '[<flags>] [<db path>] [<block id>]',
  flags: [
    { flag: '--limit=20', help: 'How many items to show in each list.' },
    { flag: '--extended', help: 'Run extended analysis.' },
  ],
  args: [
    { arg: '[<db path>]', help: 'Database path (default is data/).' },
    { arg: '[<block id>]', help: 'Block to analyze (default is the last block).' },
  ],
  run,
};
