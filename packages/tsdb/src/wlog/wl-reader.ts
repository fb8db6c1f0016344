// Prometheus: tsdb/wlog/reader.go Reader; segmentBufReader's zero padding of
// short segments.
import { readFileSync } from 'node:fs';
import { CorruptionError } from './errors.js';
import { FragmentParser, ParseStatus } from './fragment-parser.js';
import { listSegments } from './segments.js';

/** One segment to read: its index and its bytes, or a function that loads them when needed. */
export interface SegmentSource {
  index: number;
  bytes: Uint8Array | (() => Uint8Array);
}

/**
 * Reads the records of consecutive WAL segments in order, as Prometheus's `wlog.Reader`:
 * `while (r.next()) use(r.record()); if (r.err()) …`. Records are reassembled from their
 * fragments, checked against their CRC32C and decompressed. Reading stops at the first damage;
 * `err()` then names the segment and the offset of the first record that could not be read.
 * A segment that ends in the middle of a page is read as if zero padded (a WAL whose writer was
 * stopped); a record cut off by the end of a segment is damage.
 *
 * Segments are loaded one at a time and released when done; the whole segment is held in memory
 * while it is read (at most 128 MiB by default).
 */
export class WLReader {
  readonly #dir: string;
  readonly #segs: readonly SegmentSource[];
  #cur = -1;
  #buf: Uint8Array = new Uint8Array(0);
  #pos = 0;
  #rec: Uint8Array = new Uint8Array(0);
  readonly #parser = new FragmentParser();
  #recStart = 0;
  #recSegment = -1;
  #err: Error | undefined;
  #done = false;

  /** Reads `segments` (consecutive indexes, in order); `dir` only labels errors. */
  constructor(segments: readonly SegmentSource[], dir = '') {
    this.#segs = segments;
    this.#dir = dir;
  }

  /**
   * A reader over the segments of WAL directory `dir` with index in `[from, to]` (default: all),
   * loading each whole with a synchronous read when reached: for tests, small WALs and worker
   * threads. On the event loop, read with `SegmentsReader` (bounded, asynchronous reads).
   */
  static async open(dir: string, range: { from?: number; to?: number } = {}): Promise<WLReader> {
    const from = range.from ?? 0;
    const to = range.to ?? Number.MAX_SAFE_INTEGER;
    const segs = (await listSegments(dir)).filter((s) => s.index >= from && s.index <= to);
    return new WLReader(
      segs.map((s) => ({ index: s.index, bytes: () => readFileSync(s.path) })),
      dir,
    );
  }

  /**
   * Advances to the next record. Returns false at the end or on damage (see `err()`).
   */
  next(): boolean {
    if (this.#done) return false;
    for (;;) {
      if (this.#cur < 0 || this.#pos >= this.#buf.length) {
        if (!this.#advanceSegment()) {
          this.#done = true;
          return false;
        }
        continue;
      }
      const r = this.#readRecord();
      if (r === 1) return true;
      if (r < 0) {
        this.#done = true;
        return false;
      }
      // r === 0: only padding was left in this segment.
    }
  }

  /**
   * The current record. The view is owned by the reader and valid until the next `next()` call;
   * copy it to keep it.
   */
  record(): Uint8Array {
    return this.#rec;
  }

  /** The error that stopped reading: a {@link CorruptionError}, or undefined at a clean end. */
  err(): Error | undefined {
    return this.#err;
  }

  /** Index of the segment the current record (or the damage) is in. */
  segment(): number {
    return this.#recSegment;
  }

  /** Byte offset in its segment where the current record starts. */
  recordOffset(): number {
    return this.#recStart;
  }

  /** Byte offset in its segment just past the current record (Prometheus `Reader.Offset`). */
  offset(): number {
    return this.#pos;
  }

  #advanceSegment(): boolean {
    if (this.#cur + 1 >= this.#segs.length) return false;
    this.#cur++;
    const s = this.#segs[this.#cur]!;
    const b = typeof s.bytes === 'function' ? s.bytes() : s.bytes;
    // A plain view even over a Node Buffer, so records are plain Uint8Arrays.
    this.#buf = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    this.#pos = 0;
    this.#recSegment = s.index;
    return true;
  }

  // 1: a record was read; 0: the segment ended on padding; -1: error.
  #readRecord(): number {
    const p = this.#parser;
    const st = p.parse(this.#buf, this.#pos, false, true);
    this.#recStart = p.start;
    this.#pos = p.end;
    switch (st) {
      case ParseStatus.Record:
        this.#rec = p.record;
        return 1;
      case ParseStatus.End:
        return 0;
      case ParseStatus.ZeroPage: {
        // Only the zeroed tail of a segment may hold whole zero pages (see zeroPageDamage).
        const b = this.#buf;
        let k = p.start;
        while (k < b.length && b[k] === 0) k++;
        this.#pos = b.length;
        if (k === b.length) return 0;
        this.#err = zeroPageDamage(this.#dir, this.#recSegment, p.start, k);
        return -1;
      }
      default:
        this.#err = new CorruptionError(this.#dir, this.#recSegment, p.start, p.reason, {
          readOffset: p.readOffset,
          cause: p.cause,
        });
        return -1;
    }
  }
}

/**
 * The damage of a segment with a zeroed page at `zeroAt` and data again at `dataAt`. A writer
 * never writes a whole page of zeros before more data (it pads only the rest of a page), so the
 * page lost what it held; the records after it may depend on those (a series record), so reading
 * stops at the page, as for any damage. Prometheus's reader skips such a page silently.
 */
export function zeroPageDamage(dir: string, segment: number, zeroAt: number, dataAt: number): CorruptionError {
  return new CorruptionError(dir, segment, zeroAt, `unexpected zeroed page at ${zeroAt}, followed by data`, {
    readOffset: dataAt,
  });
}
