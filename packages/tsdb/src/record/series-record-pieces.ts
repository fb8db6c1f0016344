// Splitting a series record into pieces of whole entries, so that WAL replay decodes a large one
// (100k series in the commit that created them: ~7 MB, ~300 ms to decode at once) a piece at a
// time and gives the event loop a turn between pieces. The format is Prometheus's
// (tsdb/record/record.go Encoder.Series): the type byte, then per series its BE64 ref and its
// labels as a uvarint count of uvarint-length-prefixed name and value strings.
import { DecBuf } from './dec-buf.js';
import { RecordDecodeError } from './errors.js';
import { RecordType } from './record-type.js';

/**
 * Offsets in series record `rec` where entries start, about every `pieceBytes` bytes: the first is
 * 1 (after the type byte), the last is `rec.length`. Checks the entries add up to the record
 * (lengths only, labels are not decoded) and throws RecordDecodeError where they do not: that is
 * every record `RecordDecoder.series` rejects, as it rejects nothing else (label text is not
 * validated, as in Prometheus), so each piece of a record accepted here decodes.
 */
export function seriesRecordPieces(rec: Uint8Array, pieceBytes: number): number[] {
  if (rec[0] !== RecordType.Series) throw new RecordDecodeError(`invalid record type ${rec[0]}, expected series`);
  const d = new DecBuf(rec, 1);
  const out = [1];
  let pieceStart = 1;
  while (d.remaining() > 0) {
    if (d.pos - pieceStart >= pieceBytes) {
      out.push(d.pos);
      pieceStart = d.pos;
    }
    d.be64();
    const n = d.uvarint();
    for (let i = 0; i < 2 * n; i++) {
      const len = d.uvarint();
      if (d.pos + len > d.end) throw new RecordDecodeError('invalid size: series record ended early');
      d.pos += len;
    }
  }
  if (out[out.length - 1] !== rec.length) out.push(rec.length);
  return out;
}

/** The entries of series record `rec` in `[from, to)` (offsets from {@link seriesRecordPieces}) as a record. */
export function seriesRecordPiece(rec: Uint8Array, from: number, to: number): Uint8Array {
  const piece = new Uint8Array(1 + to - from);
  piece[0] = RecordType.Series;
  piece.set(rec.subarray(from, to), 1);
  return piece;
}
