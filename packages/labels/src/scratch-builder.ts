// Prometheus: model/labels/labels.go ScratchBuilder.
import { compareStrings } from './compare-strings.js';
import { type Labels, labelsFromNormalized } from './labels.js';
import { isNormalized, normalizeFlat } from './labels-sort.js';

/**
 * Accumulates labels that usually arrive already sorted (parsers, WAL and index decoding) and
 * turns them into a {@link Labels} with as little work as possible (Prometheus `ScratchBuilder`).
 * `labels()` checks the order and only sorts when needed; it also drops empty values and, of
 * repeated names, keeps the last. Reuse one builder with `reset()`.
 */
export class ScratchBuilder {
  #flat: string[] = [];

  /** Appends a label. */
  add(name: string, value: string): void {
    this.#flat.push(name, value);
  }

  /** Sorts the labels added so far by name (stable). */
  sort(): void {
    this.#flat = sortPairs(this.#flat);
  }

  /** Replaces the contents with the labels of `ls`. */
  assign(ls: Labels): void {
    this.#flat = ls.toStrings();
  }

  /** The labels added so far, as a new {@link Labels}; the builder keeps its contents. */
  labels(): Labels {
    if (isNormalized(this.#flat)) return labelsFromNormalized(this.#flat.slice());
    return labelsFromNormalized(normalizeFlat(this.#flat));
  }

  /** Empties the builder. */
  reset(): void {
    this.#flat.length = 0;
  }
}

function sortPairs(flat: string[]): string[] {
  // Sorting keeps empties and duplicates (labels() drops them), so sort pair indices stably.
  const idx: number[] = [];
  for (let i = 0; i < flat.length; i += 2) idx.push(i);
  idx.sort((a, b) => compareStrings(flat[a]!, flat[b]!));
  const out: string[] = [];
  for (const i of idx) out.push(flat[i]!, flat[i + 1]!);
  return out;
}
