// Prometheus: tsdb/wlog/live_reader.go LiveReader
import { closeSync, openSync, readSync } from 'node:fs';
import { CorruptionError } from './errors.js';
import { FragmentParser, ParseStatus } from './fragment-parser.js';
import { segmentName } from './segments.js';
import { PAGE_SIZE } from './wlog-constants.js';

/**
 * Prometheus: wlog.LiveReader. Reads the records of one segment while a WL may still be writing
 * it, for WAL watchers (remote write): `next()` returns false both at the current end of the data
 * and on damage; `err()` tells them apart. Call `next()` again after more was written. A record
 * only partly written yet is not returned until it is complete. Only whole pages before the
 * current record are released, so memory stays around one record plus one read.
 */
export class LiveReader {
  readonly #fd: number;
  readonly #segment: number;
  readonly #dir: string;
  readonly #parser = new FragmentParser();
  #buf = new Uint8Array(2 * PAGE_SIZE);
  #len = 0;
  /** File offset of #buf[0], always a multiple of the page size. */
  #base = 0;
  /** File offset of the next record. */
  #pos = 0;
  #rec: Uint8Array = new Uint8Array(0);
  #err: Error | undefined;

  private constructor(fd: number, dir: string, segment: number) {
    this.#fd = fd;
    this.#dir = dir;
    this.#segment = segment;
  }

  /** Opens segment `segment` of WAL directory `dir` for live reading. */
  static open(dir: string, segment: number): LiveReader {
    return new LiveReader(openSync(segmentName(dir, segment), 'r'), dir, segment);
  }

  /** Advances to the next complete record; false when none is available yet or on damage. */
  next(): boolean {
    if (this.#err !== undefined) return false;
    for (;;) {
      const p = this.#parser;
      const st = p.parse(this.#buf.subarray(0, this.#len), this.#pos - this.#base, true);
      switch (st) {
        case ParseStatus.Record:
          this.#pos = this.#base + p.end;
          this.#rec = p.record;
          return true;
        case ParseStatus.End:
        case ParseStatus.Incomplete:
          if (st === ParseStatus.End) this.#pos = this.#base + p.end;
          if (this.#readMore() === 0) return false;
          continue;
        default:
          this.#err = new CorruptionError(this.#dir, this.#segment, this.#base + p.start, p.reason, {
            readOffset: this.#base + p.readOffset,
            cause: p.cause,
          });
          return false;
      }
    }
  }

  /** The current record; a view owned by the reader, valid until the next `next()` call. */
  record(): Uint8Array {
    return this.#rec;
  }

  /** The damage that stopped reading (a CorruptionError), or undefined. */
  err(): Error | undefined {
    return this.#err;
  }

  /** Bytes of the segment consumed so far (the end of the last record returned). */
  offset(): number {
    return this.#pos;
  }

  /** Closes the segment file. */
  close(): void {
    closeSync(this.#fd);
  }

  #readMore(): number {
    // Release whole pages before the next record; page boundaries must stay aligned.
    const keepFrom = Math.floor(this.#pos / PAGE_SIZE) * PAGE_SIZE;
    if (keepFrom > this.#base) {
      const drop = keepFrom - this.#base;
      this.#buf.copyWithin(0, drop, this.#len);
      this.#len -= drop;
      this.#base = keepFrom;
    }
    if (this.#buf.length - this.#len < PAGE_SIZE) {
      const nb = new Uint8Array(this.#buf.length * 2);
      nb.set(this.#buf.subarray(0, this.#len));
      this.#buf = nb;
    }
    const n = readSync(this.#fd, this.#buf, this.#len, this.#buf.length - this.#len, this.#base + this.#len);
    this.#len += n;
    return n;
  }
}
