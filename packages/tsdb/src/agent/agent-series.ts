// Prometheus: tsdb/agent/series.go memSeries, stripeSeries (GetByID, GetByHash, Set, GC,
// GetLatestExemplar, SetLatestExemplar)
import type { Labels } from '@tsprom/labels';
import type { Exemplar, Metadata } from '@tsprom/storage-interfaces';

/**
 * An agent series: what the agent keeps in memory of it (no samples). `lastTs` is the newest
 * committed sample's time (ms), -Infinity before the first commit.
 */
export class AgentSeries {
  lastTs = Number.NEGATIVE_INFINITY;
  /** The newest exemplar appended, to drop repeats as Prometheus does. */
  lastExemplar: Exemplar | undefined;
  /** The metadata last logged, so that only changes are logged. */
  meta: Metadata | undefined;

  constructor(
    readonly ref: number,
    readonly labels: Labels,
  ) {}
}

/**
 * The low 32 bits of the labels' hash (`Labels.hash32`, no bigint made): a small-integer Map key
 * (collisions told apart by labels).
 */
function hashKey(labels: Labels): number {
  return labels.hash32();
}

/**
 * The agent's series by ref and by labels. Node runs one thread, so no stripes or locks are
 * needed; Prometheus stripes its map for lock contention.
 */
export class AgentSeriesMap {
  readonly #byRef = new Map<number, AgentSeries>();
  readonly #byHash = new Map<number, AgentSeries | AgentSeries[]>();

  /** Number of series. */
  get size(): number {
    return this.#byRef.size;
  }

  /** Prometheus: stripeSeries.GetByID. */
  getByRef(ref: number): AgentSeries | undefined {
    return this.#byRef.get(ref);
  }

  /** Prometheus: stripeSeries.GetByHash. The series with exactly `labels`, if any. */
  getByLabels(labels: Labels): AgentSeries | undefined {
    const e = this.#byHash.get(hashKey(labels));
    if (e === undefined) return undefined;
    if (!Array.isArray(e)) return e.labels.equals(labels) ? e : undefined;
    for (const s of e) if (s.labels.equals(labels)) return s;
    return undefined;
  }

  /** Adds a series; the caller made sure no series has its ref or labels. */
  set(s: AgentSeries): void {
    this.#byRef.set(s.ref, s);
    const h = hashKey(s.labels);
    const e = this.#byHash.get(h);
    if (e === undefined) this.#byHash.set(h, s);
    else if (Array.isArray(e)) e.push(s);
    else this.#byHash.set(h, [e, s]);
  }

  /**
   * Prometheus: stripeSeries.GC. Removes the series whose newest sample is older than `mint` (ms)
   * and returns their refs.
   */
  gc(mint: number): number[] {
    const deleted: number[] = [];
    for (const s of this.#byRef.values()) {
      if (s.lastTs >= mint) continue;
      deleted.push(s.ref);
      this.#delete(s);
    }
    return deleted;
  }

  #delete(s: AgentSeries): void {
    this.#byRef.delete(s.ref);
    const h = hashKey(s.labels);
    const e = this.#byHash.get(h);
    if (e === s) this.#byHash.delete(h);
    else if (Array.isArray(e)) {
      const rest = e.filter((x) => x !== s);
      this.#byHash.set(h, rest.length === 1 ? rest[0]! : rest);
    }
  }
}
