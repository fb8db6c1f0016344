// Prometheus: prometheus/common config/config.go Secret. A secret keeps its value for the code that
// needs it (`reveal()`) and prints as `<secret>` everywhere else: String(), JSON, util.inspect and
// the rendered configuration (configToYAML), as Prometheus's /api/v1/status/config does.

/** What a secret prints as (Prometheus secretToken). */
export const SECRET_TOKEN = '<secret>';

/** A configuration value that must never be shown: a password, a bearer token, a client key. */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The secret value itself, for the code that authenticates with it. */
  reveal(): string {
    return this.#value;
  }

  /** Whether the secret is set (non-empty). */
  isSet(): boolean {
    return this.#value !== '';
  }

  toString(): string {
    return SECRET_TOKEN;
  }

  toJSON(): string {
    return SECRET_TOKEN;
  }

  /** util.inspect and console.log show the token, not the value. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return SECRET_TOKEN;
  }
}
