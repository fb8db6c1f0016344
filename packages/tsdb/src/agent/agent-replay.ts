// Prometheus: tsdb/agent/db.go DB.replayWAL, loadWAL: the series and their newest timestamps,
// rebuilt from the last checkpoint and the segments after it.
import { RecordDecoder } from '../record/record-decoder.js';
import { RecordType } from '../record/record-type.js';
import { newRefSamples } from '../record/ref-types.js';
import { lastCheckpoint } from '../wlog/checkpoint.js';
import type { CorruptionError } from '../wlog/errors.js';
import { readAllRecords } from '../wlog/read-all.js';
import { AgentSeries, type AgentSeriesMap } from './agent-series.js';

/** What {@link replayAgentWAL} found. */
export interface AgentReplayResult {
  /** The highest series ref seen: new refs are handed out above it. */
  lastRef: number;
  /** Records read (checkpoint and segments). */
  records: number;
  /** The newest sample time (ms) of each segment read that holds samples (not the checkpoint's). */
  segmentMaxT: Map<number, number>;
  /** Samples whose series ref had no series record (Prometheus: non-existent series refs). */
  unknownRefs: number;
  /** Damage that stopped reading the segments (everything before it was loaded). */
  corruption?: CorruptionError;
}

/**
 * Loads the series (refs, labels, metadata) and their newest sample times from the last
 * checkpoint of `walDir` and the segments after it into `series`. Series records repeating the
 * labels of a known series under another ref are mapped onto it, as Prometheus's multiRef.
 * Damage in the checkpoint rejects (a CorruptionError); damage in a segment is returned.
 */
export async function replayAgentWAL(walDir: string, series: AgentSeriesMap): Promise<AgentReplayResult> {
  const dec = new RecordDecoder();
  const cols = newRefSamples(1024);
  const multiRef = new Map<number, number>();
  const res: AgentReplayResult = { lastRef: 0, records: 0, unknownRefs: 0, segmentMaxT: new Map() };
  // The segment being read; -1 in the checkpoint.
  let segment = -1;
  const update = (ref: number, t: number): void => {
    if (segment >= 0 && t > (res.segmentMaxT.get(segment) ?? Number.NEGATIVE_INFINITY)) {
      res.segmentMaxT.set(segment, t);
    }
    const s = series.getByRef(multiRef.get(ref) ?? -1);
    if (s === undefined) {
      res.unknownRefs++;
      return;
    }
    if (t > s.lastTs) s.lastTs = t;
  };
  const onRecord = (rec: Uint8Array): void => {
    res.records++;
    switch (dec.type(rec)) {
      case RecordType.Series:
        for (const e of dec.series(rec)) {
          if (e.ref > res.lastRef) res.lastRef = e.ref;
          if (series.getByRef(e.ref) !== undefined) continue;
          const same = series.getByLabels(e.labels);
          if (same !== undefined) {
            multiRef.set(e.ref, same.ref);
            continue;
          }
          series.set(new AgentSeries(e.ref, e.labels));
          multiRef.set(e.ref, e.ref);
        }
        break;
      case RecordType.Samples: {
        cols.length = 0;
        const n = dec.samplesInto(rec, cols);
        const { refs, ts } = cols;
        for (let i = 0; i < n; i++) update(refs[i]!, ts[i]!);
        break;
      }
      case RecordType.HistogramSamples:
      case RecordType.CustomBucketsHistogramSamples:
        for (const h of dec.histogramSamples(rec)) update(h.ref, h.t);
        break;
      case RecordType.FloatHistogramSamples:
      case RecordType.CustomBucketsFloatHistogramSamples:
        for (const h of dec.floatHistogramSamples(rec)) update(h.ref, h.t);
        break;
      case RecordType.Metadata:
        for (const m of dec.metadata(rec)) {
          const s = series.getByRef(multiRef.get(m.ref) ?? -1);
          if (s !== undefined) s.meta = { type: m.type, unit: m.unit, help: m.help };
        }
        break;
      default:
        // Exemplars and other records say nothing the agent keeps in memory.
        break;
    }
  };
  const cp = await lastCheckpoint(walDir);
  if (cp !== undefined) {
    const r = await readAllRecords(cp.dir, onRecord);
    if (r.corruption !== undefined) throw r.corruption;
  }
  const r = await readAllRecords(
    walDir,
    (rec, seg) => {
      segment = seg;
      onRecord(rec);
    },
    { from: cp === undefined ? 0 : cp.index + 1 },
  );
  if (r.corruption !== undefined) res.corruption = r.corruption;
  return res;
}
