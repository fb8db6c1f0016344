import { Labels } from '@tsprom/labels';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecordDecodeError } from './errors.js';
import { RecordDecoder } from './record-decoder.js';
import { RecordEncoder } from './record-encoder.js';
import { seriesRecordPiece, seriesRecordPieces } from './series-record-pieces.js';

const enc = new RecordEncoder();
const dec = new RecordDecoder();

const seriesArb = fc.array(
  fc.record({
    ref: fc.integer({ min: 1, max: 2 ** 40 }),
    labels: fc
      .uniqueArray(fc.tuple(fc.string({ minLength: 1, maxLength: 12 }), fc.string({ maxLength: 300 })), {
        selector: ([n]) => n,
        maxLength: 6,
      })
      .map((pairs) => Labels.fromStrings(...pairs.flat())),
  }),
  { maxLength: 60 },
);

const outcome = (f: () => unknown): string => {
  try {
    f();
    return 'ok';
  } catch (err) {
    expect(err).toBeInstanceOf(RecordDecodeError);
    return 'RecordDecodeError';
  }
};

describe('seriesRecordPieces', () => {
  it('splits a series record at entry boundaries; the pieces decode to the whole (property)', () => {
    fc.assert(
      fc.property(seriesArb, fc.integer({ min: 1, max: 4000 }), (series, pieceBytes) => {
        const rec = enc.series(series);
        const pieces = seriesRecordPieces(rec, pieceBytes);
        expect(pieces[0]).toBe(1);
        expect(pieces[pieces.length - 1]).toBe(rec.length);
        const got = [];
        for (let k = 0; k + 1 < pieces.length; k++) {
          expect(pieces[k + 1]! - pieces[k]!).toBeGreaterThan(0);
          got.push(...dec.series(seriesRecordPiece(rec, pieces[k]!, pieces[k + 1]!)));
        }
        const want = dec.series(rec);
        expect(got.map((s) => [s.ref, s.labels.toString()])).toEqual(want.map((s) => [s.ref, s.labels.toString()]));
      }),
      { numRuns: 200 },
    );
  });

  it('throws RecordDecodeError on a cut record exactly when the decoder does', () => {
    fc.assert(
      fc.property(
        seriesArb.filter((s) => s.length > 0),
        fc.nat(),
        (series, cut) => {
          const rec = enc.series(series);
          const cutRec = rec.subarray(0, 1 + (cut % (rec.length - 1)));
          expect(outcome(() => seriesRecordPieces(cutRec, 100))).toBe(outcome(() => dec.series(cutRec)));
        },
      ),
      { numRuns: 200 },
    );
  });

  // WAL replay checks a large series record with seriesRecordPieces, then decodes it piece by
  // piece while it creates the series: a piece that failed to decode there would escape the
  // replay instead of being reported as corruption, after some of the record's series exist.
  it('accepts a damaged record exactly when the decoder does, and then every piece decodes (property)', () => {
    fc.assert(
      fc.property(
        seriesArb.filter((s) => s.length > 0),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 400 }),
        (series, edits, pieceBytes) => {
          const rec = enc.series(series).slice();
          // Any byte but the type byte: lengths, counts, refs, label text (not UTF-8 then).
          for (const [at, v] of edits) rec[1 + (at % (rec.length - 1))] = v;
          const want = outcome(() => dec.series(rec));
          expect(outcome(() => seriesRecordPieces(rec, pieceBytes))).toBe(want);
          if (want !== 'ok') return;
          const pieces = seriesRecordPieces(rec, pieceBytes);
          const got = [];
          for (let k = 0; k + 1 < pieces.length; k++) {
            got.push(...dec.series(seriesRecordPiece(rec, pieces[k]!, pieces[k + 1]!)));
          }
          const whole = dec.series(rec);
          expect(got.map((s) => [s.ref, s.labels.toString()])).toEqual(whole.map((s) => [s.ref, s.labels.toString()]));
        },
      ),
      { numRuns: 500 },
    );
  });
});
