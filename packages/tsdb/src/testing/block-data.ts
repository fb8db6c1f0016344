// Test helpers for blocks: series built from sample lists, and blocks read back into them. Test
// helper, not part of the API.
import { newChunk } from '@tsprom/chunkenc';
import { Labels, Matcher, MatchType } from '@tsprom/labels';
import {
  type ChunkSeries,
  type ChunkSeriesSet,
  type FloatSample,
  ListSeries,
  type Querier,
  seriesSetFromList,
  seriesToChunkEncoder,
  ValueType,
} from '@tsprom/storage-interfaces';

/** A series as a list of float samples. */
export interface TestSeries {
  labels: Labels;
  samples: FloatSample[];
}

/** The series as a sorted ChunkSeriesSet of XOR chunks of at most 120 samples. */
export function chunkSeriesSetOf(series: readonly TestSeries[]): ChunkSeriesSet {
  const sorted = [...series].sort((a, b) => Labels.compare(a.labels, b.labels));
  return seriesSetFromList<ChunkSeries>(
    sorted.map((s) => seriesToChunkEncoder(new ListSeries(s.labels, s.samples), newChunk)),
  );
}

/** Every series of `q` matching `matchers` (all when none), read into sample lists. */
export async function readAll(
  q: Querier,
  matchers: Matcher[] = [],
  mint?: number,
  maxt?: number,
): Promise<TestSeries[]> {
  const ms = matchers.length > 0 ? matchers : [new Matcher(MatchType.Regexp, '__name__', '.*')];
  const hints = mint === undefined ? undefined : { start: mint, end: maxt! };
  const set = await q.select(true, hints, ms);
  const out: TestSeries[] = [];
  while (set.next()) {
    const s = set.at();
    const it = s.iterator();
    const samples: FloatSample[] = [];
    while (it.next() === ValueType.Float) samples.push({ t: it.atT(), v: it.atV() });
    const err = it.err();
    if (err !== undefined) throw err;
    out.push({ labels: s.labels(), samples });
  }
  const err = set.err();
  if (err !== undefined) throw err;
  return out;
}

/** `{labels} value timestamp` lines as promtool tsdb dump prints them, values as float bits. */
export function dumpLines(series: readonly TestSeries[]): string[] {
  const out: string[] = [];
  for (const s of series) for (const p of s.samples) out.push(`${s.labels.toString()} ${bitsOf(p.v)} ${p.t}`);
  return out;
}

/** The float64 bits of `v` as hex (NaN payloads kept). */
export function bitsOf(v: number): string {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, v);
  return dv.getBigUint64(0).toString(16);
}
