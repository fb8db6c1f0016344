// Prometheus: scrape/scrape.go scrapeCache, cacheEntry, metaEntry.
import type { Labels } from '@tsprom/labels';
import type { MetricType, SeriesRef } from '@tsprom/storage-interfaces';
import type { MetadataStore, MetricMetadata } from './target.js';

/**
 * What a target's exposition line stands for, found by its text (`parser.series()`), so that a
 * steady-state scrape appends by ref without building or looking up labels.
 */
export interface CacheEntry {
  /** The line's series text (a copy, sharing no memory with a body). */
  readonly key: string;
  /** The storage ref of the series (never 0); unused for a dropped entry. */
  readonly ref: SeriesRef;
  /** The series' final labels (target labels added, metric relabeling applied). */
  readonly lset: Labels;
  /** True when metric relabeling dropped the series: lines with this text are skipped. */
  readonly dropped: boolean;
  /** Cache iteration the line was last seen in. */
  lastIter: number;
  /** Staleness generation the series was last tracked in (see ScrapeCache.trackStaleness). */
  trackedGen: number;
  /** Position of the line in the last successful scrape (see ScrapeCache.get). */
  pos: number;
}

/** Prometheus metaEntry: a family's metadata and when it was last seen and last changed. */
interface MetaEntry {
  type: MetricType;
  help: string;
  unit: string;
  lastIter: number;
  lastIterChange: number;
}

/** Metadata of a family as the scrape loop tracks it while appending. */
export interface MetaRef {
  readonly type: MetricType;
  readonly help: string;
  readonly unit: string;
  readonly lastIterChange: number;
}

/**
 * Per-target memory of a scrape loop (Prometheus scrapeCache): exposition text → series ref and
 * labels (dropped lines included), the series appended in the current and the previous scrape
 * (for stale markers), and the metadata of each family (for the metadata API).
 *
 * Lookups first try the line at the same position in the last successful scrape (targets list
 * their series in a stable order): a string comparison instead of hashing the line for the map.
 * Staleness is tracked without a map per scrape: an entry is stamped with the generation it was
 * appended in and listed once per generation; a series of the previous generation whose stamp is
 * old went away. Not safe for concurrent use; the API reads metadata between scrapes only (one
 * thread).
 */
export class ScrapeCache implements MetadataStore {
  #iter = 0;
  /** Entries (series, dropped series, metadata) at the last successful scrape. */
  #successfulCount = 0;
  readonly #series = new Map<string, CacheEntry>();
  #droppedCount = 0;
  #gen = 1;
  #cur: CacheEntry[] = [];
  #prev: CacheEntry[] = [];
  readonly #metadata = new Map<string, MetaEntry>();
  #alreadyScraped = false;
  /** The lines of the last successful scrape in order, and those of this scrape so far. */
  #order: CacheEntry[] = [];
  #nextOrder: CacheEntry[] = [];
  /** Where in #order the next line is expected. */
  #pos = 0;

  /** The current iteration: advances after each successful (non-empty) scrape. */
  get iter(): number {
    return this.#iter;
  }

  /** Number of series cached (dropped lines excluded). */
  get seriesCount(): number {
    return this.#series.size - this.#droppedCount;
  }

  /**
   * Prometheus scrapeCache.get and getDropped in one lookup: the entry for line text `met` (marked
   * seen in this iteration), or undefined. {@link alreadyScraped} then tells whether the line was
   * already seen in this iteration (a duplicate line).
   */
  get(met: string): CacheEntry | undefined {
    const order = this.#order;
    let e = order[this.#pos];
    if (e !== undefined && e.key === met) this.#pos++;
    else {
      e = this.#series.get(met);
      if (e === undefined) {
        this.#alreadyScraped = false;
        return undefined;
      }
      // Lines were added or removed: carry on from this one's position.
      if (order[e.pos] === e) this.#pos = e.pos + 1;
    }
    this.#alreadyScraped = e.lastIter === this.#iter;
    e.lastIter = this.#iter;
    this.#listed(e);
    return e;
  }

  #listed(e: CacheEntry): void {
    const next = this.#nextOrder;
    // The position of its first line in this scrape (a duplicate line keeps the first).
    if (next[e.pos] !== e) e.pos = next.length;
    next.push(e);
  }

  /** After {@link get}: whether the line had already been seen in this iteration (false on a miss). */
  get alreadyScraped(): boolean {
    return this.#alreadyScraped;
  }

  /**
   * Prometheus addRef: remembers line `met` as series `ref` with labels `lset`. `met` is copied
   * by the caller if it shares memory with the body. Returns undefined for ref 0 (no ref given).
   */
  addRef(met: string, ref: SeriesRef, lset: Labels): CacheEntry | undefined {
    if (ref === 0) return undefined;
    const e: CacheEntry = { key: met, ref, lset, dropped: false, lastIter: this.#iter, trackedGen: 0, pos: 0 };
    this.#series.set(met, e);
    this.#listed(e);
    return e;
  }

  /** Prometheus addDropped: remembers that metric relabeling drops line `met`. */
  addDropped(met: string, lset: Labels): void {
    const e: CacheEntry = { key: met, ref: 0, lset, dropped: true, lastIter: this.#iter, trackedGen: 0, pos: 0 };
    this.#series.set(met, e);
    this.#droppedCount++;
    this.#listed(e);
  }

  /** Prometheus trackStaleness: `e` was appended in this scrape (it gets a stale marker once gone). */
  trackStaleness(e: CacheEntry): void {
    if (e.trackedGen === this.#gen) return;
    e.trackedGen = this.#gen;
    this.#cur.push(e);
  }

  /**
   * Prometheus forEachStale: calls `fn` for each series appended in the previous scrape and not
   * in this one (one call per ref), until `fn` returns false.
   */
  forEachStale(fn: (ref: SeriesRef, lset: Labels) => boolean): void {
    const gen = this.#gen;
    let gone: CacheEntry[] | undefined;
    for (const e of this.#prev) {
      if (e.trackedGen === gen) continue;
      gone ??= [];
      gone.push(e);
    }
    if (gone === undefined) return;
    // Two texts of one series (labels in another order) share a ref: a ref still appended through
    // the other text is not stale.
    const live = new Set<SeriesRef>();
    for (const e of this.#cur) live.add(e.ref);
    for (const e of gone) {
      if (live.has(e.ref)) continue;
      live.add(e.ref);
      if (!fn(e.ref, e.lset)) return;
    }
  }

  /**
   * Prometheus iterDone: ends a scrape. `flushCache` after a successful one: entries not seen in it
   * are forgotten (metadata after 10 scrapes) and the iteration advances. After failed scrapes the
   * cache is flushed anyway once it doubled (plus 1000), so churning failures cannot grow it
   * forever. Either way the series of this scrape become the previous scrape's. Returns true when
   * a flush was forced that way.
   */
  iterDone(flushCache: boolean): boolean {
    const count = this.#series.size + this.#metadata.size;
    let forced = false;
    if (flushCache) this.#successfulCount = count;
    else if (count > this.#successfulCount * 2 + 1000) forced = flushCache = true;
    if (flushCache) {
      const iter = this.#iter;
      for (const [k, e] of this.#series) {
        if (e.lastIter !== iter) {
          this.#series.delete(k);
          if (e.dropped) this.#droppedCount--;
        }
      }
      for (const [k, m] of this.#metadata) if (iter - m.lastIter > 10) this.#metadata.delete(k);
      this.#iter++;
      const order = this.#order;
      this.#order = this.#nextOrder;
      this.#nextOrder = order;
    }
    this.#nextOrder.length = 0;
    this.#pos = 0;
    const prev = this.#prev;
    this.#prev = this.#cur;
    prev.length = 0;
    this.#cur = prev;
    this.#gen++;
    return forced;
  }

  /**
   * Forgets what the current scrape did, for a scrape that failed after appending some (rolled
   * back): it counts as empty, so every series of the previous scrape gets its stale marker, and
   * the iteration advances, so that lines it saw are not taken for duplicates by the next scrape.
   * (Prometheus keeps the iteration there, and drops those lines of the next scrape as duplicates.)
   */
  discardCurrent(): void {
    this.#gen++;
    this.#cur.length = 0;
    this.#iter++;
    this.#nextOrder.length = 0;
    this.#pos = 0;
  }

  #meta(mf: string): MetaEntry {
    let e = this.#metadata.get(mf);
    if (e === undefined) {
      e = { type: 'unknown', help: '', unit: '', lastIter: this.#iter, lastIterChange: this.#iter };
      this.#metadata.set(mf, e);
    }
    e.lastIter = this.#iter;
    return e;
  }

  /** Prometheus setType: a `# TYPE` line for family `mf`. */
  setType(mf: string, t: MetricType): MetaRef {
    const e = this.#meta(mf);
    if (e.type !== t) {
      e.type = t;
      e.lastIterChange = this.#iter;
    }
    return e;
  }

  /** Prometheus setHelp: a `# HELP` line for family `mf`. */
  setHelp(mf: string, help: string): MetaRef {
    const e = this.#meta(mf);
    if (e.help !== help) {
      e.help = help;
      e.lastIterChange = this.#iter;
    }
    return e;
  }

  /** Prometheus setUnit: a `# UNIT` line for family `mf`. */
  setUnit(mf: string, unit: string): MetaRef {
    const e = this.#meta(mf);
    if (e.unit !== unit) {
      e.unit = unit;
      e.lastIterChange = this.#iter;
    }
    return e;
  }

  getMetadata(metricFamily: string): MetricMetadata | undefined {
    const e = this.#metadata.get(metricFamily);
    return e === undefined ? undefined : { metricFamily, type: e.type, help: e.help, unit: e.unit };
  }

  listMetadata(): MetricMetadata[] {
    const out: MetricMetadata[] = [];
    for (const [metricFamily, e] of this.#metadata)
      out.push({ metricFamily, type: e.type, help: e.help, unit: e.unit });
    return out;
  }

  sizeMetadata(): number {
    let n = 0;
    for (const e of this.#metadata.values()) n += e.help.length + e.unit.length + e.type.length;
    return n;
  }

  lengthMetadata(): number {
    return this.#metadata.size;
  }
}
