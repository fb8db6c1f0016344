// Prometheus: util/annotations/annotations.go

/** Where in a query an annotation points: UTF-16 offsets, start inclusive, end exclusive. */
export interface PositionRange {
  start: number;
  end: number;
}

/** Level of an annotation: warnings are shown as such, infos are hints (Prometheus 2.46+). */
export type AnnotationLevel = 'warning' | 'info';

/**
 * A warning or info raised while selecting or evaluating. Its message reads like Prometheus's
 * (`PromQL warning: …`, `PromQL info: …`); `positionRange` points into the query.
 */
export class Annotation extends Error {
  override readonly name = 'Annotation';
  constructor(
    readonly level: AnnotationLevel,
    message: string,
    readonly positionRange?: PositionRange,
  ) {
    super(message);
  }
}

/**
 * Prometheus `PositionRange.StartPosInput`: the `line:column` of `pos` (a UTF-16 offset) in
 * `query`, both 1-based. As in Prometheus, whose positions are byte offsets, the column counts
 * UTF-8 bytes from the start of the line, so `é` moves it by 2.
 */
export function startPosInput(query: string, pos: number): string {
  if (query === '') return 'unknown position';
  if (pos < 0 || pos > query.length) return 'invalid position';
  const before = query.slice(0, pos);
  const lastBreak = before.lastIndexOf('\n');
  let line = 1;
  for (let i = before.indexOf('\n'); i !== -1; i = before.indexOf('\n', i + 1)) line++;
  return `${line}:${utf8Length(before, lastBreak + 1) + 1}`;
}

/** UTF-8 length of `s` from UTF-16 offset `from` (a lone surrogate counts as U+FFFD, 3 bytes). */
function utf8Length(s: string, from: number): number {
  let n = 0;
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d < 0xe000) {
        n += 4;
        i++;
      } else n += 3;
    } else n += 3;
  }
  return n;
}

/**
 * A set of annotations, de-duplicated by message. Errors that are not Annotations (a storage
 * warning, say) count as warnings.
 */
export class Annotations implements Iterable<Error> {
  #byMessage = new Map<string, Error>();

  /** Adds an annotation; one with the same message replaces it. Returns this set. */
  add(err: Error): this {
    this.#byMessage.set(err.message, err);
    return this;
  }

  /** Adds every annotation of `other` (which may be undefined). Returns this set. */
  merge(other: Annotations | undefined): this {
    if (other === undefined || other === this) return this;
    for (const err of other) this.add(err);
    return this;
  }

  get size(): number {
    return this.#byMessage.size;
  }

  [Symbol.iterator](): Iterator<Error> {
    return this.#byMessage.values();
  }

  /**
   * Splits into warning and info messages. With a query, positioned annotations get
   * ` (line:col)` appended as Prometheus does. A max of 0 means unlimited; past it, one line
   * `N more warning annotations omitted` (or info) stands for the rest.
   */
  asStrings(query = '', maxWarnings = 0, maxInfos = 0): { warnings: string[]; infos: string[] } {
    const warnings: string[] = [];
    const infos: string[] = [];
    let warnSkipped = 0;
    let infoSkipped = 0;
    for (const err of this.#byMessage.values()) {
      let text = err.message;
      const info = err instanceof Annotation && err.level === 'info';
      if (err instanceof Annotation && err.positionRange !== undefined && query !== '') {
        text = `${text} (${startPosInput(query, err.positionRange.start)})`;
      }
      if (info) {
        if (maxInfos > 0 && infos.length >= maxInfos) infoSkipped++;
        else infos.push(text);
      } else if (maxWarnings > 0 && warnings.length >= maxWarnings) warnSkipped++;
      else warnings.push(text);
    }
    if (warnSkipped > 0) warnings.push(`${warnSkipped} more warning annotations omitted`);
    if (infoSkipped > 0) infos.push(`${infoSkipped} more info annotations omitted`);
    return { warnings, infos };
  }
}
