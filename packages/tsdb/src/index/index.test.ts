import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareStrings, Labels } from '@tsprom/labels';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CorruptBlockError } from '../block/errors.js';
import { IndexReader } from './index-reader.js';
import { type IndexChunkMeta, IndexWriter, IndexWriterError } from './index-writer.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsdb-index-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface TestSeries {
  labels: Labels;
  chunks: IndexChunkMeta[];
}

/** Writes `series` (any order) into an index at `path`, sorting them and their symbols first. */
async function writeIndex(path: string, series: TestSeries[]): Promise<TestSeries[]> {
  const sorted = [...series].sort((a, b) => Labels.compare(a.labels, b.labels));
  const syms = new Set<string>(['']);
  for (const s of sorted) {
    s.labels.forEach((n, v) => {
      syms.add(n).add(v);
    });
  }
  const w = IndexWriter.create(path);
  for (const sym of [...syms].sort(compareStrings)) w.addSymbol(sym);
  for (const s of sorted) w.addSeries(s.labels, s.chunks);
  await w.close();
  return sorted;
}

function chunksFor(i: number, n: number): IndexChunkMeta[] {
  const out: IndexChunkMeta[] = [];
  let t = i * 1000 - 50_000;
  let ref = 8 + i * 1000;
  for (let k = 0; k < n; k++) {
    out.push({ mint: t, maxt: t + 100 + k, ref });
    t += 200 + k;
    ref += 37 + k;
  }
  return out;
}

function flip(b: Uint8Array, at: number, mask: number): Uint8Array {
  b[at]! ^= mask;
  return b;
}

describe('IndexWriter / IndexReader', () => {
  it('writes the sections as Prometheus does and reads series, postings and values back', async () => {
    const path = join(dir, 'index');
    const series: TestSeries[] = [];
    for (let i = 0; i < 300; i++) {
      series.push({
        labels: Labels.fromStrings('__name__', `m${i % 7}`, 'i', String(i), 'job', i % 2 ? 'a' : 'b', 'ü', `é${i % 3}`),
        chunks: chunksFor(i, i % 4),
      });
    }
    const sorted = await writeIndex(path, series);
    const b = new Uint8Array(await readFile(path));
    expect(Array.from(b.subarray(0, 5))).toEqual([0xba, 0xaa, 0xd7, 0x00, 2]);
    const r = await IndexReader.open(path);
    try {
      const all = r.allPostings();
      expect(all.length).toBe(300);
      for (let k = 0; k < all.length; k++) {
        expect(all[k]! * 16).toBeGreaterThanOrEqual(r.toc.series);
        const s = r.series(all[k]!);
        expect(s.labels.toString()).toBe(sorted[k]!.labels.toString());
        expect(s.chunks).toEqual(sorted[k]!.chunks);
      }
      expect(r.labelNames()).toEqual(['__name__', 'i', 'job', 'ü']);
      expect(r.labelValues('job')).toEqual(['a', 'b']);
      expect(r.labelValues('i').length).toBe(300);
      expect(r.labelValues('i')).toEqual(Array.from({ length: 300 }, (_, i) => String(i)).sort(compareStrings));
      const idsOf = (pred: (l: Labels) => boolean): number[] =>
        sorted.flatMap((s, k) => (pred(s.labels) ? [all[k]!] : []));
      expect(Array.from(r.postings('job', ['a']))).toEqual(idsOf((l) => l.get('job') === 'a'));
      // Values spread over many sampled entries, unsorted and with unknown ones.
      const want = ['299', '5', 'zzz', '100', '', '31', '32', '33', '64', '0'];
      expect(Array.from(r.postings('i', want))).toEqual(idsOf((l) => want.includes(l.get('i'))));
      expect(Array.from(r.postings('nope', ['x']))).toEqual([]);
      expect(Array.from(r.postingsForLabelMatching('i', (v) => v.endsWith('7')))).toEqual(
        idsOf((l) => l.get('i').endsWith('7')),
      );
      expect([...r.symbols()][0]).toBe('');
      r.verify();
    } finally {
      r.close();
    }
  });

  it('round-trips random series sets', async () => {
    const labelSet = fc
      .dictionary(
        fc.constantFrom('__name__', 'a', 'b', 'job', 'long_label_name', 'z'),
        fc.string({ minLength: 1, maxLength: 12, unit: 'grapheme' }),
        { minKeys: 1 },
      )
      .map((d) => Labels.fromMap(d));
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(labelSet, { selector: (l) => l.key(), maxLength: 120 }), async (sets) => {
        const path = join(dir, `index-${n++}`);
        const sorted = await writeIndex(
          path,
          sets.map((labels, i) => ({ labels, chunks: chunksFor(i, i % 3) })),
        );
        const r = await IndexReader.open(path);
        try {
          const all = r.allPostings();
          expect(all.length).toBe(sorted.length);
          for (let k = 0; k < all.length; k++) {
            const s = r.series(all[k]!);
            expect(Labels.compare(s.labels, sorted[k]!.labels)).toBe(0);
            expect(s.chunks).toEqual(sorted[k]!.chunks);
          }
          for (const name of r.labelNames()) {
            const values = [...new Set(sorted.map((s) => s.labels.get(name)).filter((v) => v !== ''))].sort(
              compareStrings,
            );
            expect(r.labelValues(name)).toEqual(values);
            for (const v of values) {
              const want = sorted.flatMap((s, k) => (s.labels.get(name) === v ? [all[k]!] : []));
              expect(Array.from(r.postings(name, [v]))).toEqual(want);
            }
            // Every series with the label: the all-postings list when all have it (`__name__`).
            const withName = sorted.flatMap((s, k) => (s.labels.get(name) !== '' ? [all[k]!] : []));
            expect(Array.from(r.postingsForAllLabelValues(name))).toEqual(withName);
          }
          expect(Array.from(r.postingsForAllLabelValues('absent'))).toEqual([]);
        } finally {
          r.close();
        }
      }),
      { numRuns: 40 },
    );
  });

  it('rejects symbols and series out of order', async () => {
    const w = IndexWriter.create(join(dir, 'index'));
    w.addSymbol('a');
    expect(() => w.addSymbol('a')).toThrow(IndexWriterError);
    w.addSymbol('b');
    w.addSeries(Labels.fromStrings('b', 'b'), []);
    expect(() => w.addSeries(Labels.fromStrings('a', 'a'), [])).toThrow(/out-of-order series/);
    expect(() => w.addSeries(Labels.fromStrings('b', 'c'), [])).toThrow(/symbol "c" not found/);
    w.abort();
  });

  it('reports damage with the file and offset', async () => {
    const path = join(dir, 'index');
    await writeIndex(path, [{ labels: Labels.fromStrings('a', 'b'), chunks: chunksFor(1, 2) }]);
    const good = new Uint8Array(await readFile(path));
    const cases: [string, (b: Uint8Array) => Uint8Array, RegExp][] = [
      ['magic', (b) => flip(b, 0, 0xff), /invalid magic number/],
      ['toc', (b) => flip(b, b.length - 10, 1), /TOC/],
      ['truncated', (b) => b.subarray(0, 40), /too small|TOC/],
      ['symbols', (b) => flip(b, 12, 0x40), /checksum/],
    ];
    for (const [name, damage, re] of cases) {
      const p = join(dir, `index-${name}`);
      await writeFile(p, damage(good.slice()));
      const err = await IndexReader.open(p).catch((e: unknown) => e);
      expect(err, name).toBeInstanceOf(CorruptBlockError);
      expect((err as CorruptBlockError).file).toBe(`index-${name}`);
      expect((err as Error).message).toMatch(re);
    }
    // A damaged series entry is found when the series is read.
    const r0 = await IndexReader.open(path);
    const id = r0.allPostings()[0]!;
    r0.close();
    const b = good.slice();
    b[id * 16 + 3]! ^= 0x01;
    await writeFile(path, b);
    const r = await IndexReader.open(path);
    expect(() => r.series(id)).toThrow(/read series .*invalid checksum/);
    r.close();
  });
});
