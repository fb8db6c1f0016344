// The notifier's typed errors.
import { STATUS_CODES } from 'node:http';

/** An Alertmanager target that cannot be used (Prometheus: "… is not a valid hostname"). */
export class AlertmanagerTargetError extends Error {
  override readonly name = 'AlertmanagerTargetError';
}

/** An `alerting` configuration the notifier cannot apply; names the Alertmanager config. */
export class NotifierConfigError extends Error {
  override readonly name = 'NotifierConfigError';
  constructor(
    readonly configName: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`alertmanager ${configName}: ${message}`, options);
  }
}

/** A post to an Alertmanager answered with a status other than 2xx. */
export class AlertmanagerStatusError extends Error {
  override readonly name = 'AlertmanagerStatusError';
  constructor(
    readonly url: string,
    readonly status: number,
  ) {
    super(`bad response status ${statusText(status)}`);
  }
}

/** `500 Internal Server Error`, as Go's resp.Status. */
function statusText(status: number): string {
  const text = STATUS_CODES[status];
  return text === undefined ? String(status) : `${status} ${text}`;
}
