// The remote-write load sends every sample of the tail once, each series in one shard with its
// samples in time order, in requests of at most 2000 samples, with as many shards as asked.
import { decodeWriteRequest, snappyDecode } from '@tsprom/remote';
import { describe, expect, it } from 'vitest';
import { dataSetSpec, generateDataSet } from './data-set.js';
import { buildWriteLoad, WRITE_SHARDS } from './remote-write-load.js';

const spec = dataSetSpec('small');
const data = generateDataSet(spec);

describe('buildWriteLoad', () => {
  it.each([
    [WRITE_SHARDS, true],
    [3, false],
  ])('splits the tail among %i shards (histograms: %s), every sample once and in order', (shards, histograms) => {
    const load = buildWriteLoad(data, spec.splitMs, Number.POSITIVE_INFINITY, histograms, shards);
    expect(load.shards.length).toBe(shards);
    const shardOf = new Map<string, number>();
    const lastT = new Map<string, number>();
    let floats = 0;
    let hists = 0;
    let requests = 0;
    let warm = 0;
    load.shards.forEach((bodies, shard) => {
      // Every shard has requests: all are in flight at once.
      expect(bodies.length).toBeGreaterThan(0);
      // A quarter of each shard's requests warm the peer up; the rest is measured.
      const w = load.warmupRequests[shard]!;
      expect(w).toBe(Math.floor(bodies.length / 4));
      bodies.forEach((b, k) => {
        requests++;
        const req = decodeWriteRequest(snappyDecode(b));
        let n = 0;
        for (const ts of req.timeseries) {
          const key = ts.labels.map((l) => `${l.name}=${l.value}`).join(',');
          expect(shardOf.get(key) ?? shard).toBe(shard);
          shardOf.set(key, shard);
          for (const t of [...ts.samples.map((s) => s.timestamp), ...ts.histograms.map((h) => h.timestamp)]) {
            expect(t).toBeGreaterThan(lastT.get(key) ?? spec.splitMs - 1);
            lastT.set(key, t);
          }
          n += ts.samples.length + ts.histograms.length;
          floats += ts.samples.length;
          hists += ts.histograms.length;
        }
        expect(n).toBeLessThanOrEqual(2000);
        if (k < w) warm += n;
      });
    });
    expect(warm).toBe(load.warmupSamples);
    expect(warm).toBeGreaterThan(0);
    expect(requests).toBe(load.requests);
    expect(floats).toBe(load.floatSamples);
    expect(hists).toBe(load.histogramSamples);
    expect(hists > 0).toBe(histograms);
    const steps = (spec.startMs + spec.durationMs - spec.splitMs) / spec.intervalMs;
    expect(shardOf.size).toBe(load.series);
    expect(floats + hists).toBe(load.series * steps);
  });
});
