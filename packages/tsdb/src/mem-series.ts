// Prometheus: tsdb/head.go memSeries, memChunk, computeChunkEndTime, rangeForTimestamp
import { newChunk, XOR2Chunk, XORChunk } from '@tsprom/chunkenc';
import type { Labels } from '@tsprom/labels';
import {
  type Chunk,
  type ChunkAppender,
  Encoding,
  type FloatHistogram,
  type Histogram,
  type Metadata,
} from '@tsprom/storage-interfaces';
import { appendRunToSlot, appendToSlot, clearSlot, resetSlotState, SLOT_BYTES, SlotCol } from './head-xor-slot.js';
import type { OOOChunk } from './ooo-chunk.js';

/** Samples per chunk before a cut is forced at twice this (Prometheus `DefaultSamplesPerChunk`). */
export const defaultSamplesPerChunk = 120;
/** An XOR chunk is cut once its encoding exceeds this many bytes (Prometheus `maxBytesPerXORChunk`). */
export const maxBytesPerXORChunk = 1024;
/** A histogram chunk is cut once it reaches this many bytes… (Prometheus `TargetBytesPerHistogramChunk`). */
export const targetBytesPerHistogramChunk = 1024;
/** …and holds at least this many samples (Prometheus `MinSamplesPerHistogramChunk`). */
export const minSamplesPerHistogramChunk = 10;

/** A chunk in memory with its time range (ms, inclusive) and the sequence number of its first sample. */
export interface MemChunk {
  chunk: Chunk;
  mint: number;
  maxt: number;
  /** Index of the chunk's first sample among all samples ever appended to the series. */
  firstSeq: number;
}

/**
 * Where completed head chunks go so that memory per series stays small (chunks_head/ on disk).
 * `read` is synchronous, for sample iteration, which never awaits; queriers fetch the chunks a
 * select will need with `readMany` first, when the store has it, so that iteration does no I/O.
 */
export interface HeadChunkStore {
  /**
   * Stores a completed chunk of series `seriesRef` and returns a reference to read it back.
   * `isOOO` marks an out-of-order chunk. The chunk is lent for the call only: the head may empty
   * it and append to it again once `write` returned, so keep a copy of its bytes, not the chunk.
   */
  write(seriesRef: number, mint: number, maxt: number, chunk: Chunk, isOOO?: boolean): number;
  /** The chunk stored under `ref`. Throws if it cannot be read. */
  read(ref: number): Chunk;
  /**
   * Reads the chunks stored under `refs` without blocking the event loop, calling `found` for each
   * it read: the data of `refs[i]` is `bytes[start, end)`, in `encoding` (an `Encoding` value).
   * `bytes` is the caller's from then on, whatever the store does after. Refs it did not read (it
   * failed, or read enough for one call) get no call: `read` reports or reads them when they are
   * needed. Rejects with `signal`'s reason once it is aborted.
   */
  readMany?(
    refs: ArrayLike<number>,
    found: (i: number, encoding: number, bytes: Uint8Array, start: number, end: number) => void,
    signal?: AbortSignal,
  ): Promise<void>;
}

// maxt, lastValue, nextAt, open chunk's mint, seq, open chunk's first seq and sample count,
// pending commits, then the state of the open chunk's slot (see head-xor-slot.ts). A power of two:
// a page holds a whole number of series.
const COLS = 16; // SLOT + SLOT_COLS
const MAXT = 0;
const LAST_VALUE = 1;
const NEXT_AT = 2;
const OPEN_MINT = 3;
const SEQ = 4;
const OPEN_FIRST_SEQ = 5;
const OPEN_COUNT = 6;
const PENDING_COMMITS = 7;
const SLOT = 8;
/** log2 of the doubles in a page of columns: 1,024 series (128 KiB) a page. */
const PAGE_BITS = 14;
const PAGE_MASK = (1 << PAGE_BITS) - 1;
/** Open chunks' slots per slab: one ArrayBuffer for this many chunks. */
const SLOTS_PER_SLAB = 512;

/**
 * The numeric state every append reads and writes (max time, last value, cut time, sample
 * counts, the open chunk's encoder), for all series of a head in Float64Array pages of 1,024
 * series. As object fields these doubles would each be a separate heap box: a cache miss apiece
 * on the append path, and 16 bytes each; even as small integers they would make every series
 * object bigger, and the young-generation collector copies each series object twice when 100k
 * are created at once (a typed array's data it never copies). Pages, not one array grown by
 * doubling: creating the 16,385th series would copy 2 MiB at once.
 */
export class SeriesColumns {
  readonly #pages: Float64Array[] = [];
  /** Whether new open chunks are XOR2 (`floatChunkEncoding: 'xor2'`), keeping start timestamps. */
  xor2 = false;
  /**
   * Whether a chunk cut and written to the chunk store may be emptied and reused as the next open
   * chunk (no allocation). Set only while nobody can hold a reference to an open chunk: while no
   * querier is open (see applyCommit).
   */
  reuseChunks = false;
  #next = 0;
  readonly #free: number[] = [];
  #slab = new Uint8Array(0);
  #slabAt = 0;
  /** Offset in its slab of the slot `takeSlot` handed out last. */
  slotOffset = 0;
  #slotIds = 0;

  /** A slot assignment id never handed out before (see SlotCol.id). */
  nextSlotId(): number {
    return ++this.#slotIds;
  }

  /**
   * Reserves the columns of a new series and returns their offset: they are
   * `page(offset)[(offset & PAGE_MASK) + k]`, see MemSeries.
   */
  alloc(): number {
    let o = this.#free.pop();
    if (o === undefined) {
      o = this.#next;
      this.#next += COLS;
      if (o >>> PAGE_BITS === this.#pages.length) this.#pages.push(new Float64Array(1 << PAGE_BITS));
    }
    const a = this.page(o);
    const i = o & PAGE_MASK;
    // Plain stores: two fill() calls over so few elements cost more than the stores.
    for (let k = i; k < i + COLS; k++) a[k] = 0;
    a[i + MAXT] = -Infinity;
    a[i + NEXT_AT] = -Infinity;
    return o;
  }

  /** The page holding the columns at `offset`. */
  page(offset: number): Float64Array {
    return this.#pages[offset >>> PAGE_BITS]!;
  }

  /** Returns the columns of a removed series for reuse. */
  free(o: number): void {
    this.#free.push(o);
  }

  /**
   * A slot for a new open XOR chunk: the slab is returned, the offset is `slotOffset`. Slots of one
   * slab go to the next chunks created, so that when 100k series are created (or all cut) at once,
   * nothing calls the allocator per chunk and no object is made per chunk. A chunk that outgrows
   * its slot moves to an XORChunk of its own; a slab is freed once no series uses a slot of it.
   */
  takeSlot(): Uint8Array {
    let at = this.#slabAt;
    if (at === this.#slab.length) {
      this.#slab = new Uint8Array(SLOT_BYTES * SLOTS_PER_SLAB);
      at = 0;
    }
    this.#slabAt = at + SLOT_BYTES;
    this.slotOffset = at;
    return this.#slab;
  }
}

/** A completed out-of-order chunk: in memory, or a chunk-store ref when it went to disk. */
export interface OOOMemChunk {
  chunk: Chunk | number;
  mint: number;
  maxt: number;
  numSamples: number;
}

/** The rarely used fields of a MemSeries. */
interface RareFields {
  isoLog: number[] | undefined;
  ooo: OOOChunk | undefined;
  oooCompleted: OOOMemChunk[] | undefined;
  meta: Metadata | undefined;
  /** The open chunk while it is a histogram chunk (then there is no open float chunk). */
  hOpen: Chunk | undefined;
  hApp: ChunkAppender | undefined;
  /** The latest in-order sample when it is a histogram (Prometheus lastHistogramValue). */
  lastH: Histogram | FloatHistogram | undefined;
}

/** Fields of one stored (m-mapped) chunk in `MemSeries.mmapped`, which is flat. */
export const MMAP_FIELDS = 4; // diskRef, mint, maxt, numSamples (first seqs: see mmappedFirstSeq)

/**
 * Prometheus's estimate of when to cut the chunk started at `start`, now at `cur`, so that the
 * chunks up to `maxT` come out equally sized, assuming the range is 1/ratioToFull full.
 */
export function computeChunkEndTime(start: number, cur: number, maxT: number, ratioToFull: number): number {
  const n = (maxT - start) / ((cur - start + 1) * ratioToFull);
  if (n <= 1) return maxT;
  return Math.trunc(start + (maxT - start) / Math.floor(n));
}

/** The end of the chunk range `t` falls in: chunks never span a chunk range boundary. */
export function rangeForTimestamp(t: number, width: number): number {
  return Math.trunc(t / width) * width + width;
}

/**
 * At a cut with chunk reuse, an XOR chunk that outgrew its slot opens the next chunk in a slot
 * again when it is at most this big: most of the next chunk's samples then fit the slot, where the
 * commit appends through the columns alone (commitInSlot) instead of the series' slow path, for
 * one chunk object made when it outgrows the slot. A bigger one is reused as the next chunk: its
 * samples would mostly not fit a slot, and when every series cuts at once that would make as many
 * chunk objects at once as there are series.
 */
export const reslotMaxBytes = 2 * SLOT_BYTES;

// Shared empty lists: most series never cut a chunk into one of them (saves two arrays each).
// Never pushed to: writers replace them first.
const noMmapped: number[] = [];
const noCompleted: MemChunk[] = [];

/**
 * One series of the head: its labels, its open chunk and the chunks cut before it (in memory or,
 * with a HeadChunkStore, only as references), the out-of-order chunks, and the isolation log.
 * Appends must come in increasing time order; the head checks before calling `append`.
 */
export class MemSeries {
  readonly ref: number;
  readonly labels: Labels;
  /** Completed chunks written to the chunk store: MMAP_FIELDS numbers each, oldest first. */
  mmapped: number[] = noMmapped;
  /** Completed chunks kept in memory (no chunk store), oldest first. */
  completed: MemChunk[] = noCompleted;
  // The chunk being appended to, inline (no MemChunk object: ~80 bytes less per series); its mint
  // is a column, its maxt is the series' maxt. An XOR chunk lives in a slot of a shared slab (#slab,
  // its state in the columns from SLOT on) until it outgrows it or needs the 64-bit path; then, and
  // for XOR2, it is a chunk object (#openChunk). At most one of the two is set.
  #openChunk: XORChunk | XOR2Chunk | undefined;
  #slab: Uint8Array | undefined;
  readonly #cols: SeriesColumns;
  // The page of #cols holding this series' columns, from index `columnOffset & PAGE_MASK` on.
  readonly #a: Float64Array;
  /** Offset of this series' numeric state in its head's SeriesColumns. */
  readonly columnOffset: number;
  // Fields most series never use (isolation log, out-of-order chunks, metadata), in one side
  // object created on first use: three pointer fields less per series.
  #rare: RareFields | undefined;
  /** Whether the series record is in the WAL (set when the first commit with it is logged). */
  walLogged = false;

  #rareFields(): RareFields {
    let r = this.#rare;
    if (r === undefined) {
      r = {
        isoLog: undefined,
        ooo: undefined,
        oooCompleted: undefined,
        meta: undefined,
        hOpen: undefined,
        hApp: undefined,
        lastH: undefined,
      };
      this.#rare = r;
    }
    return r;
  }

  /** Isolation log: pairs (commit id, seq before that commit), kept only while readers are open. */
  get isoLog(): number[] | undefined {
    return this.#rare?.isoLog;
  }
  set isoLog(v: number[] | undefined) {
    if (v !== undefined || this.#rare !== undefined) this.#rareFields().isoLog = v;
  }

  /** Out-of-order samples: the open OOO chunk. */
  get ooo(): OOOChunk | undefined {
    return this.#rare?.ooo;
  }
  set ooo(v: OOOChunk | undefined) {
    if (v !== undefined || this.#rare !== undefined) this.#rareFields().ooo = v;
  }

  /** Out-of-order chunks completed before the open one. */
  get oooCompleted(): OOOMemChunk[] | undefined {
    return this.#rare?.oooCompleted;
  }
  set oooCompleted(v: OOOMemChunk[] | undefined) {
    if (v !== undefined || this.#rare !== undefined) this.#rareFields().oooCompleted = v;
  }

  /** Latest metadata seen for the series. */
  get meta(): Metadata | undefined {
    return this.#rare?.meta;
  }
  set meta(v: Metadata | undefined) {
    if (v !== undefined || this.#rare !== undefined) this.#rareFields().meta = v;
  }

  constructor(ref: number, labels: Labels, cols: SeriesColumns = new SeriesColumns()) {
    this.ref = ref;
    this.labels = labels;
    this.#cols = cols;
    this.columnOffset = cols.alloc();
    this.#a = cols.page(this.columnOffset);
  }

  /** Index of this series' column `k` in #a. */
  #at(k: number): number {
    return (this.columnOffset & PAGE_MASK) + k;
  }

  /** Time of the latest in-order sample (ms); -Infinity when there is none. */
  get maxt(): number {
    return this.#a[this.#at(MAXT)]!;
  }
  set maxt(t: number) {
    this.#a[this.#at(MAXT)] = t;
  }

  /** Value of the latest in-order sample. */
  get lastValue(): number {
    return this.#a[this.#at(LAST_VALUE)]!;
  }
  set lastValue(v: number) {
    this.#a[this.#at(LAST_VALUE)] = v;
  }

  /** Time at which the open chunk is cut. */
  get nextAt(): number {
    return this.#a[this.#at(NEXT_AT)]!;
  }
  set nextAt(t: number) {
    this.#a[this.#at(NEXT_AT)] = t;
  }

  /** Number of in-order samples ever appended (isolation counts samples by this). */
  get seq(): number {
    return this.#a[this.#at(SEQ)]!;
  }
  set seq(n: number) {
    this.#a[this.#at(SEQ)] = n;
  }

  /**
   * Uncommitted samples of this series in all open appenders (Prometheus `pendingCommit`): while
   * above 0, garbage collection keeps the series.
   */
  get pendingCommits(): number {
    return this.#a[this.#at(PENDING_COMMITS)]!;
  }
  set pendingCommits(n: number) {
    this.#a[this.#at(PENDING_COMMITS)] = n;
  }

  get #openFirstSeq(): number {
    return this.#a[this.#at(OPEN_FIRST_SEQ)]!;
  }
  set #openFirstSeq(n: number) {
    this.#a[this.#at(OPEN_FIRST_SEQ)] = n;
  }

  get #openCount(): number {
    return this.#a[this.#at(OPEN_COUNT)]!;
  }
  set #openCount(n: number) {
    this.#a[this.#at(OPEN_COUNT)] = n;
  }

  /** The chunk being appended to, as a MemChunk view (allocated per call), if any. */
  get open(): MemChunk | undefined {
    const c = this.openChunk;
    if (c === undefined) return undefined;
    return { chunk: c, mint: this.#openMint, maxt: this.maxt, firstSeq: this.#openFirstSeq };
  }

  /**
   * The chunk being appended to, if any. While it lives in a slot, a copy of it made for the call
   * (the samples appended so far; see `openSlab` to read them without one).
   */
  get openChunk(): Chunk | undefined {
    const slab = this.#slab;
    if (slab !== undefined) {
      return XORChunk.fromBytes(slab.slice(this.openSlabStart, this.openSlabEnd), { validate: false });
    }
    return this.#openChunk ?? this.#rare?.hOpen;
  }

  /**
   * The slab holding the open chunk's bytes at [openSlabStart, openSlabEnd), header included, or
   * undefined when the open chunk (if any) is `openChunk`. Appends write after those bytes and into
   * the unwritten bits of the last one, and the header's count; the samples before stay as they are.
   */
  get openSlab(): Uint8Array | undefined {
    return this.#slab;
  }

  get openSlabStart(): number {
    return this.#a[this.#at(SLOT + SlotCol.offset)]!;
  }

  get openSlabEnd(): number {
    return this.openSlabStart + this.#a[this.#at(SLOT + SlotCol.len)]!;
  }

  // A chunk over the slot's bytes, for the moment: it reads the header's count once, and writes its
  // own count into the header when asked for its bytes after the slot was appended to.
  #slotChunk(slab: Uint8Array): XORChunk {
    return XORChunk.fromBytes(slab.subarray(this.openSlabStart, this.openSlabEnd), { validate: false });
  }

  // The open chunk is in no slot (any more): a commit must not use a slab taken before.
  #leaveSlot(): void {
    this.#slab = undefined;
    this.#a[this.#at(SLOT + SlotCol.id)] = 0;
  }

  /** The open chunk's slot assignment (see SlotCol.id); 0 when it is in no slot. */
  get openSlotId(): number {
    return this.#a[this.#at(SLOT + SlotCol.id)]!;
  }

  #hasOpen(): boolean {
    return this.#openChunk !== undefined || this.#slab !== undefined || this.#rare?.hOpen !== undefined;
  }

  /**
   * The latest in-order sample when it is a histogram (undefined when it is a float or unknown):
   * an append at the same time must carry an equal histogram.
   */
  get lastHistogram(): Histogram | FloatHistogram | undefined {
    return this.#rare?.lastH;
  }

  /** Time of the open chunk's first sample (meaningful while there is an open chunk). */
  get openMint(): number {
    return this.#openMint;
  }

  /** Index of the open chunk's first sample among all samples ever appended to the series. */
  get openFirstSeq(): number {
    return this.#openFirstSeq;
  }

  get #openMint(): number {
    return this.#a[this.#at(OPEN_MINT)]!;
  }
  set #openMint(t: number) {
    this.#a[this.#at(OPEN_MINT)] = t;
  }

  /** Time of the first in-order sample held, or Infinity when there is none. */
  minTime(): number {
    if (this.mmapped.length > 0) return this.mmapped[1]!;
    const c = this.completed[0];
    if (c !== undefined) return c.mint;
    return this.#hasOpen() ? this.#openMint : Infinity;
  }

  /**
   * Appends an in-order sample, cutting chunks as Prometheus does (at `chunkRangeMs` boundaries,
   * at a predicted end time once a quarter full, at 2x samplesPerChunk or past 1 KiB). Returns false
   * (and stores nothing) when `t` is not after the latest sample. `st` is the sample's start
   * timestamp (0 = unknown), kept only when the open chunk is XOR2.
   */
  append(
    t: number,
    v: number,
    chunkRangeMs: number,
    samplesPerChunk: number,
    store: HeadChunkStore | undefined,
    st = 0,
  ): boolean {
    const c = this.#openChunk;
    if (c === undefined && this.#slab === undefined) {
      if (t <= this.maxt) return false;
      this.#cut(t, chunkRangeMs, store);
    } else {
      if (this.maxt >= t) return false;
      const n = this.#openCount;
      if (n === samplesPerChunk >> 2) this.nextAt = computeChunkEndTime(this.#openMint, this.maxt, this.nextAt, 4);
      // The byte size is checked on every append, as Prometheus does (a field or column read). A
      // slot is smaller than the limit.
      if (t >= this.nextAt || n >= samplesPerChunk * 2 || (c !== undefined && c.byteLength() > maxBytesPerXORChunk)) {
        this.#cut(t, chunkRangeMs, store);
      }
    }
    const slab = this.#slab;
    if (slab !== undefined) {
      if (!appendToSlot(slab, this.#a, this.#at(SLOT), this.#openCount, this.maxt, t, v)) {
        // Out of room (or a timestamp for the 64-bit path): the chunk continues in an XORChunk,
        // which takes the slot's bytes as they are (and leaves them: a querier may read them).
        const moved = this.#slotChunk(slab);
        this.#openChunk = moved;
        this.#leaveSlot();
        moved.append(t, v);
      }
    } else if (st === 0) this.#openChunk!.append(t, v);
    else {
      const oc = this.#openChunk!;
      if (oc instanceof XOR2Chunk) oc.append(t, v, st);
      else oc.append(t, v);
    }
    this.#openCount++;
    // The open chunk's maxt is the series' maxt; it is written into the chunk when it is cut.
    this.maxt = t;
    this.lastValue = v;
    this.seq++;
    return true;
  }

  /**
   * Appends float samples `[from, to)` of `ts`/`vs` (one series' samples in log order, as WAL
   * replay applies them) as `append` would one by one, for as long as the common case holds: the
   * open chunk is in its slot, every sample is after the latest one and at or after
   * `minValidTime`, and no chunk cut or move out of the slot is due. Returns the index of the
   * first sample not appended (`to` when all were): the caller gives that one to `append` (or
   * rejects it), then may call again from the next. The per-sample checks are hoisted: the series'
   * state is read once, and the samples that fit before the next cut go to the slot in one run.
   */
  // Prometheus: tsdb/head_append.go memSeries.append (its in-order case, as loadWAL calls it per sample)
  appendRun(
    ts: Float64Array,
    vs: Float64Array,
    from: number,
    to: number,
    samplesPerChunk: number,
    minValidTime: number,
  ): number {
    const slab = this.#slab;
    if (slab === undefined) return from;
    const a = this.#a;
    const k = this.columnOffset & PAGE_MASK;
    let maxt = a[k + MAXT]!;
    let n = a[k + OPEN_COUNT]!;
    let nextAt = a[k + NEXT_AT]!;
    const quarter = samplesPerChunk >> 2;
    // The samples before the next cut (by time or count) that are in order: `end`.
    let end = from;
    let prev = maxt;
    let cnt = n;
    for (; end < to; end++) {
      const t = ts[end]!;
      if (!(t > prev && t >= minValidTime)) break;
      if (cnt === quarter) {
        // As append: the predicted end once a quarter full, from the open chunk's latest time.
        const na = computeChunkEndTime(a[k + OPEN_MINT]!, prev, nextAt, 4);
        if (t >= na) break;
        nextAt = na;
      } else if (t >= nextAt) break;
      if (cnt >= samplesPerChunk * 2) break;
      prev = t;
      cnt++;
    }
    if (end === from) return from;
    const stop = appendRunToSlot(slab, a, k + SLOT, n, maxt, ts, vs, from, end);
    if (stop === from) return from;
    // nextAt changed only if the quarter mark's sample was appended.
    if (n <= quarter && n + (stop - from) > quarter) a[k + NEXT_AT] = nextAt;
    n += stop - from;
    maxt = ts[stop - 1]!;
    a[k + OPEN_COUNT] = n;
    a[k + MAXT] = maxt;
    a[k + LAST_VALUE] = vs[stop - 1]!;
    a[k + SEQ] = a[k + SEQ]! + (stop - from);
    return stop;
  }

  // Completes the open chunk (if any) and opens a float chunk at `mint`; with `openFloat` false,
  // opens none (the caller opens a histogram chunk).
  #cut(mint: number, chunkRangeMs: number, store: HeadChunkStore | undefined, openFloat = true): void {
    const prev = this.#openChunk;
    const slab = this.#slab;
    let next: XORChunk | XOR2Chunk | undefined;
    let keepSlot = false;
    if (this.#rare?.hOpen !== undefined) this.#closeHistogram(store);
    else if (prev !== undefined || slab !== undefined) {
      const prevMint = this.#openMint;
      const prevMaxt = this.maxt;
      if (store !== undefined) {
        // A chunk going to the store is copied there and dropped: compacting it would be a wasted copy.
        const ref = store.write(this.ref, prevMint, prevMaxt, prev ?? this.#slotChunk(slab!));
        // concat allocates exactly what is needed: push would leave ~50% spare capacity per series.
        this.mmapped = this.mmapped.concat(ref, prevMint, prevMaxt, this.#openCount);
        // When every series cuts at once (a chunk range boundary), 100k new chunks would be 100k
        // objects or slots: reuse this one when none can hold it. An XOR chunk that outgrew its
        // slot by little (see reslotMaxBytes) is not reused: the next chunk goes back to a slot.
        if (this.#cols.reuseChunks) {
          if (prev !== undefined) {
            if (this.#cols.xor2 || prev.byteLength() > reslotMaxBytes) {
              prev.reset();
              next = prev;
            }
          } else {
            clearSlot(slab!, this.#a, this.#at(SLOT));
            keepSlot = true;
          }
        }
      } else {
        let chunk: Chunk;
        if (prev !== undefined) {
          prev.compact();
          chunk = prev;
        } else {
          chunk = XORChunk.fromBytes(slab!.slice(this.openSlabStart, this.openSlabEnd), { validate: false });
        }
        if (this.completed === noCompleted) this.completed = [];
        this.completed.push({ chunk, mint: prevMint, maxt: prevMaxt, firstSeq: this.#openFirstSeq });
      }
    }
    if (!openFloat) {
      this.#openChunk = undefined;
      this.#leaveSlot();
    } else if (keepSlot) {
      resetSlotState(this.#a, this.#at(SLOT), this.openSlabStart, this.#cols.nextSlotId());
    } else if (next !== undefined || this.#cols.xor2) {
      this.#openChunk = next ?? new XOR2Chunk();
      this.#leaveSlot();
    } else {
      this.#openChunk = undefined;
      this.#slab = this.#cols.takeSlot();
      resetSlotState(this.#a, this.#at(SLOT), this.#cols.slotOffset, this.#cols.nextSlotId());
    }
    this.#openMint = mint;
    this.#openFirstSeq = this.seq;
    this.#openCount = 0;
    this.nextAt = rangeForTimestamp(mint, chunkRangeMs);
  }

  // Completes the open histogram chunk: to the store, or to `completed`.
  #closeHistogram(store: HeadChunkStore | undefined): void {
    const r = this.#rare!;
    const c = r.hOpen!;
    const mint = this.#openMint;
    const maxt = this.maxt;
    if (store !== undefined) {
      const ref = store.write(this.ref, mint, maxt, c);
      this.mmapped = this.mmapped.concat(ref, mint, maxt, this.#openCount);
    } else {
      c.compact();
      if (this.completed === noCompleted) this.completed = [];
      this.completed.push({ chunk: c, mint, maxt, firstSeq: this.#openFirstSeq });
    }
    r.hOpen = undefined;
    r.hApp = undefined;
    r.lastH = undefined;
  }

  // Completes the open chunk, whatever it is, and opens `next` (a histogram chunk) at `mint`.
  #cutToHistogram(next: Chunk, mint: number, chunkRangeMs: number, store: HeadChunkStore | undefined): void {
    if (this.#rare?.hOpen !== undefined) this.#closeHistogram(store);
    else if (this.#openChunk !== undefined || this.#slab !== undefined) {
      this.#cut(mint, chunkRangeMs, store, false);
    }
    const r = this.#rareFields();
    r.hOpen = next;
    r.hApp = next.appender();
    this.#openMint = mint;
    this.#openFirstSeq = this.seq;
    this.#openCount = next.numSamples();
    this.nextAt = rangeForTimestamp(mint, chunkRangeMs);
  }

  /**
   * Prometheus: memSeries.appendHistogram / appendFloatHistogram (with
   * histogramsAppendPreprocessor). Appends an in-order histogram sample (exactly one of `h`, `fh`):
   * a new chunk is cut when the open one is not of the sample's encoding (float to histogram, or
   * integer to float histogram), at a chunk range boundary, and once the open one has reached
   * 1 KiB with at least 10 samples. When the chunk's appender cannot take the sample as it is (a
   * bucket layout change it recoded the chunk for, or a counter reset that needs a new chunk), the
   * chunk it returns replaces the open one or is cut as the next. Returns false (and stores
   * nothing) when `t` is not after the latest sample.
   */
  appendHistogram(
    t: number,
    h: Histogram | undefined,
    fh: FloatHistogram | undefined,
    chunkRangeMs: number,
    store: HeadChunkStore | undefined,
  ): boolean {
    if (t <= this.maxt) return false;
    const enc = h !== undefined ? Encoding.Histogram : Encoding.FloatHistogram;
    let r = this.#rare;
    let c = r?.hOpen;
    if (
      c === undefined ||
      c.encoding() !== enc ||
      t >= this.nextAt ||
      (this.#openCount >= minSamplesPerHistogramChunk && c.bytes().length >= targetBytesPerHistogramChunk)
    ) {
      c = newChunk(enc);
      this.#cutToHistogram(c, t, chunkRangeMs, store);
      r = this.#rare!;
    }
    const app = r!.hApp!;
    const nc = h !== undefined ? app.appendHistogram!(t, h) : app.appendFloatHistogram!(t, fh!);
    if (nc === undefined) this.#openCount++;
    else if (nc.numSamples() > 1) {
      // Recoded: the new chunk holds the open chunk's samples and this one.
      r!.hOpen = nc;
      r!.hApp = nc.appender();
      this.#openCount = nc.numSamples();
    } else {
      // A new chunk that starts with this sample (a counter reset): the open one is complete.
      this.#cutToHistogram(nc, t, chunkRangeMs, store);
    }
    r = this.#rare!;
    r.lastH = h ?? fh;
    this.maxt = t;
    this.seq++;
    return true;
  }

  /**
   * The seq of the first sample of the first chunk in `mmapped`. Not stored per chunk (8 bytes a
   * chunk): the stored chunks are the latest completed ones, contiguous in seq, and end where the
   * open chunk starts (or at `seq` when there is none), so their first seqs follow from their
   * sample counts.
   */
  mmappedFirstSeq(): number {
    let seq = this.#hasOpen() ? this.#openFirstSeq : this.seq;
    const mm = this.mmapped;
    for (let i = MMAP_FIELDS - 1; i < mm.length; i += MMAP_FIELDS) seq -= mm[i]!;
    return seq;
  }

  /** Number of samples in the open chunk. */
  get openCount(): number {
    return this.#openCount;
  }

  /**
   * Restores a chunk read back from the chunk store at startup (chunks arrive oldest first and
   * before any WAL sample of the series).
   */
  addMmapped(ref: number, mint: number, maxt: number, numSamples: number): void {
    this.mmapped = this.mmapped.concat(ref, mint, maxt, numSamples);
    this.seq += numSamples;
    if (maxt > this.maxt) this.maxt = maxt;
  }

  /**
   * Drops chunks that end before `mint`; returns the number of chunks dropped. With `keepOOO`, the
   * out-of-order chunks stay (Prometheus: out-of-order compaction drops them, see
   * ooo-compaction-head.ts).
   */
  truncateBefore(mint: number, keepOOO = false): number {
    let dropped = 0;
    let i = 0;
    while (i < this.mmapped.length && this.mmapped[i + 2]! < mint) i += MMAP_FIELDS;
    if (i > 0) {
      this.mmapped.splice(0, i);
      dropped += i / MMAP_FIELDS;
    }
    let j = 0;
    while (j < this.completed.length && this.completed[j]!.maxt < mint) j++;
    if (j > 0) {
      this.completed.splice(0, j);
      dropped += j;
    }
    if (this.#hasOpen() && this.maxt < mint) {
      // The whole series is older than mint: the open chunk goes too; the next sample starts anew.
      this.#openChunk = undefined;
      this.#leaveSlot();
      if (this.#rare !== undefined) {
        this.#rare.hOpen = undefined;
        this.#rare.hApp = undefined;
        this.#rare.lastH = undefined;
      }
      this.#openCount = 0;
      dropped++;
    }
    if (keepOOO) return dropped;
    if (this.oooCompleted !== undefined) {
      const before = this.oooCompleted.length;
      this.oooCompleted = this.oooCompleted.filter((c) => c.maxt >= mint);
      dropped += before - this.oooCompleted.length;
    }
    if (this.ooo !== undefined && this.ooo.length > 0 && this.ooo.maxTime() < mint) this.ooo = undefined;
    return dropped;
  }

  /** Whether the series holds no samples at all (and may be garbage collected). */
  isEmpty(): boolean {
    return (
      this.mmapped.length === 0 &&
      this.completed.length === 0 &&
      !this.#hasOpen() &&
      (this.ooo === undefined || this.ooo.length === 0) &&
      (this.oooCompleted === undefined || this.oooCompleted.length === 0)
    );
  }

  /** Number of in-memory and stored chunks (in-order and out-of-order). */
  numChunks(): number {
    return (
      this.mmapped.length / MMAP_FIELDS +
      this.completed.length +
      (this.#hasOpen() ? 1 : 0) +
      (this.oooCompleted?.length ?? 0) +
      (this.ooo !== undefined && this.ooo.length > 0 ? 1 : 0)
    );
  }

  /**
   * Logs a commit for isolation: `commitId` appends samples after `seq` (by default the current
   * one: it is about to). Entries at or below `lowWatermark` no reader needs any more and are
   * dropped. A second entry of the same commit is ignored: the first holds its seq.
   */
  logCommit(commitId: number, lowWatermark: number, seq = this.seq): void {
    let log = this.isoLog;
    if (log === undefined) {
      log = [];
      this.isoLog = log;
    } else {
      let k = 0;
      while (k < log.length && log[k]! <= lowWatermark) k += 2;
      if (k > 0) log.splice(0, k);
      if (log.length > 0 && log[log.length - 2] === commitId) return;
    }
    log.push(commitId, seq);
  }

  /** The number of in-order samples (by seq) visible to a reader with `maxCommitId`. */
  visibleSeq(maxCommitId: number): number {
    const log = this.isoLog;
    if (log !== undefined) {
      for (let k = 0; k < log.length; k += 2) if (log[k]! > maxCommitId) return log[k + 1]!;
    }
    return this.seq;
  }
}

/**
 * Per sample of an appender, taken from its series at append time for `commitInSlot`: the
 * series' column offset, and its open chunk's slot id and slab (undefined when it had none).
 */
export interface CommitSlots {
  offsets: Float64Array<ArrayBuffer>;
  ids: Float64Array<ArrayBuffer>;
  slabs: (Uint8Array | undefined)[];
}

/**
 * `MemSeries.append` of an in-order sample for the series whose columns are at `offset` of
 * `cols`, on its columns and its slot alone: no load of the series object, which a commit of 100k
 * series would otherwise miss in cache once per sample (the columns and slabs, laid out in series
 * order, the CPU prefetches). For the common case only: the open chunk is still in the slot
 * `slotId` of `slab` (both taken from the series when the sample was appended), `t` is after the
 * latest sample and at or after `minValidTime`, and no chunk cut or move out of the slot is due.
 * Then it appends, takes the sample out of the series' pending commits and returns the series'
 * seq before it; otherwise it returns -1 having changed nothing, and the caller goes through the
 * series.
 */
// Prometheus: tsdb/head_append.go memSeries.append (its in-order case, as headAppender.Commit calls it)
export function commitInSlot(
  cols: SeriesColumns,
  offset: number,
  slab: Uint8Array,
  slotId: number,
  t: number,
  v: number,
  minValidTime: number,
  samplesPerChunk: number,
): number {
  const a = cols.page(offset);
  const k = offset & PAGE_MASK;
  if (slotId === 0 || a[k + SLOT + SlotCol.id] !== slotId) return -1;
  const maxt = a[k + MAXT]!;
  if (!(t > maxt && t >= minValidTime)) return -1;
  const n = a[k + OPEN_COUNT]!;
  let nextAt = a[k + NEXT_AT]!;
  if (n === samplesPerChunk >> 2) nextAt = computeChunkEndTime(a[k + OPEN_MINT]!, maxt, nextAt, 4);
  if (t >= nextAt || n >= samplesPerChunk * 2) return -1;
  if (!appendToSlot(slab, a, k + SLOT, n, maxt, t, v)) return -1;
  a[k + NEXT_AT] = nextAt;
  a[k + OPEN_COUNT] = n + 1;
  a[k + MAXT] = t;
  a[k + LAST_VALUE] = v;
  const seq = a[k + SEQ]!;
  a[k + SEQ] = seq + 1;
  a[k + PENDING_COMMITS] = a[k + PENDING_COMMITS]! - 1;
  return seq;
}

/** Samples a series holds (in-order and out-of-order). */
export function countSamples(s: MemSeries): number {
  let n = 0;
  for (let i = MMAP_FIELDS - 1; i < s.mmapped.length; i += MMAP_FIELDS) n += s.mmapped[i]!;
  for (const c of s.completed) n += c.chunk.numSamples();
  n += s.openCount;
  if (s.oooCompleted !== undefined) for (const c of s.oooCompleted) n += c.numSamples;
  n += s.ooo?.length ?? 0;
  return n;
}

/** Time of the latest sample a series holds, in order or not (-Infinity when empty). */
export function seriesMaxTime(s: MemSeries): number {
  let t = s.isEmpty() ? -Infinity : s.maxt;
  if (s.oooCompleted !== undefined) for (const c of s.oooCompleted) if (c.maxt > t) t = c.maxt;
  if (s.ooo !== undefined && s.ooo.length > 0 && s.ooo.maxTime() > t) t = s.ooo.maxTime();
  return t;
}

/** Time of the first sample a series holds, in order or not (Infinity when empty). */
export function seriesMinTime(s: MemSeries): number {
  let t = s.minTime();
  if (s.oooCompleted !== undefined) for (const c of s.oooCompleted) if (c.mint < t) t = c.mint;
  if (s.ooo !== undefined && s.ooo.length > 0 && s.ooo.minTime() < t) t = s.ooo.minTime();
  return t;
}
