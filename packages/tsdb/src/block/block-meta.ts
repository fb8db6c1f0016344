// Prometheus: tsdb/block.go BlockMeta, BlockStats, BlockDesc, BlockMetaCompaction, readMetaFile,
// writeMetaFile: a block's meta.json.
import { open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { CorruptBlockError } from './errors.js';
import { isULID } from './ulid.js';

/** Name of a block's meta file. */
export const META_FILENAME = 'meta.json';
/** The meta.json version Prometheus writes and reads. */
export const META_VERSION_1 = 1;
/** Compaction hint of blocks made from out-of-order data (Prometheus: CompactionHintFromOutOfOrder). */
export const COMPACTION_HINT_FROM_OUT_OF_ORDER = 'from-out-of-order';

/** Prometheus: tsdb.BlockStats. Counts of the block's content. */
export interface BlockStats {
  numSamples?: number;
  numFloatSamples?: number;
  numHistogramSamples?: number;
  numSeries?: number;
  numChunks?: number;
  numTombstones?: number;
}

/** Prometheus: tsdb.BlockDesc. A block by ULID and time range. */
export interface BlockDesc {
  ulid: string;
  minTime: number;
  maxTime: number;
}

/** Prometheus: tsdb.BlockMetaCompaction. Where the block came from. */
export interface BlockMetaCompaction {
  /** 1 for a block cut from the head (or backfilled); the highest parent's level + 1 for a compacted one. */
  level: number;
  /** ULIDs of the level-1 blocks whose data this block holds. */
  sources?: string[];
  /** The block holds no data and is to be deleted. */
  deletable?: boolean;
  /** The blocks it was compacted from. */
  parents?: BlockDesc[];
  /** A compaction of this block failed (it is not picked again). */
  failed?: boolean;
  /** Prometheus: compaction hints; `from-out-of-order` marks a block of out-of-order samples. */
  hints?: string[];
}

/** Prometheus: CompactionHintFromOutOfOrder. */
export const compactionHintFromOutOfOrder = 'from-out-of-order';

/** Prometheus: BlockMetaCompaction.FromOutOfOrder. Whether the block holds out-of-order samples only. */
export function fromOutOfOrder(c: BlockMetaCompaction): boolean {
  return c.hints?.includes(compactionHintFromOutOfOrder) === true;
}

/**
 * Prometheus: tsdb.BlockMeta. The block's time range is half-open: samples have
 * `minTime <= t < maxTime` (ms). Fields this version does not know (e.g. Thanos's) are kept in
 * `extra` and written back.
 */
export interface BlockMeta {
  ulid: string;
  minTime: number;
  maxTime: number;
  stats: BlockStats;
  compaction: BlockMetaCompaction;
  version: number;
  extra?: Record<string, unknown>;
}

const KNOWN = new Set(['ulid', 'minTime', 'maxTime', 'stats', 'compaction', 'version']);

function isInt(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x);
}

/** Validates a parsed meta.json; returns the problem, or undefined. */
function checkMeta(m: Record<string, unknown>): string | undefined {
  if (typeof m.ulid !== 'string' || !isULID(m.ulid)) return `invalid ulid ${JSON.stringify(m.ulid)}`;
  if (!isInt(m.minTime) || !isInt(m.maxTime)) return 'minTime and maxTime must be integers';
  if (m.version !== META_VERSION_1) return `unexpected meta file version ${JSON.stringify(m.version)}`;
  const c = m.compaction as Record<string, unknown> | undefined;
  if (typeof c !== 'object' || c === null || !isInt(c.level)) return 'compaction.level missing';
  if (m.stats !== undefined && (typeof m.stats !== 'object' || m.stats === null)) return 'stats is not an object';
  return undefined;
}

/**
 * Prometheus: readMetaFile. Reads and checks `dir`/meta.json; damage (unreadable JSON, a bad
 * version, missing fields) is a CorruptBlockError naming the block and the file. Also returns the
 * file's size.
 */
export async function readBlockMeta(dir: string): Promise<{ meta: BlockMeta; sizeBytes: number }> {
  const raw = await readFile(join(dir, META_FILENAME));
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw new CorruptBlockError(dir, META_FILENAME, -1, `invalid JSON: ${(err as Error).message}`, { cause: err });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CorruptBlockError(dir, META_FILENAME, -1, 'not a JSON object');
  }
  const m = parsed as Record<string, unknown>;
  const problem = checkMeta(m);
  if (problem !== undefined) throw new CorruptBlockError(dir, META_FILENAME, -1, problem);
  const extra: Record<string, unknown> = {};
  let hasExtra = false;
  for (const k of Object.keys(m)) {
    if (KNOWN.has(k)) continue;
    extra[k] = m[k];
    hasExtra = true;
  }
  const meta: BlockMeta = {
    ulid: m.ulid as string,
    minTime: m.minTime as number,
    maxTime: m.maxTime as number,
    stats: { ...((m.stats as BlockStats | undefined) ?? {}) },
    compaction: { ...(m.compaction as BlockMetaCompaction) },
    version: META_VERSION_1,
  };
  if (hasExtra) meta.extra = extra;
  return { meta, sizeBytes: raw.length };
}

/** meta.json's bytes as Prometheus writes them (Go's json.MarshalIndent with a tab, omitempty). */
export function encodeBlockMeta(meta: BlockMeta): string {
  const stats: Record<string, number> = {};
  const s = meta.stats;
  for (const k of [
    'numSamples',
    'numFloatSamples',
    'numHistogramSamples',
    'numSeries',
    'numChunks',
    'numTombstones',
  ] as const) {
    const v = s[k];
    if (v !== undefined && v !== 0) stats[k] = v;
  }
  const c = meta.compaction;
  const compaction: Record<string, unknown> = { level: c.level };
  if (c.sources !== undefined && c.sources.length > 0) compaction.sources = c.sources;
  if (c.deletable === true) compaction.deletable = true;
  if (c.parents !== undefined && c.parents.length > 0) {
    compaction.parents = c.parents.map((p) => ({ ulid: p.ulid, minTime: p.minTime, maxTime: p.maxTime }));
  }
  if (c.failed === true) compaction.failed = true;
  if (c.hints !== undefined && c.hints.length > 0) compaction.hints = c.hints;
  const out: Record<string, unknown> = {
    ulid: meta.ulid,
    minTime: meta.minTime,
    maxTime: meta.maxTime,
    stats,
    compaction,
    version: meta.version,
    ...meta.extra,
  };
  return JSON.stringify(out, null, '\t');
}

/**
 * Prometheus: writeMetaFile. Writes `dir`/meta.json atomically: to meta.json.tmp, fsync, rename.
 * Returns the bytes written.
 */
export async function writeBlockMeta(dir: string, meta: BlockMeta): Promise<number> {
  const path = join(dir, META_FILENAME);
  const tmp = `${path}.tmp`;
  const data = Buffer.from(encodeBlockMeta(meta), 'utf8');
  const fh = await open(tmp, 'w', 0o666);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
  return data.length;
}
