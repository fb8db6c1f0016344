// Prometheus: tsdb/index/index.go Reader (NewFileReader, Symbols, Series, Postings, LabelValues,
// LabelNames, SortedPostings), format v2. The file is read by position through a bounded page
// cache; in memory stay only every 32nd symbol's offset and every 32nd postings offset entry
// (plus the last of each label name), as Prometheus keeps them.
import { basename, dirname } from 'node:path';
import { compareStrings, type Labels, ScratchBuilder } from '@tsprom/labels';
import { crc32c } from '@tsprom/chunkenc';
import { CorruptBlockError } from '../block/errors.js';
import { PagedFile, type PagedFileOptions, ShortReadError } from '../block/paged-file.js';
import { emptyPostings, mergePostings, type Postings } from '../postings.js';
import type { PostingsIndex } from '../postings-for-matchers.js';
import { TimeSlicer } from '../time-slicer.js';
import { FileCursor, FormatError } from './file-cursor.js';
import {
  decodeTOC,
  INDEX_FORMAT_V2,
  INDEX_HEADER_SIZE,
  INDEX_TOC_SIZE,
  type IndexTOC,
  MAGIC_INDEX,
  SAMPLE_FACTOR,
  SERIES_ALIGNMENT,
} from './index-format.js';
import type { IndexChunkMeta } from './index-writer.js';
import { checkSectionCrc, readSampledPostingsTable, type SampledPostings } from './postings-table.js';

const SYMBOL_CACHE_MAX = 1 << 16;

/** Options of {@link IndexReader.open}. */
export interface IndexReaderOptions extends PagedFileOptions {
  signal?: AbortSignal;
}

/** A series read from the index: its labels and chunk metas (sorted by time). */
export interface IndexSeries {
  labels: Labels;
  chunks: IndexChunkMeta[];
}

/**
 * Prometheus: index.Reader. Reads an index file (v2). Implements PostingsIndex, so matchers are
 * evaluated against it as against the head. Series IDs sort as their label sets do. Damage is
 * thrown as CorruptBlockError naming the block directory, the file and the offset. Reads are
 * synchronous (after the asynchronous `open`) and may be made concurrently by several queriers.
 */
export class IndexReader implements PostingsIndex {
  readonly path: string;
  readonly toc: IndexTOC;
  readonly #file: PagedFile;
  readonly #symbolOffsets: number[];
  readonly #numSymbols: number;
  readonly #postings: Map<string, SampledPostings>;
  readonly #symbolCache = new Map<number, string>();
  // One cursor per use: a series read looks symbols up, a postings look-up walks the table.
  readonly #symCursor: FileCursor;
  readonly #seriesCursor: FileCursor;
  readonly #tableCursor: FileCursor;
  readonly #builder = new ScratchBuilder();

  private constructor(
    path: string,
    file: PagedFile,
    toc: IndexTOC,
    symbolOffsets: number[],
    numSymbols: number,
    postings: Map<string, SampledPostings>,
  ) {
    this.path = path;
    this.#file = file;
    this.toc = toc;
    this.#symbolOffsets = symbolOffsets;
    this.#numSymbols = numSymbols;
    this.#postings = postings;
    this.#symCursor = new FileCursor(file, 0, file.size);
    this.#seriesCursor = new FileCursor(file, 0, file.size);
    this.#tableCursor = new FileCursor(file, 0, file.size);
  }

  /**
   * Opens the index at `path`: checks header and TOC, samples the symbol table and the postings
   * offset table (checking both checksums), in time slices that give the event loop turns.
   */
  static async open(path: string, opts: IndexReaderOptions = {}): Promise<IndexReader> {
    const file = PagedFile.open(path, opts);
    const fail = (off: number, reason: string, cause?: unknown): CorruptBlockError =>
      new CorruptBlockError(dirname(path), basename(path), off, reason, cause === undefined ? undefined : { cause });
    try {
      if (file.size < INDEX_HEADER_SIZE + INDEX_TOC_SIZE) throw fail(0, `index too small: ${file.size} bytes`);
      const h = file.read(0, INDEX_HEADER_SIZE);
      const magic = ((h[0]! << 24) | (h[1]! << 16) | (h[2]! << 8) | h[3]!) >>> 0;
      if (magic !== MAGIC_INDEX) throw fail(0, `invalid magic number ${magic.toString(16)}`);
      if (h[4] !== INDEX_FORMAT_V2) throw fail(4, `unsupported index format version ${h[4]}`);
      const tocPos = file.size - INDEX_TOC_SIZE;
      const toc = decodeTOC(file.read(tocPos, INDEX_TOC_SIZE));
      if (toc === undefined) throw fail(tocPos, 'read TOC: read TOC: invalid checksum');
      for (const [k, v] of Object.entries(toc)) {
        if (v !== 0 && (v < INDEX_HEADER_SIZE || v >= tocPos)) throw fail(tocPos, `TOC: ${k} offset ${v} out of range`);
      }
      const slicer = new TimeSlicer();
      const { offsets, count } = await sampleSymbols(file, toc.symbols, slicer, opts.signal);
      const postings =
        toc.postingsTable === 0
          ? new Map<string, SampledPostings>()
          : await readSampledPostingsTable(file, toc.postingsTable, slicer, opts.signal);
      return new IndexReader(path, file, toc, offsets, count, postings);
    } catch (err) {
      file.close();
      if (err instanceof FormatError) throw fail(err.offset, err.message, err);
      if (err instanceof ShortReadError) throw fail(err.pos, 'unexpected end of file', err);
      throw err;
    }
  }

  #corrupt(err: unknown, what: string): Error {
    if (err instanceof FormatError)
      return new CorruptBlockError(dirname(this.path), basename(this.path), err.offset, `${what}: ${err.message}`, {
        cause: err,
      });
    if (err instanceof ShortReadError)
      return new CorruptBlockError(
        dirname(this.path),
        basename(this.path),
        err.pos,
        `${what}: unexpected end of file`,
        { cause: err },
      );
    return err instanceof Error ? err : new Error(String(err));
  }

  /** Bytes of the file's page cache in use. */
  get cachedBytes(): number {
    return this.#file.cachedBytes;
  }

  /** Size of the index file in bytes. */
  get size(): number {
    return this.#file.size;
  }

  /** Number of symbols. */
  get numSymbols(): number {
    return this.#numSymbols;
  }

  /** Prometheus: Symbols.Lookup. The symbol with index `i`. */
  lookupSymbol(i: number): string {
    const cached = this.#symbolCache.get(i);
    if (cached !== undefined) return cached;
    if (i >= this.#numSymbols) throw new FormatError(-1, `unknown symbol offset ${i}`);
    const c = this.#symCursor;
    c.seek(this.#symbolOffsets[Math.floor(i / SAMPLE_FACTOR)]!, this.#file.size);
    for (let k = i % SAMPLE_FACTOR; k > 0; k--) c.skipUvarintStr();
    const s = c.uvarintStr();
    if (this.#symbolCache.size >= SYMBOL_CACHE_MAX) this.#symbolCache.clear();
    this.#symbolCache.set(i, s);
    return s;
  }

  /** Prometheus: Reader.Symbols. Every symbol, in order, read as iterated. */
  *symbols(): Generator<string, void, undefined> {
    if (this.#numSymbols === 0) return;
    const c = new FileCursor(this.#file, this.#symbolOffsets[0]!, this.#file.size, { sequential: true });
    try {
      for (let i = 0; i < this.#numSymbols; i++) yield c.uvarintStr();
    } catch (err) {
      throw this.#corrupt(err, 'read symbols');
    }
  }

  /**
   * Prometheus: Reader.Series. The labels and chunk metas of the series with ID `id`. Checks the
   * entry's checksum.
   */
  series(id: number): IndexSeries {
    const pos = id * SERIES_ALIGNMENT;
    try {
      const c = this.#seriesCursor;
      c.seek(pos, this.#file.size);
      const len = c.uvarint();
      const start = c.pos;
      const body = c.bytes(len);
      const sum = c.be32();
      if (crc32c(body) !== sum) throw new FormatError(pos, 'invalid checksum');
      c.seek(start, start + len);
      const b = this.#builder;
      b.reset();
      const nl = c.uvarint();
      for (let i = 0; i < nl; i++) {
        const n = this.lookupSymbol(c.uvarint());
        b.add(n, this.lookupSymbol(c.uvarint()));
      }
      const nc = c.uvarint();
      const chunks: IndexChunkMeta[] = new Array(nc);
      let t0 = 0;
      let ref0 = 0;
      for (let i = 0; i < nc; i++) {
        let mint: number;
        let ref: number;
        if (i === 0) {
          mint = c.varint();
          const maxt = mint + c.uvarint();
          ref = c.uvarint();
          chunks[i] = { mint, maxt, ref };
          t0 = maxt;
        } else {
          mint = t0 + c.uvarint();
          const maxt = mint + c.uvarint();
          ref = ref0 + c.varint();
          chunks[i] = { mint, maxt, ref };
          t0 = maxt;
        }
        ref0 = ref;
      }
      return { labels: b.labels(), chunks };
    } catch (err) {
      throw this.#corrupt(err, `read series ${id}`);
    }
  }

  /** Prometheus: Reader.LabelNames. Label names present, sorted. */
  labelNames(): string[] {
    const out: string[] = [];
    for (const n of this.#postings.keys()) if (n !== '') out.push(n);
    return out.sort(compareStrings);
  }

  /** Prometheus: Reader.SortedLabelValues. Values of label `name`, sorted. */
  labelValues(name: string): string[] {
    const out: string[] = [];
    this.#forEachEntry(name, (v) => {
      out.push(v);
      return undefined;
    });
    return out;
  }

  /** Calls `fn` with every value of `name` and the offset of its postings list, in order. */
  #forEachEntry(name: string, fn: (value: string, postingsOff: number) => boolean | undefined): void {
    const e = this.#postings.get(name);
    if (e === undefined || e.values.length === 0) return;
    const lastVal = e.values[e.values.length - 1]!;
    const c = this.#tableCursor;
    try {
      c.seek(e.offs[0]!, this.#file.size);
      for (;;) {
        c.uvarint();
        c.skipUvarintStr();
        const v = c.uvarintStr();
        const off = c.uvarint();
        if (fn(v, off) === false || v === lastVal) return;
      }
    } catch (err) {
      throw this.#corrupt(err, `read postings offset table for ${JSON.stringify(name)}`);
    }
  }

  /** Reads the postings list at `off` (checking its checksum). */
  #readPostings(off: number): Uint32Array {
    try {
      const lb = this.#file.read(off, 4);
      const len = ((lb[0]! << 24) | (lb[1]! << 16) | (lb[2]! << 8) | lb[3]!) >>> 0;
      const body = this.#file.read(off + 4, len);
      const sum = this.#file.read(off + 4 + len, 4);
      if (crc32c(body) !== ((sum[0]! << 24) | (sum[1]! << 16) | (sum[2]! << 8) | sum[3]!) >>> 0) {
        throw new FormatError(off, 'read postings: invalid checksum');
      }
      const dv = new DataView(body.buffer, body.byteOffset, body.byteLength);
      const n = dv.getUint32(0);
      if (4 + n * 4 !== len) throw new FormatError(off, `postings list of ${n} entries in ${len} bytes`);
      const out = new Uint32Array(n);
      for (let i = 0; i < n; i++) out[i] = dv.getUint32(4 + i * 4);
      return out;
    } catch (err) {
      throw this.#corrupt(err, 'read postings');
    }
  }

  /** Prometheus: Reader.Postings. Merged IDs of series with label `name` set to any of `values`. */
  postings(name: string, values: readonly string[]): Postings {
    const e = this.#postings.get(name);
    if (e === undefined || values.length === 0) return emptyPostings;
    const want = values.length === 1 ? values : [...new Set(values)].sort(compareStrings);
    const res: Postings[] = [];
    let vi = 0;
    while (vi < want.length && compareStrings(want[vi]!, e.values[0]!) < 0) vi++;
    const c = this.#tableCursor;
    while (vi < want.length) {
      let value = want[vi]!;
      let i = lowerBound(e.values, value);
      if (i === e.values.length) break;
      if (i > 0 && e.values[i] !== value) i--;
      try {
        c.seek(e.offs[i]!, this.#file.size);
        for (;;) {
          c.uvarint();
          c.skipUvarintStr();
          const v = c.uvarintStr();
          const off = c.uvarint();
          let cmp = compareStrings(v, value);
          while (cmp >= 0) {
            if (cmp === 0) res.push(this.#readPostings(off));
            vi++;
            if (vi === want.length) break;
            value = want[vi]!;
            cmp = compareStrings(v, value);
          }
          if (vi === want.length || i + 1 === e.values.length || compareStrings(value, e.values[i + 1]!) >= 0) break;
          if (v === e.values[e.values.length - 1]) {
            vi = want.length;
            break;
          }
        }
      } catch (err) {
        throw this.#corrupt(err, `read postings offset table for ${JSON.stringify(name)}`);
      }
    }
    if (res.length === 1) return res[0]!;
    return mergePostings(res);
  }

  /** IDs of every series (Prometheus: the postings of AllPostingsKey). */
  allPostings(): Postings {
    return this.postings('', ['']);
  }

  postingsForLabelMatching(name: string, match: (value: string) => boolean): Postings {
    const offs: number[] = [];
    this.#forEachEntry(name, (v, off) => {
      if (match(v)) offs.push(off);
      return undefined;
    });
    const lists: Postings[] = [];
    for (const off of offs) lists.push(this.#readPostings(off));
    return lists.length === 1 ? lists[0]! : mergePostings(lists);
  }

  /**
   * IDs of every series that has label `name`. When the lists of its values hold as many IDs as
   * the all-postings list (a series has one value per name, so the lists are disjoint), they
   * together are that list: it is read alone, with no merge (`__name__=~".+"`).
   */
  postingsForAllLabelValues(name: string): Postings {
    const offs: number[] = [];
    this.#forEachEntry(name, (_v, off) => {
      offs.push(off);
      return undefined;
    });
    if (offs.length === 0) return emptyPostings;
    let allOff = -1;
    this.#forEachEntry('', (v, off) => {
      if (v === '') allOff = off;
      return v !== '';
    });
    if (allOff >= 0) {
      let n = 0;
      for (const off of offs) n += this.#postingsCount(off);
      if (n === this.#postingsCount(allOff)) return this.#readPostings(allOff);
    }
    if (offs.length === 1) return this.#readPostings(offs[0]!);
    const lists: Postings[] = [];
    for (const off of offs) lists.push(this.#readPostings(off));
    return mergePostings(lists);
  }

  /** The number of IDs the postings list at `off` says it holds (from its length; unchecked). */
  #postingsCount(off: number): number {
    try {
      const lb = this.#file.read(off, 4);
      return ((((lb[0]! << 24) | (lb[1]! << 16) | (lb[2]! << 8) | lb[3]!) >>> 0) - 4) / 4;
    } catch (err) {
      throw this.#corrupt(err, 'read postings');
    }
  }

  /** Checks every checksum of the file's series and postings lists (for `tsdb analyze`-like checks). */
  verify(): void {
    try {
      checkSectionCrc(this.#file, this.toc.symbols);
      if (this.toc.postingsTable !== 0) checkSectionCrc(this.#file, this.toc.postingsTable);
    } catch (err) {
      throw this.#corrupt(err, 'verify');
    }
    const all = this.allPostings();
    for (let i = 0; i < all.length; i++) this.series(all[i]!);
  }

  /** Closes the file. */
  close(): void {
    this.#file.close();
  }
}

function lowerBound(xs: readonly string[], v: string): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareStrings(xs[mid]!, v) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Reads the symbol table's header, checks its checksum, and keeps every 32nd symbol's offset. */
async function sampleSymbols(
  file: PagedFile,
  at: number,
  slicer: TimeSlicer,
  signal: AbortSignal | undefined,
): Promise<{ offsets: number[]; count: number }> {
  if (at === 0) return { offsets: [], count: 0 };
  const { contentStart, contentEnd } = checkSectionCrc(file, at);
  const c = new FileCursor(file, contentStart, contentEnd, { sequential: true });
  const count = c.be32();
  const offsets: number[] = [];
  for (let i = 0; i < count; i++) {
    if (i % SAMPLE_FACTOR === 0) {
      offsets.push(c.pos);
      if (i % (SAMPLE_FACTOR * 256) === 0 && slicer.due()) {
        signal?.throwIfAborted();
        await slicer.yield();
      }
    }
    c.skipUvarintStr();
  }
  return { offsets, count };
}
