// Prometheus: cmd/promtool/backfill.go backfillOpenMetrics, backfill, getMinAndMaxTimestamps,
// getCompatibleBlockDuration, and tsdb/blockwriter.go BlockWriter (`promtool tsdb
// create-blocks-from openmetrics`): the samples of an OpenMetrics file cut into blocks of 2 h
// (or the largest block range within --max-block-duration), each written through an in-memory
// head as promtool's block writer does, so chunks are cut as Prometheus cuts them.
import { closeSync, openSync, readSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Labels } from '@tsprom/labels';
import { type BodyReader, detachString, Entry, OpenMetricsParser } from '@tsprom/textparse';
import { DB } from '@tsprom/tsdb';
import { Block, exponentialBlockRanges, LeveledCompactor } from '@tsprom/tsdb/block';
import { type Command, type CommandIO, UsageError } from '../command.js';
import { formatBlocks } from './tsdb-list.js';

/** Prometheus: tsdb.DefaultBlockDuration. */
const defaultBlockDuration = 2 * 3600_000;
/** Prometheus: backfill's maxSamplesInAppender. */
const maxSamplesInAppender = 5000;
/**
 * The input is decoded and parsed this many bytes at a time: memory stays bounded whatever its
 * size, and TextDecoder decodes pieces this small many times faster than big ones (Node 20).
 */
const readBytes = 64 << 10;

/** Prometheus: getCompatibleBlockDuration. The largest block range not above `maxBlockDuration`. */
export function compatibleBlockDuration(maxBlockDuration: number): number {
  if (maxBlockDuration <= defaultBlockDuration) return defaultBlockDuration;
  const ranges = exponentialBlockRanges(defaultBlockDuration, 10, 3);
  let idx = ranges.length - 1;
  for (let i = 0; i < ranges.length; i++) {
    if (ranges[i]! > maxBlockDuration) {
      idx = i - 1;
      break;
    }
  }
  return ranges[idx]!;
}

class BackfillError extends Error {
  override readonly name = 'BackfillError';
}

/** Prometheus: getMinAndMaxTimestamps. */
function minAndMaxTimestamps(input: BodyReader): { mint: number; maxt: number } {
  const p = new OpenMetricsParser(input, { pieceBytes: readBytes });
  let mint = Infinity;
  let maxt = -Infinity;
  for (;;) {
    let e: Entry;
    try {
      e = p.next();
    } catch (err) {
      throw new BackfillError(`getting min and max timestamp: next: ${(err as Error).message}`, { cause: err });
    }
    if (e === Entry.EOF) break;
    if (e !== Entry.Series) continue;
    const ts = p.timestamp();
    if (ts === undefined)
      throw new BackfillError('getting min and max timestamp: expected timestamp for series got none');
    if (ts > maxt) maxt = ts;
    if (ts < mint) mint = ts;
  }
  return { mint: mint === Infinity ? 0 : mint, maxt: maxt === -Infinity ? 0 : maxt };
}

/** `ls` with its strings copied: no slice of a piece of the input stays alive through it. */
function detachedLabels(ls: Labels): Labels {
  const pairs: string[] = [];
  ls.forEach((name, value) => {
    pairs.push(detachString(name), detachString(value));
  });
  return Labels.fromStrings(...pairs);
}

/**
 * Writes the samples of `input` with `t <= ts < tsUpper` as one block in `outputDir` through an
 * in-memory head. Returns its ULID (undefined when there was none) and the earliest timestamp at or
 * after `tsUpper` (Infinity when none), so that ranges without samples are skipped.
 */
async function writeRange(
  input: BodyReader,
  t: number,
  tsUpper: number,
  blockDuration: number,
  outputDir: string,
): Promise<{ ulid: string | undefined; nextSampleTs: number }> {
  // As promtool's BlockWriter: the head's range is twice the block's, so that samples anywhere in
  // the block are within the head's appendable window.
  const db = await DB.open(undefined, { chunkRangeMs: 2 * blockDuration });
  let nextSampleTs = Infinity;
  try {
    const p = new OpenMetricsParser(input, { pieceBytes: readBytes });
    // The series' refs by their text: the label set is built once a series, its strings copied out
    // of the piece of the input they were parsed from (the head would otherwise keep each piece).
    const refs = new Map<string, number>();
    let app = db.appender();
    let n = 0;
    for (;;) {
      let e: Entry;
      try {
        e = p.next();
      } catch (err) {
        throw new BackfillError(`process blocks: parse: ${(err as Error).message}`, { cause: err });
      }
      if (e === Entry.EOF) break;
      if (e !== Entry.Series) continue;
      const ts = p.timestamp();
      if (ts === undefined) {
        throw new BackfillError(`process blocks: expected timestamp for series ${p.labels().toString()}, got none`);
      }
      if (ts < t) continue;
      if (ts >= tsUpper) {
        if (ts < nextSampleTs) nextSampleTs = ts;
        continue;
      }
      try {
        const key = p.series();
        const ref = refs.get(key);
        if (ref !== undefined) app.append(ref, Labels.EMPTY, ts, p.value());
        else refs.set(detachString(key), app.append(0, detachedLabels(p.labels()), ts, p.value()));
      } catch (err) {
        throw new BackfillError(`process blocks: add sample: ${(err as Error).message}`, { cause: err });
      }
      if (++n < maxSamplesInAppender) continue;
      await app.commit();
      app = db.appender();
      n = 0;
    }
    await app.commit();
    const stats = db.stats();
    if (stats.numSamples === 0) return { ulid: undefined, nextSampleTs };
    // Prometheus: BlockWriter.Flush. Blocks are half-open: one past the last sample.
    const mint = stats.minTime;
    const maxt = stats.maxTime + 1;
    const compactor = new LeveledCompactor({ ranges: [2 * blockDuration] });
    const q = db.chunkQuerier(mint, maxt - 1);
    try {
      const meta = await compactor.write(
        outputDir,
        { chunkSeriesSet: () => q.select(true, undefined, []) },
        mint,
        maxt,
      );
      return { ulid: meta?.ulid, nextSampleTs };
    } finally {
      await q.close();
    }
  } finally {
    await db.close();
  }
}

async function run(args: string[], io: CommandIO): Promise<number> {
  let humanReadable = false;
  let quiet = false;
  let maxBlockDuration = 0;
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const m = /^--max-block-duration(?:=(.*))?$/s.exec(a);
    if (a === '-r' || a === '--human-readable') humanReadable = true;
    else if (a === '-q' || a === '--quiet') quiet = true;
    else if (m !== null) {
      const v = m[1] ?? args[++i] ?? '';
      const d = /^(\d+)(ms|s|m|h|d|w|y)$/.exec(v);
      if (d === null) throw new UsageError(`invalid --max-block-duration ${JSON.stringify(v)}`);
      const unit = { ms: 1, s: 1000, m: 60_000, h: 3600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 }[
        d[2] as 'ms'
      ];
      maxBlockDuration = Number(d[1]) * unit;
    } else if (a.startsWith('-')) throw new UsageError(`unknown long flag '${a}'`);
    else positional.push(a);
  }
  if (positional.length === 0) throw new UsageError("required argument 'input file' not provided");
  if (positional.length > 2) throw new UsageError(`unexpected ${positional[2]}`);
  const outputDir = positional[1] ?? 'data/';
  // Prometheus reads the file again for each block: streamed, with a positional read of the file.
  let fd: number | undefined;
  try {
    fd = openSync(positional[0]!, 'r');
    readSync(fd, new Uint8Array(1), 0, 1, 0); // A directory opens, but does not read.
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    io.stderr(`${(err as Error).message}\n`);
    return 1;
  }
  const file = fd;
  const input: BodyReader = { read: (into, position) => readSync(file, into, 0, into.length, position) };
  try {
    await mkdir(outputDir, { recursive: true });
    return await backfill(input, outputDir, maxBlockDuration, quiet, humanReadable, io);
  } finally {
    closeSync(file);
  }
}

/** Prometheus: backfill. The blocks of `input`, one per block range holding samples; the exit code. */
async function backfill(
  input: BodyReader,
  outputDir: string,
  maxBlockDuration: number,
  quiet: boolean,
  humanReadable: boolean,
  io: CommandIO,
): Promise<number> {
  try {
    const { mint: first, maxt } = minAndMaxTimestamps(input);
    const blockDuration = compatibleBlockDuration(maxBlockDuration);
    const mint = blockDuration * Math.trunc(first / blockDuration);
    let wroteHeader = false;
    let nextSampleTs = Infinity;
    for (let t = mint; t <= maxt; t += blockDuration) {
      const tsUpper = t + blockDuration;
      // No sample in this range: skip parsing the file for it.
      if (nextSampleTs !== Infinity && nextSampleTs >= tsUpper) continue;
      const r = await writeRange(input, t, tsUpper, blockDuration, outputDir);
      nextSampleTs = r.nextSampleTs;
      if (r.ulid === undefined || quiet) continue;
      const b = await Block.open(join(outputDir, r.ulid));
      io.stdout(formatBlocks([b], !wroteHeader, humanReadable));
      wroteHeader = true;
      await b.close();
    }
  } catch (err) {
    if (!(err instanceof BackfillError)) throw err;
    io.stderr(`${err.message}\n`);
    return 1;
  }
  return 0;
}

/** `tspromtool tsdb create-blocks-from openmetrics [-r] [-q] FILE [DIR]` */
export const tsdbCreateBlocksFromOpenMetrics: Command = {
  path: 'tsdb create-blocks-from openmetrics',
  summary:
    'Import samples from OpenMetrics input and produce TSDB blocks. Please refer to the storage docs for more details.',
  usage: '[<flags>] <input file> [<output directory>]',
  flags: [
    { flag: '-r, --human-readable', help: 'Print human readable values.' },
    { flag: '-q, --quiet', help: 'Do not print created blocks.' },
    {
      flag: '--max-block-duration=2h',
      help: 'Maximum duration created blocks may span. Anything less than 2h is ignored.',
    },
  ],
  args: [
    { arg: '<input file>', help: 'OpenMetrics file to read samples from.' },
    { arg: '[<output directory>]', help: 'Output directory for generated blocks.' },
  ],
  run,
};
