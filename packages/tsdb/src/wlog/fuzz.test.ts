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

/**
 * Lays records out as the WL writer does (one segment, no size limit), in memory; the offset of
 * each fragment header goes to `headers` when given.
 */
function segmentOf(records: Uint8Array[], snappy: boolean, headers?: number[]): Uint8Array {
  let out = new Uint8Array(PAGE_SIZE);
  let len = 0;
  const reserve = (n: number): void => {
    if (len + n <= out.length) return;
    const grown = new Uint8Array(Math.max(out.length * 2, len + n));
    grown.set(out.subarray(0, len));
    out = grown;
  };
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
      const inPage = len % PAGE_SIZE;
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
      reserve(7 + l);
      headers?.push(len);
      out.set([typ | flag, l >>> 8, l & 0xff, crc >>> 24, (crc >>> 16) & 0xff, (crc >>> 8) & 0xff, crc & 0xff], len);
      out.set(part, len + 7);
      len += 7 + l;
      off += l;
      if (PAGE_SIZE - (len % PAGE_SIZE) < 7 && len % PAGE_SIZE !== 0) {
        const pad = PAGE_SIZE - (len % PAGE_SIZE);
        reserve(pad);
        out.fill(0, len, len + pad);
        len += pad;
      }
    }
  }
  return out.slice(0, len);
}

/** Whether `got` is `all` with some records left out (in order). */
function isSubsequence(got: Uint8Array[], all: Uint8Array[]): boolean {
  let j = 0;
  for (const g of got) {
    while (j < all.length && !Buffer.from(all[j]!).equals(Buffer.from(g))) j++;
    if (j === all.length) return false;
    j++;
  }
  return true;
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
          const headers: number[] = [];
          const seg = segmentOf(records, snappy, headers);
          const clean = new WLReader([{ index: 0, bytes: seg }]);
          let n = 0;
          while (clean.next()) expect(Buffer.from(clean.record()).equals(Buffer.from(records[n++]!))).toBe(true);
          expect(clean.err()).toBeUndefined();
          expect(n).toBe(records.length);

          const bad = seg.slice(0, cutAt === null ? seg.length : cutAt % (seg.length + 1));
          for (const [pos, x] of flips) if (bad.length > 0) bad[pos % bad.length]! ^= x;
          const r = new WLReader([{ index: 0, bytes: bad }]);
          const got: Uint8Array[] = [];
          while (r.next()) got.push(r.record().slice());
          const err = r.err();
          // A changed byte whose fragment type bits are 0 reads as a page terminator: the rest of
          // its page must be zeros (else it is damage), and reading goes on at the next page. Such
          // a change is undetectable by design (as in Prometheus), and may skip whole records.
          // A header byte changed only in its flag bits (its fragment type kept) is not covered by
          // the CRC, which covers the payload alone (as in Prometheus): a cleared snappy flag hands
          // out the compressed bytes as the record. A header whose type is changed into another
          // valid type (First into Full, Middle into Last…) is not covered either: the fragment's
          // payload still matches its CRC, so a piece of a record is handed out as a whole one
          // before the next fragment is found out of place.
          const isHeader = new Set(headers);
          let detectable = false;
          let pageTerm = false;
          let flagOnly = false;
          let retyped = false;
          for (let i = 0; i < bad.length; i++) {
            if (bad[i] === seg[i]) continue;
            const typ = bad[i]! & 7;
            if (isHeader.has(i) && ((bad[i]! ^ seg[i]!) & 7) === 0) flagOnly = true;
            else if (isHeader.has(i) && typ >= FragmentType.Full && typ <= FragmentType.Last) retyped = true;
            else if (typ !== 0) detectable = true;
            else pageTerm = true;
          }
          // CRC32C makes a damaged record that reads as valid vanishingly unlikely: what is read
          // is the records written, in order, a prefix unless a page terminator skipped some.
          const prefix = got.every((g, i) => Buffer.from(g).equals(Buffer.from(records[i]!)));
          if (!prefix) {
            expect(pageTerm || flagOnly || retyped).toBe(true);
            if (!flagOnly && !retyped) expect(isSubsequence(got, records)).toBe(true);
          }
          if (got.length < records.length) {
            // Fewer records: unless the cut fell exactly between records, or only page
            // terminators and zeros followed, damage was reported.
            if (err === undefined) expect(detectable).toBe(false);
            else expect(err).toBeInstanceOf(CorruptionError);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('hands out the first fragment of a record whose First header became Full, then reports damage', () => {
    // The CRC covers a fragment's payload, not its type: the first page of A reads as a whole
    // record, and the Last fragment that follows without a First is the damage reported.
    const a = new Uint8Array(51_450).fill(250);
    const seg = segmentOf([a, new Uint8Array(0)], false);
    expect(seg[0]).toBe(FragmentType.First);
    seg[0] = FragmentType.Full;
    const r = new WLReader([{ index: 0, bytes: seg }]);
    const got: number[] = [];
    while (r.next()) got.push(r.record().length);
    expect(got).toEqual([PAGE_SIZE - 7]);
    expect(r.err()).toBeInstanceOf(CorruptionError);
  });

  it('skips an empty record whose type byte was zeroed at a page end, as Prometheus does', () => {
    // A fills page 0 up to 10 bytes before its end; the empty record E (a 7-byte header of zeros
    // but its type) leaves 3 bytes of padding; B starts page 1. With E's type byte zeroed, page 0
    // ends in zeros from there: a page terminator, so reading goes on with B and nothing tells.
    const a = new Uint8Array(PAGE_SIZE - 7 - 10).fill(0xa5);
    const b = Uint8Array.of(1, 2, 3);
    const seg = segmentOf([a, new Uint8Array(0), b], false);
    expect(seg[PAGE_SIZE - 10]).toBe(FragmentType.Full);
    expect(seg[PAGE_SIZE]).toBe(FragmentType.Full);
    seg[PAGE_SIZE - 10] = 0;
    const r = new WLReader([{ index: 0, bytes: seg }]);
    const got: number[] = [];
    while (r.next()) got.push(r.record().length);
    expect(got).toEqual([a.length, b.length]);
    expect(r.err()).toBeUndefined();
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
