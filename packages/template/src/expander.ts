// Prometheus: template/template.go Expander, NewTemplateExpander, AlertTemplateData.
import { builtinFuncs } from './builtins.js';
import { TemplateError, TemplateExecError, TemplateParseError } from './errors.js';
import { execute, type MissingKey } from './exec.js';
import type { FuncMap, TemplateFunc } from './func-types.js';
import { type GoNamed, STRUCT_TYPE, type StructType } from './go-values.js';
import { parse, type Tree } from './parse.js';
import { promFuncs, type TemplateQueryFunc } from './prom-funcs.js';

/** How an {@link Expander} runs: the evaluation time, the query function, the external URL, Go template options. */
export interface ExpanderOptions {
  /** The evaluation time in ms since the epoch: what `now` returns and queries run at. */
  readonly timestampMs: number;
  /** What `query` runs; without it, `query` fails as Prometheus's does with a nil QueryFunc. */
  readonly queryFunc?: TemplateQueryFunc;
  /** What `externalURL` returns; `pathPrefix` is its path. Without it both fail, as on Prometheus's nil URL. */
  readonly externalURL?: string;
  /** Go template options (`missingkey=default|invalid|zero|error`). */
  readonly options?: readonly string[];
}

/** Go's builtins and Prometheus's functions, shared by all expansions (they take the expansion's context per call). */
const FUNCS: FuncMap = new Map<string, TemplateFunc>([...builtinFuncs(), ...promFuncs()]);
const hasFunction = (f: string): boolean => FUNCS.has(f);

/** Go's Template.Option for `missingkey`; Go panics on anything else, which Prometheus's Expand reports. */
function missingKeyOption(options: readonly string[] | undefined, name: string): MissingKey {
  let mk: MissingKey = 'invalid';
  for (const o of options ?? []) {
    const value = o.startsWith('missingkey=') ? o.slice('missingkey='.length) : undefined;
    if (value === 'invalid' || value === 'default') mk = 'invalid';
    else if (value === 'zero' || value === 'error') mk = value;
    else {
      const what = `unrecognized option: ${o}`;
      throw new TemplateError(`panic expanding template ${name}: ${what}`, what, name, 0, 0);
    }
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
    const trees = new Map<string, Tree>();
    try {
      parse(this.#text, name, hasFunction, trees);
    } catch (err) {
      throw wrap(err, `error parsing template ${name}`);
    }
    try {
      return await execute(trees, name, FUNCS, this.#opts, this.#data, missingKey);
    } catch (err) {
      throw wrap(err, `error executing template ${name}`);
    }
  }
}

/** Prometheus's `fmt.Errorf("error parsing template %v: %w", …)` around text/template's error. */
function wrap(err: unknown, prefix: string): unknown {
  if (err instanceof TemplateParseError)
    return new TemplateParseError(err.templateName, err.line, err.what, `${prefix}: `);
  if (err instanceof TemplateExecError) {
    return new TemplateExecError(
      err.goMessage,
      err.templateName,
      err.line,
      err.column,
      { cause: err.cause },
      `${prefix}: `,
    );
  }
  if (err instanceof TemplateError) {
    return new TemplateError(`${prefix}: ${err.goMessage}`, err.goMessage, err.templateName, err.line, err.column);
  }
  return err;
}

/**
 * Parses `text` as Prometheus's rule checks do (Expander.ParseTest): throws a {@link TemplateError}
 * with text/template's message (`template: NAME:LINE: function "foo" not defined`).
 */
export function parseTemplate(text: string, name: string): void {
  parse(text, name, hasFunction, new Map());
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
  /** The sample's value: a number, or a histogram (Prometheus's *histogram.FloatHistogram) as a Go value. */
  readonly Value: number | GoNamed;
}

/** Prometheus's AlertTemplateData: the struct alert labels and annotations are expanded with. */
export function alertTemplateData(
  labels: Readonly<Record<string, string>>,
  externalLabels: Readonly<Record<string, string>>,
  externalURL: string,
  value: number | GoNamed,
): AlertTemplateData {
  const data = { Labels: labels, ExternalLabels: externalLabels, ExternalURL: externalURL, Value: value };
  Object.defineProperty(data, STRUCT_TYPE, { value: ALERT_DATA_TYPE, enumerable: false });
  return data;
}
