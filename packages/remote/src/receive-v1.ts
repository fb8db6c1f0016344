// Prometheus: storage/remote/write_handler.go writeHandler.write: a Remote Write 1.0 request
// appended as its bytes are read. The hot message (TimeSeries of labels and float samples) is read
// straight from the snappy-decoded body into the appender: samples go through reused typed arrays
// and a series seen before is found by the raw bytes of its labels (SeriesRefCache), so that no
// object is built per sample or per label. Series with exemplars or histograms, and anything
// unusual on the wire, go through the object decoder (write-request.ts), which stays the reference:
// a body this reader refuses is decoded again by it, so errors read as they always did.
import { type Labels, ScratchBuilder } from '@tsprom/labels';
import { type Appender, OutOfBoundsError } from '@tsprom/storage-interfaces';
import {
  checkedLabels,
  InvalidSeriesLabelsError,
  isFloatPbHistogram,
  splitPbLabels,
  toExemplar,
  toFloatHistogram,
  toIntHistogram,
} from './receive-convert.js';
import { isBadSampleError, isHistogramValidationError, type ReceiveLogger } from './receive-errors.js';
import { newReader, type Reader } from './proto-reader.js';
import { type ScannedV1, seriesHash } from './receive-v1-scan.js';
import { hashBytes, SeriesRefCache, type SeriesRefEntry } from './series-ref-cache.js';
import { type PbTimeSeries, readLabel, readMetadata, readTimeSeries } from './write-request.js';

/** The body is not what this reader decodes; the object decoder tells why (or decodes it). */
export class WireShapeError extends Error {
  override readonly name = 'WireShapeError';
}

const TWO32 = 4294967296;

/** `read()`'s result; a decode error (protobufjs's) becomes a WireShapeError. */
function wireChecked<T>(read: () => T): T {
  try {
    return read();
  } catch (err) {
    throw new WireShapeError((err as Error).message, { cause: err });
  }
}

/** Appends Remote Write 1.0 series; one per handler (it holds scratch state and the ref cache). */
export class V1Writer {
  readonly #log: ReceiveLogger;
  #invalid = 0;
  readonly #cache: SeriesRefCache;
  readonly #b = new ScratchBuilder();
  readonly #eb = new ScratchBuilder();
  readonly #names: string[] = [];
  readonly #values: string[] = [];
  readonly #enames: string[] = [];
  readonly #evalues: string[] = [];
  #ts = new Float64Array(64);
  #vs = new Float64Array(64);
  // appendScanned's runs: per sample, the ref of its series and the series' id in the cache.
  #runRefs = new Float64Array(64);
  #runIds = new Int32Array(64);
  // The body being read.
  #buf: Uint8Array = new Uint8Array(0);
  #view = new DataView(this.#buf.buffer);
  #pos = 0;
  #reader: Reader | undefined;

  constructor(log: ReceiveLogger, cache = new SeriesRefCache()) {
    this.#log = log;
    this.#cache = cache;
  }

  /** The label-bytes cache (for tests and for dropping it with the storage's series). */
  get cache(): SeriesRefCache {
    return this.#cache;
  }

  /**
   * Appends every series of the encoded WriteRequest `buf` to `app`; returns the samples and
   * histograms appended. Throws WireShapeError where the bytes are not a WriteRequest this reader
   * takes (nothing about it is final: decode `buf` with decodeWriteRequest), or what appending threw.
   */
  appendEncoded(app: Appender, buf: Uint8Array, maxT: number): number {
    this.#buf = buf;
    this.#view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.#pos = 0;
    this.#reader = undefined;
    let appended = 0;
    try {
      const len = buf.length;
      while (this.#pos < len) {
        const tag = this.#varint32();
        if (tag === 0x0a) {
          const lenAt = this.#pos;
          const end = this.#lengthEnd();
          appended += this.#series(app, lenAt, this.#pos, end, maxT);
          this.#pos = end;
        } else if (tag === 0x1a) {
          // Metadata: not appended by 1.0's receiver, but decoded (and so checked) as the reference does.
          const r = this.#protobufReader();
          r.pos = this.#pos;
          wireChecked(() => readMetadata(r));
          this.#pos = r.pos;
        } else this.#skip(tag & 7);
      }
    } finally {
      this.#buf = new Uint8Array(0);
      this.#reader = undefined;
    }
    return appended;
  }

  /**
   * Appends the series `scan` found in the encoded WriteRequest `buf` (receive-v1-scan.ts), as
   * appendEncoded would; returns the samples and histograms appended. Throws as appendEncoded does.
   */
  appendScanned(app: Appender, buf: Uint8Array, scan: ScannedV1, maxT: number): number {
    this.#buf = buf;
    this.#reader = undefined;
    const { labels, ends, timestamps, values, ids, objects, metadata } = scan;
    const cache = this.#cache;
    // With the appender's bulk form, series of known refs are appended in runs (#appendRun),
    // reading typed arrays alone: the cache's refs by id, and these per sample.
    const bulk = app.appendFloatsByRef !== undefined;
    const total = scan.series > 0 ? ends[scan.series - 1]! : 0;
    if (bulk && this.#runRefs.length < total) {
      const n = Math.max(total, 2 * this.#runRefs.length);
      this.#runRefs = new Float64Array(n);
      this.#runIds = new Int32Array(n);
    }
    const refs = this.#runRefs;
    const runIds = this.#runIds;
    // The run not appended yet: samples [runFrom, from), of series with a ref.
    let runFrom = 0;
    let appended = 0;
    let from = 0;
    // The series the scan only located (exemplars, histograms): decoded here, in their turn.
    let o = 0;
    let located = objects !== undefined && objects.length > 0 ? objects[0]! : -1;
    try {
      if (metadata !== undefined) {
        // Not appended by 1.0's receiver, but decoded (and so checked) as the reference does.
        const r = this.#protobufReader();
        for (let m = 0; m < metadata.length; m++) {
          r.pos = metadata[m]!;
          wireChecked(() => readMetadata(r));
        }
      }
      for (let i = 0; i < scan.series; i++) {
        if (i === located) {
          // Appended in its turn: the run before it first.
          if (runFrom < from) this.#appendRun(app, timestamps, values, runFrom, from, maxT);
          const r = this.#protobufReader();
          r.pos = objects![o + 1]!;
          const series = wireChecked(() => readTimeSeries(r));
          const labStart = labels[2 * i]!;
          const labEnd = labels[2 * i + 1]!;
          appended +=
            labStart < labEnd
              ? this.#appendLocated(app, series, buf, labStart, labEnd, seriesHash(buf, scan, i), maxT)
              : this.appendSeries(app, series, maxT);
          o += 2;
          located = o < objects!.length ? objects![o]! : -1;
          from = runFrom = ends[i]!;
          continue;
        }
        const to = ends[i]!;
        // A worker's id is good while the cache is in the epoch it was learnt in (an add may clear it).
        let id = ids !== undefined && scan.epoch === cache.epoch ? ids[i]! : -1;
        if (id < 0 || id >= cache.size) {
          const labStart = labels[2 * i]!;
          const labEnd = labels[2 * i + 1]!;
          const hash = seriesHash(buf, scan, i);
          let entry = cache.get(buf, labStart, labEnd, hash);
          if (entry === undefined) {
            // Adding may clear the cache, and so the ids of the run: it is appended first.
            if (runFrom < from) this.#appendRun(app, timestamps, values, runFrom, from, maxT);
            runFrom = from;
            const ls = this.#decodeLabels(labStart, labEnd);
            if (ls === undefined) {
              from = runFrom = to;
              continue;
            }
            entry = cache.add(buf, labStart, labEnd, hash, ls, 0);
          }
          id = entry.id;
        }
        if (from === to) continue;
        const ref = cache.ref(id);
        if (bulk && ref !== 0) {
          for (let k = from; k < to; k++) {
            refs[k] = ref;
            runIds[k] = id;
            // Refused here (as #append would), after the samples before it.
            if (timestamps[k]! > maxT) {
              this.#appendRun(app, timestamps, values, runFrom, k, maxT);
              this.#append(app, ref, cache.byId(id)!.labels, timestamps[k]!, values[k]!, maxT);
            }
          }
        } else {
          if (runFrom < from) this.#appendRun(app, timestamps, values, runFrom, from, maxT);
          const ls = cache.byId(id)!.labels;
          let r = ref;
          for (let k = from; k < to; k++) r = this.#append(app, r, ls, timestamps[k]!, values[k]!, maxT);
          cache.setRef(id, r);
          runFrom = to;
        }
        appended += to - from;
        from = to;
      }
      if (runFrom < from) this.#appendRun(app, timestamps, values, runFrom, from, maxT);
    } finally {
      this.#buf = new Uint8Array(0);
      this.#reader = undefined;
    }
    return appended;
  }

  /**
   * Appends samples [from, to) by the refs in #runRefs through the appender's bulk form; a sample
   * it leaves goes through #append (which decides, and throws as for any sample), and its series
   * takes the ref that returns.
   */
  #appendRun(app: Appender, ts: Float64Array, vs: Float64Array, from: number, to: number, maxT: number): void {
    const refs = this.#runRefs;
    const runIds = this.#runIds;
    const cache = this.#cache;
    let k = from;
    while (k < to) {
      k = app.appendFloatsByRef!(refs, ts, vs, k, to);
      if (k >= to) return;
      const id = runIds[k]!;
      const old = refs[k]!;
      const ref = this.#append(app, old, cache.byId(id)!.labels, ts[k]!, vs[k]!, maxT);
      if (ref !== old) {
        cache.setRef(id, ref);
        for (let j = k + 1; j < to && runIds[j] === id; j++) refs[j] = ref;
      }
      k++;
    }
  }

  /** Appends a decoded series as Prometheus does; returns the samples and histograms appended. */
  appendSeries(app: Appender, ts: PbTimeSeries, maxT: number): number {
    splitPbLabels(ts.labels, this.#names, this.#values);
    let ls: Labels;
    try {
      ls = checkedLabels(this.#b, this.#names, this.#values);
    } catch (err) {
      if (!(err instanceof InvalidSeriesLabelsError)) throw err;
      this.#invalidSeries(err);
      return 0;
    }
    this.#appendDecoded(app, ts, ls, 0, maxT);
    return ts.samples.length + ts.histograms.length;
  }

  /**
   * appendSeries for a located series (exemplars, histograms) whose Label fields are the one run
   * `buf[labStart, labEnd)` hashing to `hash`: its labels and ref come from the cache as a plain
   * series' do (the same bytes decode to the same labels), and a series not there is added.
   */
  #appendLocated(
    app: Appender,
    ts: PbTimeSeries,
    buf: Uint8Array,
    labStart: number,
    labEnd: number,
    hash: number,
    maxT: number,
  ): number {
    const cache = this.#cache;
    let entry = cache.get(buf, labStart, labEnd, hash);
    if (entry === undefined) {
      const ls = this.#decodeLabels(labStart, labEnd);
      if (ls === undefined) return 0;
      entry = cache.add(buf, labStart, labEnd, hash, ls, 0);
    }
    const id = entry.id;
    cache.setRef(id, this.#appendDecoded(app, ts, entry.labels, cache.ref(id), maxT));
    return ts.samples.length + ts.histograms.length;
  }

  /** Appends the samples, exemplars and histograms of `ts` (labels `ls`, ref hint `ref`); returns the last ref. */
  #appendDecoded(app: Appender, ts: PbTimeSeries, ls: Labels, ref: number, maxT: number): number {
    for (const s of ts.samples) ref = this.#append(app, ref, ls, s.timestamp, s.value, maxT);
    for (const e of ts.exemplars) {
      splitPbLabels(e.labels, this.#enames, this.#evalues);
      const ex = toExemplar(this.#eb, this.#enames, this.#evalues, e.value, e.timestamp);
      try {
        ref = app.appendExemplar(ref, ls, ex);
      } catch (err) {
        // Exemplar storage is experimental: a failing exemplar never fails the request.
        this.#log('debug', 'Error while adding exemplar in AppendExemplar', { err: (err as Error).message });
      }
    }
    for (const h of ts.histograms) {
      try {
        if (h.timestamp > maxT) throw new OutOfBoundsError(h.timestamp, maxT);
        ref = isFloatPbHistogram(h)
          ? app.appendHistogram(ref, ls, h.timestamp, undefined, toFloatHistogram(h))
          : app.appendHistogram(ref, ls, h.timestamp, toIntHistogram(h), undefined);
      } catch (err) {
        if (isBadSampleError(err)) {
          this.#log('error', 'Out of order histogram from remote write', {
            err: err.message,
            series: ls.toString(),
            timestamp: h.timestamp,
          });
        } else if (isHistogramValidationError(err)) {
          this.#log('error', 'Invalid histogram received', { err: err.message, series: ls.toString() });
        }
        throw err;
      }
    }
    return ref;
  }

  /** Series skipped for invalid labels since the last call (Prometheus counts them as samples). */
  takeInvalid(): number {
    const n = this.#invalid;
    this.#invalid = 0;
    return n;
  }

  #invalidSeries(err: InvalidSeriesLabelsError): void {
    this.#log('warn', 'Invalid metric names or labels', { err: err.message });
    this.#invalid++;
  }

  #append(app: Appender, ref: number, ls: Labels, t: number, v: number, maxT: number): number {
    if (t > maxT) throw new OutOfBoundsError(t, maxT);
    try {
      return app.append(ref, ls, t, v);
    } catch (err) {
      if (isBadSampleError(err)) {
        this.#log('error', 'Out of order sample from remote write', {
          err: err.message,
          series: ls.toString(),
          timestamp: t,
        });
      }
      throw err;
    }
  }

  /**
   * One TimeSeries whose body is `[start, end)` (its length prefix at `lenAt`). Labels and samples
   * are read here; a series with exemplars or histograms, or with its labels not in one run, is
   * decoded into objects and appended by appendSeries.
   */
  #series(app: Appender, lenAt: number, start: number, end: number, maxT: number): number {
    let labStart = -1;
    let labEnd = -1;
    let objects = false;
    let n = 0;
    this.#pos = start;
    while (this.#pos < end) {
      const at = this.#pos;
      const tag = this.#varint32();
      if (tag === 0x0a) {
        if (labStart < 0) labStart = at;
        else if (labEnd !== at) objects = true;
        labEnd = this.#lengthEnd();
        this.#pos = labEnd;
      } else if (tag === 0x12) {
        const e = this.#lengthEnd();
        if (n === this.#ts.length) this.#grow();
        this.#sample(n++, e);
      } else if (tag === 0x1a || tag === 0x22) {
        objects = true;
        this.#pos = this.#lengthEnd();
      } else this.#skip(tag & 7);
    }
    if (this.#pos !== end) throw new WireShapeError('series overruns its length');
    if (objects) {
      const r = this.#protobufReader();
      r.pos = lenAt;
      return this.appendSeries(
        app,
        wireChecked(() => readTimeSeries(r)),
        maxT,
      );
    }
    let entry: SeriesRefEntry | undefined;
    const buf = this.#buf;
    if (labStart < 0) labStart = labEnd = start;
    const hash = hashBytes(buf, labStart, labEnd);
    entry = this.#cache.get(buf, labStart, labEnd, hash);
    if (entry === undefined) {
      const ls = this.#decodeLabels(labStart, labEnd);
      if (ls === undefined) return 0;
      entry = this.#cache.add(buf, labStart, labEnd, hash, ls, 0);
    }
    if (n === 0) return 0;
    const ls = entry.labels;
    const tsArr = this.#ts;
    const vsArr = this.#vs;
    let ref = this.#cache.ref(entry.id);
    for (let i = 0; i < n; i++) ref = this.#append(app, ref, ls, tsArr[i]!, vsArr[i]!, maxT);
    this.#cache.setRef(entry.id, ref);
    return n;
  }

  /** Labels from the Label fields in `[start, end)`, checked; undefined (counted) when invalid. */
  #decodeLabels(start: number, end: number): Labels | undefined {
    const r = this.#protobufReader();
    const names = this.#names;
    const values = this.#values;
    names.length = 0;
    values.length = 0;
    r.pos = start;
    while (r.pos < end) {
      r.uint32(); // 0x0a: the run holds Label fields only.
      const l = wireChecked(() => readLabel(r));
      names.push(l.name);
      values.push(l.value);
    }
    try {
      return checkedLabels(this.#b, names, values);
    } catch (err) {
      if (!(err instanceof InvalidSeriesLabelsError)) throw err;
      this.#invalidSeries(err);
      return undefined;
    }
  }

  /** Reads a Sample body ending at `end` into slot `i` of the scratch arrays. */
  #sample(i: number, end: number): void {
    let v = 0;
    let t = 0;
    while (this.#pos < end) {
      const tag = this.#varint32();
      if (tag === 0x09) {
        if (this.#pos + 8 > end) throw new WireShapeError('double overruns the sample');
        v = this.#view.getFloat64(this.#pos, true);
        this.#pos += 8;
      } else if (tag === 0x10) t = this.#int64();
      else this.#skip(tag & 7);
    }
    if (this.#pos !== end) throw new WireShapeError('sample overruns its length');
    this.#ts[i] = t;
    this.#vs[i] = v;
  }

  #grow(): void {
    const ts = new Float64Array(this.#ts.length * 2);
    const vs = new Float64Array(this.#vs.length * 2);
    ts.set(this.#ts);
    vs.set(this.#vs);
    this.#ts = ts;
    this.#vs = vs;
  }

  #protobufReader(): Reader {
    if (this.#reader === undefined) this.#reader = newReader(this.#buf);
    return this.#reader;
  }

  /** A varint of at most 32 bits (tags, lengths); longer or truncated ones are left to the reference. */
  #varint32(): number {
    const buf = this.#buf;
    let p = this.#pos;
    let v = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      if (p >= buf.length) throw new WireShapeError('truncated varint');
      const b = buf[p++]!;
      v += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) {
        this.#pos = p;
        if (v > 0xffffffff) throw new WireShapeError('varint over 32 bits');
        return v;
      }
    }
    throw new WireShapeError('varint over 32 bits');
  }

  /** An int64 varint (two's complement), as proto-reader's readInt64. */
  #int64(): number {
    const buf = this.#buf;
    let p = this.#pos;
    let lo = 0;
    let hi = 0;
    let shift = 0;
    let b: number;
    do {
      if (p >= buf.length || shift > 63) throw new WireShapeError('bad int64 varint');
      b = buf[p++]!;
      if (shift < 28) lo |= (b & 0x7f) << shift;
      else if (shift === 28) {
        lo |= (b & 0x0f) << 28;
        hi = (b & 0x7f) >> 4;
      } else hi |= (b & 0x7f) << (shift - 32);
      shift += 7;
    } while (b & 0x80);
    this.#pos = p;
    lo >>>= 0;
    hi >>>= 0;
    if ((hi & 0x80000000) === 0) return hi * TWO32 + lo;
    return -((~hi >>> 0) * TWO32 + (~lo >>> 0) + 1);
  }

  /** Reads a length prefix; returns where the body ends (its start is the position after). */
  #lengthEnd(): number {
    const n = this.#varint32();
    const e = this.#pos + n;
    if (e > this.#buf.length) throw new WireShapeError('length overruns the body');
    return e;
  }

  /** Skips a field of wire type `wt`: varint, fixed64, bytes, fixed32; others are unusual. */
  #skip(wt: number): void {
    if (wt === 0) {
      const buf = this.#buf;
      let p = this.#pos;
      for (let k = 0; ; k++) {
        if (p >= buf.length || k >= 10) throw new WireShapeError('bad varint');
        if (buf[p++]! < 0x80) break;
      }
      this.#pos = p;
    } else if (wt === 1 || wt === 5) {
      const e = this.#pos + (wt === 1 ? 8 : 4);
      if (e > this.#buf.length) throw new WireShapeError('fixed field overruns the body');
      this.#pos = e;
    } else if (wt === 2) this.#pos = this.#lengthEnd();
    else throw new WireShapeError(`wire type ${wt}`);
  }
}
