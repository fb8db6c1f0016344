// A query far from every sample of the DB answers an empty result, correctly and silently; the
// facade says so, naming the data's time range, since the usual cause is a time in the wrong unit
// or a clock mix-up (a query at 1970 for data of today).
import type { DB } from '@tsprom/tsdb';

/**
 * Hints about the window `[mint, maxt]` (ms) a query reads: none when it overlaps the DB's
 * samples, else one sentence naming both time ranges.
 */
export function dataRangeHints(db: DB, mint: number, maxt: number): string[] {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const b of db.blocks()) {
    if (b.minTime < min) min = b.minTime;
    if (b.maxTime > max) max = b.maxTime;
  }
  const st = db.stats();
  if (st.numSamples > 0 && Number.isFinite(st.minTime)) {
    if (st.minTime < min) min = st.minTime;
    if (st.maxTime > max) max = st.maxTime;
  }
  if (!Number.isFinite(min)) return ['the DB holds no samples'];
  if (maxt >= min && mint <= max) return [];
  const when = maxt < min ? 'before' : 'after';
  const hint = `the query reads ${iso(mint)} to ${iso(maxt)}, ${when} every sample of the DB (${iso(min)} to ${iso(max)})`;
  // A time in seconds given as ms lands near 1970, a time in ms given as seconds far in the future.
  const s = maxt * 1000;
  if (s >= min && s <= max + 3_600_000) return [`${hint}: was a time in seconds given as { ms }?`];
  const ms = mint / 1000;
  if (ms >= min - 3_600_000 && ms <= max) return [`${hint}: was a time in ms given as { seconds }?`];
  return [hint];
}

function iso(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? `${ms} ms` : d.toISOString();
}
