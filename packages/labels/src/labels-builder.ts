// Prometheus: model/labels/labels_common.go Builder.
import { compareStrings } from './compare-strings.js';
import { Labels, labelsFromNormalized } from './labels.js';

/**
 * Builds a label set by editing a base set (Prometheus `labels.Builder`): `set`, `del` and `keep`
 * record changes and `labels()` applies them. Reusable through `reset`. Not safe to share between
 * concurrent users.
 */
export class LabelsBuilder {
  #base: Labels = Labels.EMPTY;
  #del: string[] = [];
  #addNames: string[] = [];
  #addValues: string[] = [];

  /** Starts from `base` (default: the empty set). */
  constructor(base: Labels = Labels.EMPTY) {
    this.reset(base);
  }

  /** Drops all changes and starts again from `base`. */
  reset(base: Labels): this {
    this.#base = base;
    this.#del.length = 0;
    this.#addNames.length = 0;
    this.#addValues.length = 0;
    return this;
  }

  /** The value `name` would have in `labels()`, `''` if absent. */
  get(name: string): string {
    const i = this.#addNames.indexOf(name);
    if (i >= 0) return this.#addValues[i]!;
    if (this.#del.includes(name)) return '';
    return this.#base.get(name);
  }

  /** Sets label `name` to `value`; an empty value deletes the label. */
  set(name: string, value: string): this {
    if (value === '') return this.del(name);
    const i = this.#addNames.indexOf(name);
    if (i >= 0) this.#addValues[i] = value;
    else {
      this.#addNames.push(name);
      this.#addValues.push(value);
    }
    return this;
  }

  /** Deletes the labels `names`. */
  del(...names: string[]): this {
    for (const n of names) {
      const i = this.#addNames.indexOf(n);
      if (i >= 0) {
        this.#addNames.splice(i, 1);
        this.#addValues.splice(i, 1);
      }
      this.#del.push(n);
    }
    return this;
  }

  /** Deletes every label except `names`. */
  keep(...names: string[]): this {
    this.#base.forEach((n) => {
      if (!names.includes(n)) this.#del.push(n);
    });
    for (let i = this.#addNames.length - 1; i >= 0; i--) {
      if (!names.includes(this.#addNames[i]!)) {
        this.#addNames.splice(i, 1);
        this.#addValues.splice(i, 1);
      }
    }
    return this;
  }

  /**
   * Calls `fn` for every label `labels()` would hold: first the kept base labels in name order,
   * then the set ones in the order they were first set (as Prometheus's `Builder.Range`). Changes
   * made by `fn` do not affect the ongoing iteration.
   */
  range(fn: (name: string, value: string) => void): void {
    const del = this.#del.slice();
    const addNames = this.#addNames.slice();
    const addValues = this.#addValues.slice();
    this.#base.forEach((n, v) => {
      if (!del.includes(n) && !addNames.includes(n)) fn(n, v);
    });
    for (let i = 0; i < addNames.length; i++) fn(addNames[i]!, addValues[i]!);
  }

  /** The resulting label set. The builder stays usable. */
  labels(): Labels {
    if (this.#del.length === 0 && this.#addNames.length === 0) return this.#base;
    const out: string[] = [];
    this.#base.forEach((n, v) => {
      if (!this.#del.includes(n) && !this.#addNames.includes(n)) out.push(n, v);
    });
    if (this.#addNames.length === 0) return labelsFromNormalized(out);
    // Merge the sorted base remainder with the sorted additions.
    const idx = this.#addNames.map((_, i) => i).sort((a, b) => compareStrings(this.#addNames[a]!, this.#addNames[b]!));
    const merged: string[] = [];
    let i = 0;
    for (const k of idx) {
      const n = this.#addNames[k]!;
      while (i < out.length && compareStrings(out[i]!, n) < 0) {
        merged.push(out[i]!, out[i + 1]!);
        i += 2;
      }
      merged.push(n, this.#addValues[k]!);
    }
    while (i < out.length) {
      merged.push(out[i]!, out[i + 1]!);
      i += 2;
    }
    return labelsFromNormalized(merged);
  }
}
