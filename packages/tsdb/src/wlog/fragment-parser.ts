// Prometheus: tsdb/wlog/reader.go Reader.next and validateRecord, tsdb/wlog/live_reader.go
// buildRecord: reassembles one record from its fragments. Shared by WLReader and LiveReader.
import { crc32c } from '@tsprom/chunkenc';
import { snappyBlockDecode, snappyHeader } from './snappy-decoder.js';
import { zstdDecode } from './zstd-decoder.js';
import {
  FRAGMENT_TYPE_MASK,
  FragmentType,
  PAGE_SIZE,
  RECORD_HEADER_SIZE,
  SNAPPY_MASK,
  ZSTD_MASK,
} from './wlog-constants.js';

/** Outcome of {@link FragmentParser.parse}. */
export const ParseStatus = {
  /** A record was read: `record`, `start`, `end` are set. */
  Record: 1,
  /** No record: only padding (or nothing) was left. `end` is where reading stopped. */
  End: 0,
  /** Damage: `reason` (and `cause`) say what, `start` where the unreadable record begins. */
  Corrupt: -1,
  /** Live mode only: the data ends inside a record; retry when more was written. */
  Incomplete: 2,
  /**
   * Only when asked for (`stopAtZeroPage`): a whole page of zeros starts at `start`. That is
   * legitimate only as the zeroed tail of a segment (a torn write); the caller checks that no
   * data follows it in the segment.
   */
  ZeroPage: 3,
} as const;
/** A value of {@link ParseStatus}. */
export type ParseStatus = (typeof ParseStatus)[keyof typeof ParseStatus];

// Largest record a zstd fragment may expand to; more is taken as damage.
const MAX_ZSTD_RECORD = 256 * 1024 * 1024;

/** The last line of a segment that ends inside a record, as Prometheus words it. */
export const TORN_MESSAGE = 'last record is torn';

// Prometheus: wlog.validateRecord. `i` counts the fragments of the record read before this one.
function validate(ft: number, i: number): string | undefined {
  switch (ft) {
    case FragmentType.Full:
      return i !== 0 ? 'unexpected full record' : undefined;
    case FragmentType.First:
      return i !== 0 ? 'unexpected first record, dropping buffer' : undefined;
    case FragmentType.Middle:
      return i === 0 ? 'unexpected middle record, dropping buffer' : undefined;
    case FragmentType.Last:
      return i === 0 ? 'unexpected last record, dropping buffer' : undefined;
    default:
      return `unexpected record type ${ft}`;
  }
}

/**
 * Reads one record at a time from the bytes of a segment (offset 0 = start of the segment, so
 * page boundaries are known). Holds the reassembly buffer, reused across records.
 */
export class FragmentParser {
  /** The record read; a view valid until the next parse. */
  record: Uint8Array = new Uint8Array(0);
  /** Offset of the record's first fragment (or of the damage). */
  start = 0;
  /** Offset just past the record (or where reading stopped). */
  end = 0;
  reason = '';
  /**
   * On damage: how far Prometheus's reader would have read into `b` when it found it (its
   * `CorruptionErr.Offset`, the number promtool prints), e.g. the end of a fragment whose
   * checksum failed. `start` is where the unreadable record begins.
   */
  readOffset = 0;
  cause: unknown;
  #asm = new Uint8Array(64 * 1024);
  /** Where snappy records are decompressed, reused (records are views valid until the next parse). */
  #unsnappied = new Uint8Array(0);

  /**
   * Parses the record at `pos` of `b`. With `live` false, `b` is a whole segment: its end inside
   * a page reads as zero padding, and inside a record as damage ("last record is torn"). With
   * `live` true, `b` is what a writer has written so far: any end inside a record (or before a
   * padding run is complete) gives `Incomplete`. `b[0]` must be the first byte of a page.
   * With `stopAtZeroPage`, a page that starts with a zero byte between records gives `ZeroPage`
   * instead of being skipped as padding.
   */
  parse(b: Uint8Array, pos: number, live: boolean, stopAtZeroPage = false): ParseStatus {
    const len = b.length;
    this.start = pos;
    this.cause = undefined;
    let i = 0;
    let asmLen = 0;
    let compressed = 0;
    let single: Uint8Array | undefined;
    for (;;) {
      if (pos >= len) {
        this.end = pos;
        if (live) return i === 0 ? ParseStatus.End : ParseStatus.Incomplete;
        if (i === 0) return ParseStatus.End;
        return this.#corrupt(TORN_MESSAGE, pos);
      }
      const typeByte = b[pos]!;
      const ft = typeByte & FRAGMENT_TYPE_MASK;
      if (ft === FragmentType.PageTerm) {
        // The rest of the page is padding; we are pedantic and check it is all zeros.
        const pageEnd = (Math.floor(pos / PAGE_SIZE) + 1) * PAGE_SIZE;
        if (live && pageEnd > len) {
          this.end = this.start;
          return ParseStatus.Incomplete;
        }
        const stop = pageEnd < len ? pageEnd : len;
        for (let k = pos + 1; k < stop; k++) {
          if (b[k] !== 0) {
            if (i === 0) this.start = pos;
            this.end = pos;
            return this.#corrupt('unexpected non-zero byte in padded page', pageEnd);
          }
        }
        // A writer never pads between the fragments of a record (a First or Middle fragment
        // fills its page), so padding there means the record's rest was lost: joining the pieces
        // on either side of it would make one record of two.
        if (i > 0) {
          this.end = pos;
          const what = pos % PAGE_SIZE === 0 ? 'zeroed page' : 'page padding';
          return this.#corrupt(`unexpected ${what} inside a record`, pageEnd);
        }
        if (stopAtZeroPage && pos % PAGE_SIZE === 0) {
          this.start = pos;
          this.end = pos;
          return ParseStatus.ZeroPage;
        }
        pos = pageEnd;
        this.start = pos;
        continue;
      }
      if (pos + RECORD_HEADER_SIZE > len) {
        this.end = pos;
        if (live) return ParseStatus.Incomplete;
        return this.#corrupt(i === 0 ? 'fragment header cut off by the end of the segment' : TORN_MESSAGE, len);
      }
      const length = (b[pos + 1]! << 8) | b[pos + 2]!;
      const crc = ((b[pos + 3]! << 24) | (b[pos + 4]! << 16) | (b[pos + 5]! << 8) | b[pos + 6]!) >>> 0;
      const dataStart = pos + RECORD_HEADER_SIZE;
      if (length > PAGE_SIZE - RECORD_HEADER_SIZE) return this.#corrupt(`invalid record size ${length}`, dataStart);
      if (dataStart + length > len) {
        this.end = pos;
        if (live) return ParseStatus.Incomplete;
        return this.#cutOff(b, dataStart, length, crc, i);
      }
      const data = b.subarray(dataStart, dataStart + length);
      const actual = crc32c(data);
      if (actual !== crc) return this.#corrupt(checksumMessage(actual, crc), dataStart + length);
      const v = validate(ft, i);
      if (v !== undefined) return this.#corrupt(v, dataStart + length);
      if ((typeByte & SNAPPY_MASK) !== 0) compressed = SNAPPY_MASK;
      else if ((typeByte & ZSTD_MASK) !== 0) compressed = ZSTD_MASK;
      pos = dataStart + length;
      if (ft === FragmentType.Full) {
        single = data;
        break;
      }
      if (asmLen + length > this.#asm.length) {
        const nb = new Uint8Array(Math.max(this.#asm.length * 2, asmLen + length));
        nb.set(this.#asm.subarray(0, asmLen));
        this.#asm = nb;
      }
      this.#asm.set(data, asmLen);
      asmLen += length;
      if (ft === FragmentType.Last) break;
      i++;
    }
    this.end = pos;
    const raw = single ?? this.#asm.subarray(0, asmLen);
    if (compressed === SNAPPY_MASK && raw.length > 0) {
      try {
        // Snappy expands at most ~21x (a 3-byte copy yields 64 bytes): a larger claimed length is damage.
        const max = raw.length * 24 + 64;
        const n = snappyHeader(raw).length;
        if (n > this.#unsnappied.length && n <= max) {
          this.#unsnappied = new Uint8Array(Math.max(n, this.#unsnappied.length * 2));
        }
        this.record = snappyBlockDecode(raw, max, this.#unsnappied);
      } catch (err) {
        this.cause = err;
        return this.#corrupt('snappy: corrupt input', pos);
      }
    } else if (compressed === ZSTD_MASK && raw.length > 0) {
      try {
        this.record = zstdDecode(raw, MAX_ZSTD_RECORD);
      } catch (err) {
        this.cause = err;
        return this.#corrupt('zstd: corrupt input', pos);
      }
    } else {
      this.record = raw;
    }
    return ParseStatus.Record;
  }

  /**
   * A fragment whose data runs past the end of the segment. Prometheus's reader reads a segment
   * that ends inside a page as if zero padded to the page's end, so it fails on the checksum of
   * the padded data: say what it says, where it says it.
   */
  #cutOff(b: Uint8Array, dataStart: number, length: number, crc: number, i: number): ParseStatus {
    const len = b.length;
    const pageEnd = (Math.floor(dataStart / PAGE_SIZE) + 1) * PAGE_SIZE;
    if (len % PAGE_SIZE !== 0 && dataStart + length <= pageEnd) {
      const padded = new Uint8Array(length);
      if (dataStart < len) padded.set(b.subarray(dataStart, len));
      const actual = crc32c(padded);
      if (actual !== crc) return this.#corrupt(checksumMessage(actual, crc), dataStart + length);
    }
    return this.#corrupt(i === 0 ? `unexpected end of segment in a fragment of ${length} bytes` : TORN_MESSAGE, len);
  }

  #corrupt(reason: string, readOffset: number): ParseStatus {
    this.reason = reason;
    this.readOffset = readOffset;
    return ParseStatus.Corrupt;
  }
}

// Prometheus's wording, with its lower-case hex without leading zeros.
function checksumMessage(actual: number, expected: number): string {
  return `unexpected checksum ${actual.toString(16)}, expected ${expected.toString(16)}`;
}
