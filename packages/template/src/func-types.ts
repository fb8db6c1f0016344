// The shape of a template function, as the executor calls it (Go: a FuncMap entry and the
// reflection that checks its arguments).
import type { ParamType } from './go-values.js';

/** What a function may return: a Go value, or a promise of one (`query`). */
export type FuncResult = unknown;

/**
 * A template function: Go's parameter types (checked and converted as Go's reflection would),
 * whether the last one is variadic, and the implementation. Errors it throws become Go's
 * `error calling NAME: …`.
 */
export interface TemplateFunc {
  readonly params: readonly ParamType[];
  readonly variadic?: boolean;
  /** Go's and/or, which evaluate their arguments lazily. */
  readonly shortCircuit?: 'and' | 'or';
  readonly call: (args: unknown[]) => FuncResult | Promise<FuncResult>;
}

export type FuncMap = ReadonlyMap<string, TemplateFunc>;
