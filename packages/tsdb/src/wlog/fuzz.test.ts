// Robustness of the readers and the record decoder against arbitrary damage (property tests).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecordDecodeError } from '../record/errors.js';
import { RecordDecoder } from '../record/record-decoder.js';
import { CorruptionError } from './errors.js';
import { FragmentParser, ParseStatus } from './fragment-parser.js';
import { WLReader } from './wl-reader.js';
import { FragmentType, PAGE_SIZE, SNAPPY_MASK } from './wlog-constants.js';
import { snappyEncode } from './snappy.js';
import { crc32c } from '@tsprom/chunkenc';

/** Lays records out as the WL writer does (one segment, no size limit), in memory. */
function segmentOf(records: Uint8Array[], snappy: boolean): Uint8Array {
  const out: number[] = [];
  for (const r0 of records) {
    let rec = r0;
    let flag = 0;
    if (snappy && rec.length > 0) {
      const c = snappyEncode(rec);
      if (c.length < rec.length) {
        rec = c;
        flag = SNAPPY_MASK;
      }
    }
    let off = 0;
    for (let i = 0; i === 0 || off < rec.length; i++) {
      const inPage = out.length % PAGE_SIZE;
      const l = Math.min(rec.length - off, PAGE_SIZE - inPage - 7);
      const last = off + l === rec.length;
      const typ =
        i === 0 && last
          ? FragmentType.Full
          : last
            ? FragmentType.Last
            : i === 0
              ? FragmentType.First
              : FragmentType.Middle;
      const part = rec.subarray(off, off + l);
      const crc = crc32c(part);
      out.push(typ | flag, l >>> 8, l & 0xff, crc >>> 24, (crc >>> 16) & 0xff, (crc >>> 8) & 0xff, crc & 0xff, ...part);
      off += l;
      if (PAGE_SIZE - (out.length % PAGE_SIZE) < 7 && out.length % PAGE_SIZE !== 0) {
        while (out.length % PAGE_SIZE !== 0) out.push(0);
      }
    }
  }
  return Uint8Array.from(out);
}

const recordsArb = fc.array(
  fc.oneof(
    fc.uint8Array({ maxLength: 200 }),
    fc.integer({ min: 0, max: 70_000 }).map((n) => new Uint8Array(n).fill(n & 0xff)),
  ),
  { minLength: 1, maxLength: 12 },
);

describe('WLReader under damage (property)', () => {
  it('reads back the unharmed layout, and after any damage returns a prefix then reports it', () => {
    fc.assert(
      fc.property(
        recordsArb,
        fc.boolean(),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { maxLength: 3 }),
        fc.option(fc.nat()),
        (records, snappy, flips, cutAt) => {
          const seg = segmentOf(records, snappy);
          const clean = new WLReader([{ index: 0, bytes: seg }]);
          let n = 0;
          while (clean.next()) expect(Buffer.from(clean.record()).equals(Buffer.from(records[n++]!))).toBe(true);
          expect(clean.err()).toBeUndefined();
          expect(n).toBe(records.length);

          const bad = seg.slice(0, cutAt === null ? seg.length : cutAt % (seg.length + 1));
          for (const [pos, x] of flips) if (bad.length > 0) bad[pos % bad.length]! ^= x;
          const r = new WLReader([{ index: 0, bytes: bad }]);
          let k = 0;
          while (r.next()) {
            // CRC32C makes a damaged record that reads as valid vanishingly unlikely.
            expect(Buffer.from(r.record()).equals(Buffer.from(records[k]!))).toBe(true);
            k++;
          }
          const err = r.err();
          if (k < records.length) {
            // Fewer records: unless the cut fell exactly between records, damage was reported.
            // Undetectable by design (as in Prometheus): a byte turned into one whose fragment type
            // bits are 0 reads as a page terminator, and if only zeros follow it, as padding.
            let detectable = false;
            for (let i = 0; i < bad.length; i++) {
              if (bad[i] !== seg[i] && (bad[i]! & 7) !== 0) detectable = true;
            }
            if (err === undefined) expect(detectable).toBe(false);
            else expect(err).toBeInstanceOf(CorruptionError);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never throws on arbitrary bytes; failures come through err()', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3 * PAGE_SIZE }), fc.boolean(), (bytes, live) => {
        const p = new FragmentParser();
        let pos = 0;
        for (let i = 0; i < 1000; i++) {
          const st = p.parse(bytes, pos, live);
          if (st !== ParseStatus.Record) break;
          expect(p.end).toBeGreaterThan(pos);
          pos = p.end;
        }
        const r = new WLReader([{ index: 3, bytes }]);
        while (r.next());
        const err = r.err();
        if (err !== undefined) expect(err).toBeInstanceOf(CorruptionError);
      }),
      { numRuns: 300 },
    );
  });
});

describe('RecordDecoder on arbitrary bytes (property)', () => {
  it('returns or throws RecordDecodeError, nothing else', () => {
    const dec = new RecordDecoder();
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 12 }), fc.uint8Array({ maxLength: 300 }), (type, body) => {
        const rec = new Uint8Array(body.length + 1);
        rec[0] = type;
        rec.set(body, 1);
        const calls = [
          () => dec.series(rec),
          () => dec.samples(rec),
          () => dec.tombstones(rec),
          () => dec.exemplars(rec),
          () => dec.mmapMarkers(rec),
          () => dec.metadata(rec),
          () => dec.histogramSamples(rec),
          () => dec.floatHistogramSamples(rec),
        ];
        for (const call of calls) {
          try {
            call();
          } catch (err) {
            expect(err).toBeInstanceOf(RecordDecodeError);
          }
        }
      }),
      { numRuns: 2000 },
    );
  });
});
