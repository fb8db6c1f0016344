// Prometheus: tsdb/exemplar.go CircularExemplarStorage
import type { Labels, Matcher } from '@tsprom/labels';
import {
  DuplicateExemplarError,
  type Exemplar,
  ExemplarLabelLengthError,
  ExemplarMaxLabelSetLength,
  ExemplarsDisabledError,
  OutOfOrderExemplarError,
} from '@tsprom/storage-interfaces';

/** The exemplars of one series returned by a query. */
export interface ExemplarQueryResult {
  seriesLabels: Labels;
  exemplars: Exemplar[];
}

interface IndexEntry {
  oldest: number;
  newest: number;
  seriesLabels: Labels;
}

const noExemplar = -1;

function runeCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c >= 0xdc00) n++; // A high surrogate and its low one make one rune.
  }
  return n;
}

function compareExemplarLabels(a: Labels, b: Labels): boolean {
  return a.hash() < b.hash();
}

/**
 * A fixed-size ring of exemplars shared by all series, each series' exemplars linked oldest to
 * newest through the ring. When full, the oldest exemplar overall is overwritten. Per series,
 * exemplars must come in (timestamp, value) order.
 */
export class CircularExemplarStorage {
  // Grows up to the capacity as exemplars arrive (a 100k ring costs nothing until used).
  #ring: { e: Exemplar; next: number; ref: IndexEntry }[] = [];
  #capacity: number;
  #nextIndex = 0;
  readonly #index = new Map<string, IndexEntry>();

  /** A storage holding at most `maxExemplars` (0 disables it). */
  constructor(maxExemplars: number) {
    this.#capacity = Math.max(0, maxExemplars);
  }

  /** Capacity of the ring. */
  get capacity(): number {
    return this.#capacity;
  }

  /** Number of series with exemplars. */
  get numSeries(): number {
    return this.#index.size;
  }

  /**
   * Checks that `e` may be added for `seriesLabels`; throws ExemplarLabelLengthError,
   * DuplicateExemplarError (same as the series' newest; callers treat it as a no-op),
   * OutOfOrderExemplarError or ExemplarsDisabledError.
   */
  validate(seriesLabels: Labels, e: Exemplar): void {
    if (this.#capacity === 0) throw new ExemplarsDisabledError();
    let len = 0;
    e.labels.forEach((n, v) => {
      len += runeCount(n) + runeCount(v);
    });
    if (len > ExemplarMaxLabelSetLength) throw new ExemplarLabelLengthError();
    const idx = this.#index.get(seriesLabels.key());
    if (idx === undefined) return;
    const newest = this.#ring[idx.newest]!.e;
    if (newest.ts === e.ts && Object.is(newest.value, e.value) && newest.labels.equals(e.labels)) {
      throw new DuplicateExemplarError();
    }
    if (
      e.ts < newest.ts ||
      (e.ts === newest.ts && e.value < newest.value) ||
      (e.ts === newest.ts && e.value === newest.value && compareExemplarLabels(e.labels, newest.labels))
    ) {
      throw new OutOfOrderExemplarError();
    }
  }

  /** Validates and adds an exemplar of the series `seriesLabels`. */
  add(seriesLabels: Labels, e: Exemplar): void {
    this.validate(seriesLabels, e);
    const key = seriesLabels.key();
    let idx = this.#index.get(key);
    const at = this.#nextIndex;
    const slot = this.#ring[at];
    if (slot !== undefined) {
      // Evict the oldest exemplar overall; drop its series from the index if it was its last.
      const prev = slot.ref;
      if (slot.next === noExemplar) {
        if (this.#index.get(prev.seriesLabels.key()) === prev) this.#index.delete(prev.seriesLabels.key());
        if (prev === idx) idx = undefined;
      } else prev.oldest = slot.next;
    }
    if (idx === undefined) {
      idx = { oldest: at, newest: at, seriesLabels };
      this.#index.set(key, idx);
    } else {
      this.#ring[idx.newest]!.next = at;
    }
    this.#ring[at] = { e, next: noExemplar, ref: idx };
    idx.newest = at;
    this.#nextIndex = (at + 1) % this.#capacity;
  }

  /**
   * Prometheus: CircularExemplarStorage.Resize (a new `storage.exemplars.max_exemplars`, the limit
   * `--storage.exemplars.exemplars-limit` set before it). Keeps the newest `min(n, held)`
   * exemplars, oldest first as they were added; `n <= 0` disables the storage and drops them all.
   * Returns the number of exemplars kept.
   */
  resize(n: number): number {
    const cap = n > 0 ? Math.floor(n) : 0;
    if (cap === this.#capacity) return 0;
    const old = this.#ring;
    const len = old.length;
    const count = Math.min(cap, len);
    // The ring fills up to its capacity before it wraps: until then the oldest entry is at 0 and
    // the next index is the length, so this start works in both states.
    const start = len === 0 ? 0 : (this.#nextIndex - count + len) % len;
    this.#ring = [];
    this.#index.clear();
    this.#nextIndex = 0;
    this.#capacity = cap;
    for (let i = 0; i < count; i++) {
      const entry = old[(start + i) % len]!;
      this.add(entry.ref.seriesLabels, entry.e);
    }
    return count;
  }

  /**
   * Exemplars with start <= ts <= end (ms) of series matching any of the matcher sets, oldest
   * first per series.
   */
  select(start: number, end: number, ...matcherSets: Matcher[][]): ExemplarQueryResult[] {
    const out: ExemplarQueryResult[] = [];
    for (const idx of this.#index.values()) {
      const oldest = this.#ring[idx.oldest]!.e;
      const newest = this.#ring[idx.newest]!.e;
      if (oldest.ts > end || newest.ts < start) continue;
      if (!matcherSets.some((ms) => ms.every((m) => m.matches(idx.seriesLabels.get(m.name))))) continue;
      const exemplars: Exemplar[] = [];
      for (let i = idx.oldest; i !== noExemplar; ) {
        const entry = this.#ring[i]!;
        if (entry.e.ts > end) break;
        if (entry.e.ts >= start) exemplars.push(entry.e);
        i = entry.next;
      }
      if (exemplars.length > 0) out.push({ seriesLabels: idx.seriesLabels, exemplars });
    }
    return out;
  }
}
