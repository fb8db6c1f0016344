// Prometheus: tsdb/wlog/reader.go Reader over NewSegmentsRangeReader (segmentBufReader): the
// records of a range of segment files, read in bounded pieces with positional asynchronous reads.
import { type FileHandle, open } from 'node:fs/promises';
import { CorruptionError } from './errors.js';
import { FragmentParser, ParseStatus } from './fragment-parser.js';
import { listSegments, type SegmentFile } from './segments.js';
import { zeroPageDamage } from './wl-reader.js';
import { PAGE_SIZE } from './wlog-constants.js';

/** Bytes read at a time: a few pages. A record larger than this grows the buffer to fit it. */
export const SEGMENTS_READER_PIECE_BYTES = 8 * PAGE_SIZE;

const State = {
  /** The buffer holds unparsed bytes: `next()` parses. */
  Ready: 0,
  /** More bytes of the current segment are needed (or no segment is open yet). */
  NeedBytes: 1,
  /** The current segment is read: `fill()` opens the next. */
  SegmentDone: 2,
  /** A whole zero page starts at `#zeroAt`: `fill()` checks that only zeros follow. */
  ScanZeros: 3,
  Done: 4,
} as const;
type State = (typeof State)[keyof typeof State];

/**
 * Reads the records of WAL segment files in order, like {@link WLReader}, without holding a whole
 * segment in memory: each segment is read in pieces of {@link SEGMENTS_READER_PIECE_BYTES} (more
 * only while a larger record is reassembled) by asynchronous positional reads, so reading never
 * blocks the event loop on I/O. `next()` is synchronous and returns false when it needs more
 * bytes; `fill()` reads them:
 *
 * ```ts
 * const r = await SegmentsReader.open(dir);
 * try {
 *   do while (r.next()) use(r.record()); while (await r.fill());
 *   if (r.err()) …
 * } finally { await r.close(); }
 * ```
 *
 * Damage stops reading as in WLReader; `err()` is then a {@link CorruptionError}. I/O failures
 * reject `fill()`.
 */
export class SegmentsReader {
  readonly #dir: string;
  readonly #segs: readonly SegmentFile[];
  readonly #parser = new FragmentParser();
  #state: State = State.NeedBytes;
  #cur = -1;
  #fh: FileHandle | undefined;
  #size = 0;
  #buf: Uint8Array;
  /** Segment offset of #buf[0], a multiple of the page size. */
  #bufStart = 0;
  #bufLen = 0;
  /** #buf's first #bufLen bytes, what the parser reads. */
  #view: Uint8Array = new Uint8Array(0);
  /** Position in #buf of the next record. */
  #pos = 0;
  #zeroAt = 0;
  #rec: Uint8Array = new Uint8Array(0);
  #recStart = 0;
  #recEnd = 0;
  #err: CorruptionError | undefined;

  private constructor(dir: string, segs: readonly SegmentFile[], pieceBytes: number) {
    this.#dir = dir;
    this.#segs = segs;
    this.#buf = new Uint8Array(pieceBytes);
  }

  /**
   * A reader over the segments of WAL directory `dir` with index in `[from, to]` (default: all).
   * `pieceBytes` (a multiple of the page size) is the read size, for tests.
   */
  static async open(
    dir: string,
    range: { from?: number; to?: number } = {},
    pieceBytes = SEGMENTS_READER_PIECE_BYTES,
  ): Promise<SegmentsReader> {
    if (pieceBytes <= 0 || pieceBytes % PAGE_SIZE !== 0) {
      throw new RangeError(`invalid piece size ${pieceBytes}: must be a positive multiple of ${PAGE_SIZE}`);
    }
    const from = range.from ?? 0;
    const to = range.to ?? Number.MAX_SAFE_INTEGER;
    const segs = (await listSegments(dir)).filter((s) => s.index >= from && s.index <= to);
    return new SegmentsReader(dir, segs, pieceBytes);
  }

  /**
   * Advances to the next record held in the bytes read so far. Returns false at the end, on
   * damage (see `err()`), or when more bytes must be read first: then `fill()`.
   */
  next(): boolean {
    if (this.#state !== State.Ready) return false;
    const p = this.#parser;
    const eof = this.#bufStart + this.#bufLen >= this.#size;
    // Before the end of the segment the buffer ends on a page boundary, so a record that runs
    // past it is only incomplete (the parser's live mode), never torn.
    const st = p.parse(this.#view, this.#pos, !eof, true);
    switch (st) {
      case ParseStatus.Record:
        this.#rec = p.record;
        this.#recStart = this.#bufStart + p.start;
        this.#pos = p.end;
        this.#recEnd = this.#bufStart + p.end;
        return true;
      case ParseStatus.End:
        this.#pos = p.end;
        this.#state = eof ? State.SegmentDone : State.NeedBytes;
        return false;
      case ParseStatus.Incomplete:
        this.#pos = p.start;
        this.#state = State.NeedBytes;
        return false;
      case ParseStatus.ZeroPage:
        this.#pos = p.start;
        this.#zeroAt = this.#bufStart + p.start;
        this.#state = State.ScanZeros;
        return false;
      default:
        this.#err = new CorruptionError(this.#dir, this.segment(), this.#bufStart + p.start, p.reason, {
          readOffset: this.#bufStart + p.readOffset,
          cause: p.cause,
        });
        this.#state = State.Done;
        return false;
    }
  }

  /**
   * Reads what `next()` needs: the next piece of the segment, or the next segment. Resolves to
   * false once there is nothing more to read (the end, or damage: see `err()`).
   */
  async fill(): Promise<boolean> {
    for (;;) {
      switch (this.#state) {
        case State.Ready:
          return true;
        case State.Done:
          return false;
        case State.NeedBytes:
          if (this.#cur < 0) {
            if (!(await this.#openNext())) return false;
            continue;
          }
          await this.#readMore();
          this.#state = State.Ready;
          return true;
        case State.SegmentDone:
          if (!(await this.#openNext())) return false;
          continue;
        case State.ScanZeros:
          await this.#scanZeros();
          continue;
      }
    }
  }

  /** The current record; a view owned by the reader, valid until the next `next()` or `fill()`. */
  record(): Uint8Array {
    return this.#rec;
  }

  /** The damage that stopped reading, or undefined. */
  err(): CorruptionError | undefined {
    return this.#err;
  }

  /** Index of the segment being read (of the current record, or of the damage). */
  segment(): number {
    return this.#segs[this.#cur]?.index ?? -1;
  }

  /** Byte offset in its segment where the current record starts. */
  recordOffset(): number {
    return this.#recStart;
  }

  /** Byte offset in its segment just past the current record (Prometheus `Reader.Offset`). */
  offset(): number {
    return this.#recEnd;
  }

  /** Closes the open segment file, if any. Call it even after an error. */
  async close(): Promise<void> {
    const fh = this.#fh;
    this.#fh = undefined;
    this.#state = State.Done;
    await fh?.close();
  }

  async #openNext(): Promise<boolean> {
    await this.#fh?.close();
    this.#fh = undefined;
    if (this.#cur + 1 >= this.#segs.length) {
      this.#state = State.Done;
      return false;
    }
    this.#cur++;
    this.#fh = await open(this.#segs[this.#cur]!.path, 'r');
    this.#size = (await this.#fh.stat()).size;
    this.#bufStart = 0;
    this.#bufLen = 0;
    this.#pos = 0;
    this.#state = State.NeedBytes;
    await this.#readMore();
    this.#state = State.Ready;
    return true;
  }

  /** Drops the pages before the next record, grows the buffer if still full, reads more. */
  async #readMore(): Promise<void> {
    const keepFrom = Math.floor(this.#pos / PAGE_SIZE) * PAGE_SIZE;
    if (keepFrom > 0) {
      this.#buf.copyWithin(0, keepFrom, this.#bufLen);
      this.#bufLen -= keepFrom;
      this.#bufStart += keepFrom;
      this.#pos -= keepFrom;
    }
    if (this.#bufLen === this.#buf.length) {
      const nb = new Uint8Array(this.#buf.length * 2);
      nb.set(this.#buf.subarray(0, this.#bufLen));
      this.#buf = nb;
    }
    const want = Math.min(this.#buf.length - this.#bufLen, this.#size - (this.#bufStart + this.#bufLen));
    let got = 0;
    while (got < want) {
      const at = this.#bufLen + got;
      const { bytesRead } = await this.#fh!.read(this.#buf, at, want - got, this.#bufStart + at);
      if (bytesRead === 0) {
        // The file shrank since it was opened: read what there is.
        this.#size = this.#bufStart + at;
        break;
      }
      got += bytesRead;
    }
    this.#bufLen += got;
    this.#view = this.#buf.subarray(0, this.#bufLen);
  }

  /** After a zero page: the segment must hold only zeros to its end, else it is damage. */
  async #scanZeros(): Promise<void> {
    for (;;) {
      const b = this.#buf;
      let k = this.#pos;
      while (k < this.#bufLen && b[k] === 0) k++;
      if (k < this.#bufLen) {
        this.#err = zeroPageDamage(this.#dir, this.segment(), this.#zeroAt, this.#bufStart + k);
        this.#state = State.Done;
        return;
      }
      this.#pos = this.#bufLen;
      if (this.#bufStart + this.#bufLen >= this.#size) {
        this.#state = State.SegmentDone;
        return;
      }
      await this.#readMore();
    }
  }
}
