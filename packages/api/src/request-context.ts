// What every endpoint of the API is handed for one request.
import type { APIOptions } from './api-options.js';
import type { Form } from './form.js';
import type { QueryGate } from './query-gate.js';

/** One request as an endpoint sees it. */
export interface RequestContext {
  readonly req: Request;
  readonly url: URL;
  /** Body (urlencoded POST) and URL parameters. */
  readonly form: Form;
  /** Path parameters (`name` of `label/<name>/values`). */
  readonly params: Readonly<Record<string, string>>;
  readonly opts: APIOptions;
  readonly gate: QueryGate;
  /** Aborts when the client goes away. */
  readonly signal: AbortSignal;
  /** The current time, ms. */
  now(): number;
}
