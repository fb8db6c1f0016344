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

/** The `line:column` of `pos` in `query`, both 1-based, as Prometheus prints annotation positions. */
export function startPosInput(query: string, pos: number): string {
  if (query === '') return 'unknown position';
  if (pos < 0 || pos > query.length) return 'invalid position';
  const before = query.slice(0, pos);
  const lastBreak = before.lastIndexOf('\n');
  let line = 1;
  for (let i = before.indexOf('\n'); i !== -1; i = before.indexOf('\n', i + 1)) line++;
  return `${line}:${pos - lastBreak}`;
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
