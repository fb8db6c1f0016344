// Isolation over chunks that went to a chunk store: their first sample seqs are derived from
// their sample counts (MemSeries.mmappedFirstSeq), so readers opened between commits must still
// see exactly the commits made before them, across chunk cuts and truncation.
import { XORChunk } from '@tsprom/chunkenc';
import { Labels } from '@tsprom/labels';
import { type Chunk, Encoding, ValueType } from '@tsprom/storage-interfaces';
import { describe, expect, it } from 'vitest';
import { Head } from './head.js';
import type { HeadChunkStore } from './mem-series.js';

/** A chunk store keeping copies of the chunk bytes in a Map (chunks_head/ without the files). */
function memoryStore(): HeadChunkStore & { size: number; reads: number; peek(ref: number): Uint8Array } {
  const m = new Map<number, Uint8Array>();
  let next = 1;
  return {
    reads: 0,
    write(_seriesRef: number, _mint: number, _maxt: number, chunk: Chunk): number {
      m.set(next, chunk.bytes().slice());
      return next++;
    },
    read(ref: number): Chunk {
      this.reads++;
      return XORChunk.fromBytes(m.get(ref)!);
    },
    peek(ref: number): Uint8Array {
      return m.get(ref)!.slice();
    },
    get size() {
      return m.size;
    },
  };
}

async function timestamps(head: Head, q: ReturnType<Head['querier']>): Promise<number[]> {
  const set = await q.select(false, undefined, []);
  const out: number[] = [];
  while (set.next()) {
    const it = set.at().iterator();
    while (it.next() !== ValueType.None) out.push(it.atT());
    expect(it.err()).toBeUndefined();
  }
  expect(set.err()).toBeUndefined();
  expect(head.state.series.size).toBeGreaterThan(0);
  return out;
}

describe('Head with a chunk store', () => {
  it('keeps each reader to the commits made before it across stored chunks', async () => {
    const store = memoryStore();
    const head = new Head({ chunkStore: store, chunkRangeMs: 1_000_000 });
    const ls = Labels.fromStrings('__name__', 'x');
    const readers: { q: ReturnType<Head['querier']>; upTo: number }[] = [];
    let t = 0;
    for (let commit = 0; commit < 40; commit++) {
      const app = head.appender();
      for (let k = 0; k < 17; k++) app.append(0, ls, ++t, t);
      if (commit % 7 === 3) readers.push({ q: head.querier(-Infinity, Infinity), upTo: t - 17 });
      await app.commit();
    }
    expect(store.size).toBeGreaterThan(3); // 680 samples: several chunks went to the store.
    for (const { q, upTo } of readers) {
      const ts = await timestamps(head, q);
      expect(ts.length).toBe(upTo);
      expect(ts[ts.length - 1]).toBe(upTo);
      await q.close();
    }
    head.truncate(200);
    const q = head.querier(-Infinity, Infinity);
    const ts = await timestamps(head, q);
    expect(ts[ts.length - 1]).toBe(680);
    expect(ts[0]).toBeLessThanOrEqual(200);
    expect(head.stats().numSamples).toBe(ts.length);
    await q.close();
  });
});

describe('queriers over a chunk store with readMany', () => {
  it('fetch the stored chunks a select needs ahead, so iterating reads nothing', async () => {
    const store = memoryStore();
    // Reads ahead all but every third ref; those are read when iterated.
    const asked: number[][] = [];
    const withMany: HeadChunkStore = {
      write: (...a) => store.write(...a),
      read: (ref) => store.read(ref),
      readMany: async (refs, found) => {
        asked.push(Array.from(refs));
        for (let i = 0; i < refs.length; i++) {
          if (i % 3 === 2) continue;
          const b = store.peek(refs[i]!);
          found(i, Encoding.XOR, b, 0, b.length);
        }
      },
    };
    const head = new Head({ chunkStore: withMany, chunkRangeMs: 1_000_000 });
    const app = head.appender();
    for (let t = 1; t <= 1000; t++) {
      for (let i = 0; i < 3; i++) app.append(0, Labels.fromStrings('__name__', 'x', 'i', String(i)), t, t * i);
    }
    await app.commit();
    const q = head.querier(-Infinity, Infinity);
    const ts = await timestamps(head, q);
    expect(asked).toHaveLength(1);
    const stored = asked[0]!.length;
    expect(stored).toBeGreaterThan(6);
    store.reads = 0;
    // Iterate again with a fresh select: only the refs readMany left out are read, once each, as
    // the iteration reaches them.
    const set = await q.select(false, undefined, []);
    let n = 0;
    while (set.next()) {
      const it = set.at().iterator();
      while (it.next() !== ValueType.None) n++;
    }
    expect(n).toBe(ts.length);
    expect(n).toBe(3000);
    expect(asked).toHaveLength(2);
    expect(store.reads).toBe(Math.floor(stored / 3));
    // The chunk querier reports the store's refs of the chunks it read ahead.
    const cq = head.chunkQuerier(-Infinity, Infinity);
    const cs = await cq.select(false, undefined, []);
    const refs: number[] = [];
    while (cs.next()) {
      const ci = cs.at().chunkIterator();
      while (ci.next()) refs.push(ci.at().ref);
    }
    expect(refs.filter((r) => r !== 0).sort((a, b) => a - b)).toEqual([...asked[0]!].sort((a, b) => a - b));
    await q.close();
    await cq.close();
  });
});

describe('chunks cut to a chunk store', () => {
  it('are emptied and reused as the next open chunk only while no querier is open', async () => {
    const store = memoryStore();
    // Where the bytes of each chunk lent to the store lived: the same place for chunks written from
    // one reused buffer.
    const lent: string[] = [];
    const buffers = new Map<ArrayBufferLike, number>();
    const place = (c: Chunk): string => {
      const b = c.bytes();
      if (!buffers.has(b.buffer)) buffers.set(b.buffer, buffers.size);
      return `${buffers.get(b.buffer)}@${b.byteOffset}`;
    };
    const head = new Head({
      chunkRangeMs: 1_000_000,
      chunkStore: {
        write: (ref, mint, maxt, chunk) => {
          lent.push(place(chunk));
          return store.write(ref, mint, maxt, chunk);
        },
        read: (ref) => store.read(ref),
      },
    });
    const ls = Labels.fromStrings('__name__', 'x');
    let t = 0;
    const fill = async (n: number): Promise<void> => {
      const app = head.appender();
      for (let k = 0; k < n; k++) app.append(0, ls, ++t, t);
      await app.commit();
    };
    await fill(1000); // A cut every 120 samples: 8 chunks written, all from one reused buffer.
    expect(lent).toHaveLength(8);
    expect(new Set(lent).size).toBe(1);
    // A querier open across cuts: each cut chunk stays the querier's to read, never reused.
    const q = head.querier(-Infinity, Infinity);
    const before = await timestamps(head, q);
    await fill(1000);
    expect(lent).toHaveLength(16);
    expect(new Set(lent.slice(8)).size).toBe(8);
    expect(await timestamps(head, q)).toEqual(before);
    await q.close();
    const all = head.querier(-Infinity, Infinity);
    expect(await timestamps(head, all)).toEqual(Array.from({ length: 2000 }, (_, i) => i + 1));
    await all.close();
  });
});
