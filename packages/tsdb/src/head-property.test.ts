// Property tests: random appends (in order, out of order, duplicates, refs reused), committed or
// rolled back, checked against a simple model through the Querier.
import { Labels } from '@tsprom/labels';
import {
  DuplicateSampleForTimestampError,
  OutOfBoundsError,
  OutOfOrderSampleError,
  TooOldSampleError,
  ValueType,
} from '@tsprom/storage-interfaces';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Head } from './head.js';

const seriesLabels = Array.from({ length: 5 }, (_, i) => Labels.fromStrings('__name__', 'm', 'i', String(i)));

interface Op {
  series: number;
  t: number;
  v: number;
  useRef: boolean;
}
interface Batch {
  ops: Op[];
  commit: boolean;
  openQuerierBefore: boolean;
}

const opArb = fc.record({
  series: fc.integer({ min: 0, max: 4 }),
  t: fc.integer({ min: 0, max: 3000 }),
  v: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.double({ noNaN: false })),
  useRef: fc.boolean(),
});
const batchArb = fc.record({
  ops: fc.array(opArb, { maxLength: 30 }),
  commit: fc.boolean(),
  openQuerierBefore: fc.boolean(),
});

type Model = Map<number, Map<number, number>>;

async function read(head: Head, mint = 0, maxt = 10_000, q = head.querier(mint, maxt)): Promise<Model> {
  const out: Model = new Map();
  const set = await q.select(false, undefined, []);
  while (set.next()) {
    const s = set.at();
    const i = Number(s.labels().get('i'));
    const m = new Map<number, number>();
    const it = s.iterator();
    let last = -Infinity;
    while (it.next() !== ValueType.None) {
      expect(it.atT()).toBeGreaterThan(last);
      last = it.atT();
      m.set(it.atT(), it.atV());
    }
    expect(it.err()).toBeUndefined();
    out.set(i, m);
  }
  await q.close();
  return out;
}

function bitsEqual(a: number, b: number): boolean {
  const x = new Float64Array([a, b]);
  const u = new BigUint64Array(x.buffer);
  return u[0] === u[1];
}

function clone(m: Model): Model {
  return new Map([...m].map(([k, v]) => [k, new Map(v)]));
}

function stripEmpty(m: Model): Model {
  return new Map([...m].filter(([, v]) => v.size > 0));
}

/** The latest (in-order) sample of a series in the model, as `memSeries.maxTime` / `lastValue`. */
function latest(model: Model, series: number): { maxt: number; last: number } {
  let maxt = -Infinity;
  let last = 0;
  for (const [t, v] of model.get(series) ?? []) {
    if (t > maxt) {
      maxt = t;
      last = v;
    }
  }
  return { maxt, last };
}

function headMaxOf(model: Model): number {
  let headMax = -Infinity;
  for (const m of model.values()) for (const t of m.keys()) headMax = Math.max(headMax, t);
  return headMax;
}

// Prometheus semantics: append checks against the committed model only, with the appender's head
// max time (the first sample's time on an empty head); commit re-checks each sample in order.
describe('Head against a model', () => {
  it('in-order appends with commit/rollback match the model', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(batchArb, { maxLength: 12 }), async (batches: Batch[]) => {
        const head = new Head({ chunkRangeMs: 1000, samplesPerChunk: 8 });
        const model: Model = new Map();
        const refs = new Map<number, number>();
        for (const b of batches) {
          const app = head.appender();
          let headMax = model.size === 0 ? undefined : headMaxOf(model);
          const pending: Op[] = [];
          for (const op of b.ops) {
            if (headMax === undefined) headMax = op.t;
            const minValid = headMax - 500;
            const { maxt, last } = latest(model, op.series);
            let expected: (new (...a: never[]) => Error) | undefined;
            if (op.t < minValid) expected = OutOfBoundsError;
            else if (op.t < maxt) expected = OutOfOrderSampleError;
            else if (op.t === maxt && !bitsEqual(last, op.v)) expected = DuplicateSampleForTimestampError;
            const ref = op.useRef ? (refs.get(op.series) ?? 0) : 0;
            if (expected !== undefined) {
              expect(() => app.append(ref, seriesLabels[op.series]!, op.t, op.v)).toThrow(expected);
              continue;
            }
            const got = app.append(ref, seriesLabels[op.series]!, op.t, op.v);
            if (refs.has(op.series)) expect(got).toBe(refs.get(op.series));
            refs.set(op.series, got);
            pending.push(op);
          }
          const q = b.openQuerierBefore ? head.querier(0, 10_000) : undefined;
          const before = clone(model);
          const droppedBefore = head.stats().samplesDroppedAtCommit;
          if (b.commit) {
            await app.commit();
            let dropped = 0;
            for (const op of pending) {
              const { maxt } = latest(model, op.series);
              if (op.t > maxt) {
                if (!model.has(op.series)) model.set(op.series, new Map());
                model.get(op.series)!.set(op.t, op.v);
              } else if (op.t < maxt || !bitsEqual(model.get(op.series)!.get(op.t)!, op.v)) dropped++;
            }
            expect(head.stats().samplesDroppedAtCommit - droppedBefore).toBe(dropped);
          } else await app.rollback();
          if (q !== undefined) expect(await read(head, 0, 10_000, q)).toEqual(stripEmpty(before));
          expect(await read(head)).toEqual(stripEmpty(model));
        }
        const total = [...model.values()].reduce((n, m) => n + m.size, 0);
        expect(head.stats().numSamples).toBe(total);
      }),
      { numRuns: 150 },
    );
  });

  it('out-of-order appends within the window match the model', async () => {
    const window = 1000;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(opArb, { maxLength: 40 }), { maxLength: 8 }), async (batches) => {
        const head = new Head({ chunkRangeMs: 100_000, outOfOrderTimeWindowMs: window, samplesPerChunk: 8 });
        const model: Model = new Map();
        for (const ops of batches) {
          const app = head.appender();
          let headMax = model.size === 0 ? undefined : headMaxOf(model);
          const pending: Op[] = [];
          for (const op of ops) {
            if (headMax === undefined) headMax = op.t;
            const { maxt, last } = latest(model, op.series);
            const l = seriesLabels[op.series]!;
            if (op.t < maxt && op.t < headMax - window) {
              expect(() => app.append(0, l, op.t, op.v)).toThrow(TooOldSampleError);
              continue;
            }
            if (op.t === maxt && !bitsEqual(last, op.v)) {
              expect(() => app.append(0, l, op.t, op.v)).toThrow(DuplicateSampleForTimestampError);
              continue;
            }
            app.append(0, l, op.t, op.v);
            pending.push(op);
          }
          await app.commit();
          for (const op of pending) {
            const { maxt } = latest(model, op.series);
            if (!model.has(op.series)) model.set(op.series, new Map());
            const m = model.get(op.series)!;
            if (op.t > maxt) m.set(op.t, op.v);
            // Else out of order (the first write of a timestamp wins) unless too old by now.
            else if (op.t < maxt && op.t >= headMax! - window && !m.has(op.t)) m.set(op.t, op.v);
          }
          const sorted = new Map([...model].map(([k, m]) => [k, new Map([...m].sort((a, b) => a[0] - b[0]))]));
          expect(await read(head)).toEqual(stripEmpty(sorted));
        }
      }),
      { numRuns: 150 },
    );
  });
});
