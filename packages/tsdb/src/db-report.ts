// What DB.open tells its logger about replay: counts, and damage with what it cost.
import type { ReplayReport } from './head-replay.js';

/** Warnings to console.warn, the rest nowhere. */
export function defaultLogger(msg: string, level: 'info' | 'warn'): void {
  if (level === 'warn') console.warn(msg);
}

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

/** Logs what a replay of `what` (WAL, WBL) read, and the damage it met with what it cost. */
export function describe(log: (msg: string, level: 'info' | 'warn') => void, what: string, r: ReplayReport): void {
  log(
    `tsdb: ${what} replay: ${r.records} records, ${r.series} series, ${r.samples} samples` +
      (r.checkpoint === undefined ? '' : `, from checkpoint ${r.checkpoint}`) +
      (r.unknownRefs > 0 ? `, ${r.unknownRefs} samples of unknown series dropped` : ''),
    'info',
  );
  const c = r.corruption;
  if (c === undefined) return;
  const { error, lost } = c;
  const seg = String(error.segment).padStart(8, '0');
  const later =
    lost.laterSegments.length === 0
      ? 'no later segment'
      : `${plural(lost.laterSegments.length, 'later segment')} (${lost.laterSegments[0]}` +
        `${lost.laterSegments.length > 1 ? `-${lost.laterSegments[lost.laterSegments.length - 1]}` : ''}) holding ` +
        `${plural(lost.laterRecords, 'record')} with ${plural(lost.laterSamples, 'sample')}`;
  const head = `tsdb: ${what} ${error.message}`;
  const kept = `kept the ${plural(r.records, 'record')} (${plural(r.samples, 'sample')} loaded) before it`;
  const rest = `the rest of segment ${seg} from offset ${error.offset} (${lost.segmentBytes} bytes) and ${later}`;
  if (c.repair === undefined) {
    log(`${head}; read-only, so not repaired: ${kept}, did not load ${rest}`, 'warn');
  } else {
    log(`${head}; repaired: ${kept}, dropped ${rest}`, 'warn');
  }
}
