// Prometheus: tsdb/index/index.go Writer (AddSymbol, AddSeries, Close and the sections it writes:
// label indices, postings, label offset table, postings offset table, TOC).
import { compareStrings, Labels } from '@tsprom/labels';
import { crc32c } from '@tsprom/chunkenc';
import { BufferedFileWriter } from '../block/buffered-file-writer.js';
import { EncBuf } from '../record/enc-buf.js';
import { TimeSlicer } from '../time-slicer.js';
import { encodeTOC, INDEX_FORMAT_V2, type IndexTOC, MAGIC_INDEX, SERIES_ALIGNMENT } from './index-format.js';

/** A chunk's entry in the index: time range (ms, inclusive) and its ref in the chunk segments. */
export interface IndexChunkMeta {
  mint: number;
  maxt: number;
  ref: number;
}

/** Misuse of the index writer: symbols or series out of order, a label without a symbol. */
export class IndexWriterError extends Error {
  override readonly name = 'IndexWriterError';
}

/** A growable list of uint32 (series IDs of one postings list). */
class U32List {
  a = new Uint32Array(4);
  n = 0;
  push(x: number): void {
    if (this.n === this.a.length) {
      const b = new Uint32Array(this.n * 2);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = x;
  }
}

const Stage = { None: 0, Symbols: 1, Series: 2, Done: 3 } as const;
type Stage = (typeof Stage)[keyof typeof Stage];
const stageNames = ['none', 'symbols', 'series', 'done'];

/**
 * Prometheus: index.Writer. Writes an index file (format v2): first every symbol (`addSymbol`, in
 * increasing Go string order, each once), then every series (`addSeries`, in increasing label
 * order) with its chunk metas, then `close()` writes the label indices, postings, both offset
 * tables and the TOC, and fsyncs. Postings are gathered in memory as series are added.
 */
export class IndexWriter {
  readonly #f: BufferedFileWriter;
  #stage: Stage = Stage.None;
  readonly #toc: IndexTOC = {
    symbols: 0,
    series: 0,
    labelIndices: 0,
    labelIndicesTable: 0,
    postings: 0,
    postingsTable: 0,
  };
  readonly #symbols: string[] = [];
  readonly #symbolIndex = new Map<string, number>();
  #lastSeries: Labels | undefined;
  /** Series IDs by name symbol, then value symbol. */
  readonly #postings = new Map<number, Map<number, U32List>>();
  readonly #all = new U32List();
  readonly #buf = new EncBuf(1024);
  readonly #head = new EncBuf(16);
  readonly #crcBytes = new Uint8Array(4);
  #sectionCrc = 0;
  #closed = false;

  private constructor(f: BufferedFileWriter) {
    this.#f = f;
  }

  /** Creates the index file at `path` (it must not exist) and writes its header. */
  static create(path: string): IndexWriter {
    const f = BufferedFileWriter.create(path);
    const h = new EncBuf(8);
    h.putBE32(MAGIC_INDEX);
    h.putByte(INDEX_FORMAT_V2);
    f.write(h.view());
    return new IndexWriter(f);
  }

  /** Number of series added so far. */
  get numSeries(): number {
    return this.#all.n;
  }

  #ensureStage(s: Stage): void {
    if (this.#closed) throw new IndexWriterError('index writer is closed');
    if (s < this.#stage) throw new IndexWriterError(`invalid stage: ${stageNames[s]} after ${stageNames[this.#stage]}`);
    while (this.#stage < s) {
      this.#stage = (this.#stage + 1) as Stage;
      if (this.#stage === Stage.Symbols) this.#startSymbols();
      else if (this.#stage === Stage.Series) this.#finishSymbols();
    }
  }

  #startSymbols(): void {
    this.#toc.symbols = this.#f.pos;
  }

  /** Writes the symbol table: its length and count are known once every symbol was added. */
  #finishSymbols(): void {
    const steps = this.#symbolSteps();
    while (steps.next().done !== true) {
      // Run to the end at once.
    }
  }

  *#symbolSteps(): Generator<void, void, void> {
    const f = this.#f;
    const start = this.#beginSection();
    const b = this.#buf;
    b.reset();
    b.putBE32(this.#symbols.length);
    const syms = this.#symbols;
    for (let i = 0; i < syms.length; i++) {
      b.putUvarintStr(syms[i]!);
      this.#sectionFlush(false);
      if ((i & 8191) === 8191) yield;
    }
    this.#endSection(start);
    this.#toc.series = f.pos;
  }

  /**
   * Ends the symbols and writes the symbol table, giving the event loop turns as `slicer` says
   * (the first `addSeries` does it at once otherwise).
   */
  async writeSymbols(opts: { slicer?: TimeSlicer; signal?: AbortSignal } = {}): Promise<void> {
    if (this.#stage >= Stage.Series) return;
    this.#ensureStage(Stage.Symbols);
    this.#stage = Stage.Series;
    const slicer = opts.slicer ?? new TimeSlicer();
    const steps = this.#symbolSteps();
    while (steps.next().done !== true) {
      if (slicer.due()) {
        opts.signal?.throwIfAborted();
        await slicer.yield();
      }
    }
  }

  /** Prometheus: Writer.AddSymbol. Symbols must come sorted (Go string order) and unique. */
  addSymbol(sym: string): void {
    this.#ensureStage(Stage.Symbols);
    const prev = this.#symbols[this.#symbols.length - 1];
    if (prev !== undefined && compareStrings(prev, sym) >= 0) {
      throw new IndexWriterError(`symbol ${JSON.stringify(sym)} out-of-order (after ${JSON.stringify(prev)})`);
    }
    this.#symbolIndex.set(sym, this.#symbols.length);
    this.#symbols.push(sym);
  }

  /**
   * Prometheus: Writer.AddSeries. Adds a series with its chunks (sorted by time, not overlapping,
   * refs increasing). Series must come in increasing label order, and each label name and value
   * must have been added as a symbol. Returns the series' ID (its ref in this index).
   */
  addSeries(lset: Labels, chunks: readonly IndexChunkMeta[]): number {
    this.#ensureStage(Stage.Series);
    const last = this.#lastSeries;
    if (last !== undefined && Labels.compare(last, lset) >= 0) {
      throw new IndexWriterError(`out-of-order series added with label set ${lset.toString()}`);
    }
    this.#lastSeries = lset;
    const f = this.#f;
    f.addPadding(SERIES_ALIGNMENT);
    if (f.pos % SERIES_ALIGNMENT !== 0) throw new Error('series not aligned');
    const id = f.pos / SERIES_ALIGNMENT;
    if (id > 0xffffffff) throw new IndexWriterError(`series offset ${f.pos} exceeds 4 bytes`);
    const b = this.#buf;
    b.reset();
    b.putUvarint(lset.length);
    let bad: string | undefined;
    lset.forEach((name, value) => {
      const n = this.#symbolIndex.get(name);
      const v = this.#symbolIndex.get(value);
      if (n === undefined || v === undefined) {
        bad ??= n === undefined ? name : value;
        return;
      }
      b.putUvarint(n);
      b.putUvarint(v);
      let byValue = this.#postings.get(n);
      if (byValue === undefined) {
        byValue = new Map();
        this.#postings.set(n, byValue);
      }
      let list = byValue.get(v);
      if (list === undefined) {
        list = new U32List();
        byValue.set(v, list);
      }
      list.push(id);
    });
    if (bad !== undefined) throw new IndexWriterError(`symbol ${JSON.stringify(bad)} not found`);
    this.#all.push(id);
    b.putUvarint(chunks.length);
    if (chunks.length > 0) {
      const c0 = chunks[0]!;
      checkChunk(lset, c0, undefined);
      b.putVarint(c0.mint);
      b.putUvarint(c0.maxt - c0.mint);
      b.putUvarint(c0.ref);
      let t0 = c0.maxt;
      let ref0 = c0.ref;
      for (let i = 1; i < chunks.length; i++) {
        const c = chunks[i]!;
        checkChunk(lset, c, chunks[i - 1]);
        b.putUvarint(c.mint - t0);
        b.putUvarint(c.maxt - c.mint);
        b.putVarint(c.ref - ref0);
        t0 = c.maxt;
        ref0 = c.ref;
      }
    }
    const h = this.#head;
    h.reset();
    h.putUvarint(b.len);
    f.write(h.view());
    f.write(b.view());
    this.#writeCrc(crc32c(b.view()));
    return id;
  }

  #writeCrc(crc: number): void {
    new DataView(this.#crcBytes.buffer).setUint32(0, crc);
    this.#f.write(this.#crcBytes);
  }

  /** Starts a section of unknown length: its length is patched in by `#endSection`. */
  #beginSection(): number {
    const start = this.#f.pos;
    this.#f.write(new Uint8Array(4));
    this.#sectionCrc = 0;
    return start;
  }

  /** Appends the buffer's bytes to the open section (when `force` or the buffer is big) and empties it. */
  #sectionFlush(force: boolean): void {
    const b = this.#buf;
    if (!force && b.len < 64 * 1024) return;
    this.#sectionCrc = crc32c(b.view(), this.#sectionCrc);
    this.#f.write(b.view());
    b.reset();
  }

  #endSection(start: number): void {
    this.#sectionFlush(true);
    const lenB = new Uint8Array(4);
    new DataView(lenB.buffer).setUint32(0, this.#f.pos - start - 4);
    this.#f.writeAt(start, lenB);
    this.#writeCrc(this.#sectionCrc);
  }

  /**
   * Writes the label indices, postings, label offset table, postings offset table and TOC, then
   * flushes, fsyncs and closes the file. Gives the event loop a turn whenever `slicer` says so.
   */
  async close(opts: { slicer?: TimeSlicer; signal?: AbortSignal } = {}): Promise<void> {
    this.#ensureStage(Stage.Series);
    this.#stage = Stage.Done;
    this.#closed = true;
    const slicer = opts.slicer ?? new TimeSlicer();
    let work = 0;
    const maybeYield = async (units: number): Promise<void> => {
      work += units;
      if (work < 4096) return;
      work = 0;
      if (!slicer.due()) return;
      opts.signal?.throwIfAborted();
      await slicer.yield();
    };
    const f = this.#f;
    const syms = this.#symbols;
    const b = this.#buf;
    const names = Array.from(this.#postings.keys()).sort((x, y) => x - y);
    const valuesOf = new Map<number, number[]>();
    for (const n of names) {
      valuesOf.set(
        n,
        Array.from(this.#postings.get(n)!.keys()).sort((x, y) => x - y),
      );
      await maybeYield(valuesOf.get(n)!.length);
    }

    // Label indices (unused by readers since v2, written for the tools that still look).
    this.#toc.labelIndices = f.pos;
    const labelIndexOffsets: number[] = [];
    for (const n of names) {
      f.addPadding(4);
      labelIndexOffsets.push(f.pos);
      const values = valuesOf.get(n)!;
      const start = this.#beginSection();
      b.reset();
      b.putBE32(1);
      b.putBE32(values.length);
      for (const v of values) {
        b.putBE32(v);
        this.#sectionFlush(false);
      }
      this.#endSection(start);
      await maybeYield(values.length);
    }

    // Postings: every series first (the empty label pair), then each pair in order.
    this.#toc.postings = f.pos;
    const postingsOffsets: number[] = [];
    const writePostings = (list: U32List): void => {
      f.addPadding(4);
      postingsOffsets.push(f.pos);
      const start = this.#beginSection();
      b.reset();
      b.putBE32(list.n);
      for (let i = 0; i < list.n; i++) {
        b.putBE32(list.a[i]!);
        if ((i & 4095) === 0) this.#sectionFlush(false);
      }
      this.#endSection(start);
    };
    writePostings(this.#all);
    for (const n of names) {
      const byValue = this.#postings.get(n)!;
      for (const v of valuesOf.get(n)!) {
        const list = byValue.get(v)!;
        writePostings(list);
        await maybeYield(list.n + 16);
      }
    }

    this.#toc.labelIndicesTable = f.pos;
    let start = this.#beginSection();
    b.reset();
    b.putBE32(names.length);
    for (let i = 0; i < names.length; i++) {
      b.putUvarint(1);
      b.putUvarintStr(syms[names[i]!]!);
      b.putUvarint(labelIndexOffsets[i]!);
    }
    this.#endSection(start);

    this.#toc.postingsTable = f.pos;
    start = this.#beginSection();
    b.reset();
    b.putBE32(postingsOffsets.length);
    let k = 0;
    b.putUvarint(2);
    b.putUvarintStr('');
    b.putUvarintStr('');
    b.putUvarint(postingsOffsets[k++]!);
    for (const n of names) {
      for (const v of valuesOf.get(n)!) {
        b.putUvarint(2);
        b.putUvarintStr(syms[n]!);
        b.putUvarintStr(syms[v]!);
        b.putUvarint(postingsOffsets[k++]!);
        this.#sectionFlush(false);
        await maybeYield(4);
      }
    }
    this.#endSection(start);

    f.write(encodeTOC(this.#toc));
    await f.close();
  }

  /** Closes the file without completing it (the caller removes it). */
  abort(): void {
    this.#closed = true;
    void this.#f.abort(); // Closes once the writes in flight end; never rejects.
  }
}

function checkChunk(lset: Labels, c: IndexChunkMeta, prev: IndexChunkMeta | undefined): void {
  if (!(c.mint <= c.maxt)) {
    throw new IndexWriterError(`series ${lset.toString()}: chunk mint ${c.mint} > maxt ${c.maxt}`);
  }
  if (prev !== undefined && (c.mint < prev.maxt || c.ref <= prev.ref)) {
    throw new IndexWriterError(
      `series ${lset.toString()}: chunk [${c.mint}, ${c.maxt}] ref ${c.ref} does not follow [${prev.mint}, ${prev.maxt}] ref ${prev.ref}`,
    );
  }
}
