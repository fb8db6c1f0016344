// Prometheus: tsdb.OpenDBReadOnly and DBReadOnly.Blocks as promtool's tsdb commands use them: the
// blocks of a data dir sorted by time, or the error promtool prints when one is damaged.
import { stat } from 'node:fs/promises';
import { type Block, CorruptBlockError, openBlocks } from '@tsprom/tsdb/block';
import { goError } from './go-errors.js';

/** The blocks of `dir` (close them when done), or promtool's message for why they do not open. */
export async function readOnlyBlocks(dir: string): Promise<{ blocks: Block[] } | { error: string }> {
  try {
    await stat(dir);
  } catch (err) {
    return { error: `opening the db dir: stat ${dir}: ${goError(err)}` };
  }
  let res: Awaited<ReturnType<typeof openBlocks>>;
  try {
    res = await openBlocks(dir);
  } catch (err) {
    return { error: `find blocks: readdirent ${dir}: ${goError(err)}` };
  }
  if (res.corrupted.size === 0) return { blocks: res.blocks };
  for (const b of res.blocks) await b.close();
  const errs = [...res.corrupted.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([ulid, err]) => `corrupted block ${ulid}: ${err instanceof CorruptBlockError ? err.reason : err.message}`);
  // Go's tsdb_errors multi-error.
  return { error: `${errs.length > 1 ? `${errs.length} errors: ` : ''}${errs.join('; ')}` };
}
