// A cache of parsed queries: dashboards send the same query text again and again, and parsing a
// long one (label regexes of thousands of alternatives compile on every parse) is not free.
import type { Expr } from './parser/ast.js';
import { type ParserOptions, parseExpr } from './parser/parser.js';

/** Bounds of a {@link ParseCache}. */
export interface ParseCacheOptions {
  /** Most queries kept (default 1,000). */
  maxEntries?: number;
  /** Most UTF-16 code units of query text kept, all entries together (default 16 Mi). */
  maxTotalLength?: number;
}

/**
 * A bounded least-recently-used cache of `parseExpr` results, keyed by the query text and the
 * parser options. The cached ASTs are shared by every caller that parses the same text: callers
 * must not mutate them (`preprocessExpr` returns a new tree and leaves its input alone). Queries
 * that fail to parse are not cached. Not safe for concurrent use from several threads (it is
 * synchronous, so one event loop may share it).
 */
export class ParseCache {
  readonly #maxEntries: number;
  readonly #maxTotalLength: number;
  // Map iteration order is insertion order: the first key is the least recently used.
  readonly #entries = new Map<string, Expr>();
  #totalLength = 0;

  constructor(opts: ParseCacheOptions = {}) {
    this.#maxEntries = opts.maxEntries ?? 1000;
    this.#maxTotalLength = opts.maxTotalLength ?? 16 * 1024 * 1024;
  }

  /** Number of queries cached. */
  get size(): number {
    return this.#entries.size;
  }

  /** `parseExpr(query, opts)`, from the cache when the same text was parsed with the same options. */
  parse(query: string, opts: ParserOptions = {}): Expr {
    const key = optionsKey(opts) + query;
    const hit = this.#entries.get(key);
    if (hit !== undefined) {
      this.#entries.delete(key);
      this.#entries.set(key, hit);
      return hit;
    }
    const expr = parseExpr(query, opts);
    if (key.length > this.#maxTotalLength || this.#maxEntries <= 0) return expr;
    this.#entries.set(key, expr);
    this.#totalLength += key.length;
    for (const k of this.#entries.keys()) {
      if (this.#entries.size <= this.#maxEntries && this.#totalLength <= this.#maxTotalLength) break;
      this.#entries.delete(k);
      this.#totalLength -= k.length;
    }
    return expr;
  }

  /** Drops every entry. */
  clear(): void {
    this.#entries.clear();
    this.#totalLength = 0;
  }
}

// One character naming the options that change what a query parses to.
function optionsKey(o: ParserOptions): string {
  const bits =
    (o.enableExperimentalFunctions ? 1 : 0) |
    (o.experimentalDurationExpr ? 2 : 0) |
    (o.enableExtendedRangeSelectors ? 4 : 0) |
    (o.enableBinopFillModifiers ? 8 : 0);
  return String.fromCharCode(65 + bits);
}
