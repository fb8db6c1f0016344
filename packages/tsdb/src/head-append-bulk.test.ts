// HeadAppender.appendFloatsByRef (Appender's optional bulk form): a run of samples by ref goes in
// exactly as `append` would take them, and the samples it leaves (first of an appender, unknown
// ref, anything but a plain in-order sample) are left to `append`, which then decides as always.
import { Labels } from '@tsprom/labels';
import { type Appender, ValueType } from '@tsprom/storage-interfaces';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Head } from './head.js';

const seriesLabels = Array.from({ length: 4 }, (_, i) => Labels.fromStrings('__name__', 'm', 'i', String(i)));

interface Op {
  series: number;
  t: number;
  v: number;
  /** Pass a ref the head does not hold instead of the series' own. */
  staleRef: boolean;
}

const opArb = fc.record({
  series: fc.integer({ min: 0, max: 3 }),
  t: fc.integer({ min: 0, max: 3000 }),
  v: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.double({ noNaN: true })),
  staleRef: fc.boolean(),
});
const batchArb = fc.record({ ops: fc.array(opArb, { maxLength: 25 }), commit: fc.boolean() });

async function read(head: Head): Promise<string[]> {
  const q = head.querier(-Infinity, Infinity);
  const set = await q.select(true, undefined, []);
  const out: string[] = [];
  while (set.next()) {
    const s = set.at();
    const it = s.iterator();
    const xs: string[] = [];
    while (it.next() !== ValueType.None) xs.push(`${it.atT()}=${Object.is(it.atV(), -0) ? '-0' : it.atV()}`);
    out.push(`${s.labels().toString()} ${xs.join(',')}`);
  }
  await q.close();
  return out;
}

/**
 * Appends `ops` in order, each by the ref its series was last given (0 before); with `bulk`,
 * through appendFloatsByRef, with `append` for what it leaves. Returns each op's outcome.
 */
function appendAll(app: Appender, ops: Op[], refs: number[], bulk: boolean): string[] {
  const out: string[] = [];
  const n = ops.length;
  const rs = new Float64Array(n);
  const ts = new Float64Array(n);
  const vs = new Float64Array(n);
  let k = 0;
  while (k < n) {
    if (bulk) {
      for (let j = k; j < n; j++) {
        const op = ops[j]!;
        rs[j] = op.staleRef ? 1_000_000 + op.series : refs[op.series]!;
        ts[j] = op.t;
        vs[j] = op.v;
      }
      const to = app.appendFloatsByRef!(rs, ts, vs, k, n);
      expect(to).toBeGreaterThanOrEqual(k);
      expect(to).toBeLessThanOrEqual(n);
      for (; k < to; k++) out.push('ok');
      if (k === n) break;
    }
    const op = ops[k]!;
    try {
      refs[op.series] = app.append(
        op.staleRef ? 1_000_000 + op.series : refs[op.series]!,
        seriesLabels[op.series]!,
        op.t,
        op.v,
      );
      out.push('ok');
    } catch (err) {
      out.push((err as Error).name);
    }
    k++;
  }
  return out;
}

describe('HeadAppender.appendFloatsByRef', () => {
  it.each([
    0, 400,
  ])('takes a run as append would, and leaves the rest to it (out-of-order window %i ms)', async (window) => {
    await fc.assert(
      fc.asyncProperty(fc.array(batchArb, { maxLength: 8 }), async (batches) => {
        const heads = [true, false].map(
          () => new Head({ chunkRangeMs: 1000, samplesPerChunk: 8, outOfOrderTimeWindowMs: window }),
        );
        const refs = [
          [0, 0, 0, 0],
          [0, 0, 0, 0],
        ];
        for (const b of batches) {
          const outcomes: string[][] = [];
          for (const [h, head] of heads.entries()) {
            const app = head.appender();
            outcomes.push(appendAll(app, b.ops, refs[h]!, h === 0));
            if (b.commit) await app.commit();
            else await app.rollback();
          }
          expect(outcomes[0]).toEqual(outcomes[1]);
          expect(refs[0]).toEqual(refs[1]);
        }
        expect(await read(heads[0]!)).toEqual(await read(heads[1]!));
        expect(heads[0]!.stats()).toEqual(heads[1]!.stats());
      }),
      { numRuns: 200 },
    );
  });

  it("leaves an appender's first sample, an unknown ref and a sample not in order to append", async () => {
    const head = new Head({ chunkRangeMs: 1000 });
    const first = head.appender();
    const ref = first.append(0, seriesLabels[0]!, 100, 1);
    await first.commit();
    const app = head.appender();
    const refs = new Float64Array([ref, ref, 999, ref]);
    const ts = new Float64Array([200, 300, 300, 250]);
    const vs = new Float64Array([2, 3, 3, 4]);
    expect(app.appendFloatsByRef!(refs, ts, vs, 0, 4)).toBe(0); // The appender's first sample.
    app.append(ref, seriesLabels[0]!, 150, 1.5);
    expect(app.appendFloatsByRef!(refs, ts, vs, 0, 4)).toBe(2); // 999 is no series of the head.
    expect(app.appendFloatsByRef!(refs, ts, vs, 3, 4)).toBe(4); // Validated against the committed state only.
    await app.commit();
    expect(await read(head)).toEqual([`${seriesLabels[0]!.toString()} 100=1,150=1.5,200=2,300=3`]);
  });
});
