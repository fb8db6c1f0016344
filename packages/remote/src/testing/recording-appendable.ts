// An Appendable for receiver tests: it records what is appended, and what is committed, as text
// (labels, timestamp, value bits), so that two receive paths can be compared sample for sample.
import type { Labels } from '@tsprom/labels';
import type { Appendable, Appender, Exemplar } from '@tsprom/storage-interfaces';

/** A value's bits in hex; NaN payloads are not told apart (protobufjs quiets them). */
export function bits(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  const f = new Float64Array([v]);
  return new BigUint64Array(f.buffer)[0]!.toString(16);
}

/** An Appender recording what it is given; refs unique per label set (in `refs`), as a head's. */
export class Recorder implements Appendable {
  readonly committed: string[] = [];
  readonly #refs: Map<string, number>;

  /** `refs` may be shared by recorders fed by one receiver (its ref cache outlives a recorder). */
  constructor(refs = new Map<string, number>()) {
    this.#refs = refs;
  }

  appender(): Appender {
    const pending: string[] = [];
    const refOf = (ls: Labels): number => {
      const k = ls.toString();
      let r = this.#refs.get(k);
      if (r === undefined) {
        r = this.#refs.size + 1;
        this.#refs.set(k, r);
      }
      return r;
    };
    const self = this;
    return {
      append(ref, ls, t, v) {
        const r = refOf(ls);
        if (ref !== 0 && ref !== r) throw new Error(`ref ${ref} given for ${ls.toString()} (${r})`);
        pending.push(`${ls.toString()} ${t} ${bits(v)}`);
        return r;
      },
      appendExemplar(ref, ls, e: Exemplar) {
        if (ref !== 0 && ref !== refOf(ls)) throw new Error(`ref ${ref} given for ${ls.toString()} (${refOf(ls)})`);
        pending.push(`ex ${ls.toString()} ${e.labels.toString()} ${e.ts} ${bits(e.value)}`);
        return refOf(ls);
      },
      appendHistogram(ref, ls, t, h, fh) {
        if (ref !== 0 && ref !== refOf(ls)) throw new Error(`ref ${ref} given for ${ls.toString()} (${refOf(ls)})`);
        pending.push(`${h !== undefined ? 'h' : 'fh'} ${ls.toString()} ${t} ${JSON.stringify(h ?? fh)}`);
        return refOf(ls);
      },
      appendSTZeroSample: () => 0,
      appendHistogramSTZeroSample: () => 0,
      updateMetadata(ref, ls, md) {
        pending.push(`md ${ls.toString()} ${md.type} ${JSON.stringify(md.help)} ${JSON.stringify(md.unit)}`);
        return ref;
      },
      setOptions: () => undefined,
      async commit() {
        self.committed.push(...pending, '--commit');
      },
      async rollback() {
        pending.length = 0;
      },
    };
  }
}
