// Prometheus: template/template.go Expander, NewTemplateExpander, AlertTemplateData.
import { builtinFuncs } from './builtins.js';
import { TemplateError } from './errors.js';
import { execute, type MissingKey } from './exec.js';
import type { FuncMap, TemplateFunc } from './func-types.js';
import { STRUCT_TYPE, type StructType } from './go-values.js';
import { parse, type Tree } from './parse.js';
import { promFuncs, type TemplateQueryFunc } from './prom-funcs.js';

/** How an {@link Expander} runs: the evaluation time, the query function, the external URL, Go template options. */
export interface ExpanderOptions {
  /** The evaluation time in ms since the epoch: what `now` returns and queries run at. */
  readonly timestampMs: number;
  /** What `query` runs; without it, `query` fails as Prometheus's does with a nil QueryFunc. */
  readonly queryFunc?: TemplateQueryFunc;
  /** What `externalURL` returns; `pathPrefix` is its path. Default ''. */
  readonly externalURL?: string;
  /** Go template options (`missingkey=default|invalid|zero|error`). */
  readonly options?: readonly string[];
}

const FUNCTION_NAMES = new Set([...builtinFuncs().keys(), ...promFuncs({ timestampMs: 0 }).keys()]);

const BUILTINS = builtinFuncs();

function missingKeyOption(options: readonly string[] | undefined, name: string): MissingKey {
  let mk: MissingKey = 'invalid';
  for (const o of options ?? []) {
    const eq = o.indexOf('=');
    const key = eq < 0 ? o : o.slice(0, eq);
    const value = eq < 0 ? '' : o.slice(eq + 1);
    if (key === 'missingkey') {
      if (value === 'invalid' || value === 'default') mk = 'invalid';
      else if (value === 'zero' || value === 'error') mk = value;
      else throw new TemplateError(`unrecognized option: ${o}`, `unrecognized option: ${o}`, name, 0, 0);
      continue;
    }
    throw new TemplateError(`unrecognized option: ${o}`, `unrecognized option: ${o}`, name, 0, 0);
  }
  return mk;
}

/**
 * Expands one template text, in text (not HTML) mode, with Prometheus's functions. Each call of
 * {@link expand} parses and executes afresh, as Prometheus's Expander does; data fields are
 * read as Go would (`.Labels.instance`; a missing map key prints `<no value>`).
 */
export class Expander {
  readonly #text: string;
  readonly #name: string;
  readonly #data: unknown;
  readonly #opts: ExpanderOptions;

  constructor(text: string, name: string, data: unknown, opts: ExpanderOptions) {
    this.#text = text;
    this.#name = name;
    this.#data = data;
    this.#opts = opts;
  }

  /**
   * The expanded text. Rejects with a {@link TemplateError} whose message is Prometheus's:
   * `error parsing template NAME: template: NAME:1: …` or `error executing template NAME:
   * template: NAME:1:38: executing "NAME" at <…>: …` (`goMessage` holds text/template's part).
   */
  async expand(): Promise<string> {
    const name = this.#name;
    const missingKey = missingKeyOption(this.#opts.options, name);
    const funcs = new Map<string, TemplateFunc>(BUILTINS);
    for (const [k, v] of promFuncs(this.#opts)) funcs.set(k, v);
    const trees = new Map<string, Tree>();
    try {
      parse(this.#text, name, (f) => funcs.has(f), trees);
    } catch (err) {
      throw wrap(err, `error parsing template ${name}`);
    }
    try {
      return await execute(trees, name, funcs as FuncMap, this.#data, missingKey);
    } catch (err) {
      throw wrap(err, `error executing template ${name}`);
    }
  }
}

function wrap(err: unknown, prefix: string): unknown {
  if (!(err instanceof TemplateError)) return err;
  return new TemplateError(`${prefix}: ${err.goMessage}`, err.goMessage, err.templateName, err.line, err.column, {
    cause: err,
  });
}

/**
 * Parses `text` as Prometheus's rule checks do (Expander.ParseTest): throws a {@link TemplateError}
 * with text/template's message (`template: NAME:LINE: function "foo" not defined`).
 */
export function parseTemplate(text: string, name: string): void {
  parse(text, name, (f) => FUNCTION_NAMES.has(f), new Map());
}

const ALERT_DATA_TYPE: StructType = {
  name: 'struct { Labels map[string]string; ExternalLabels map[string]string; ExternalURL string; Value interface {} }',
  fields: ['Labels', 'ExternalLabels', 'ExternalURL', 'Value'],
  pointer: false,
};

/** The data alert templates see (`.Labels`, `.ExternalLabels`, `.ExternalURL`, `.Value`). */
export interface AlertTemplateData {
  readonly Labels: Readonly<Record<string, string>>;
  readonly ExternalLabels: Readonly<Record<string, string>>;
  readonly ExternalURL: string;
  readonly Value: number;
}

/** Prometheus's AlertTemplateData: the struct alert labels and annotations are expanded with. */
export function alertTemplateData(
  labels: Readonly<Record<string, string>>,
  externalLabels: Readonly<Record<string, string>>,
  externalURL: string,
  value: number,
): AlertTemplateData {
  const data = { Labels: labels, ExternalLabels: externalLabels, ExternalURL: externalURL, Value: value };
  Object.defineProperty(data, STRUCT_TYPE, { value: ALERT_DATA_TYPE, enumerable: false });
  return data;
}
