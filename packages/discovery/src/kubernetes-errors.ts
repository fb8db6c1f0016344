// The failures of the Kubernetes API a caller branches on: an answer other than 200, and an
// expired resourceVersion (client-go's IsResourceExpired / IsGone), after which a watcher relists.

/** An answer of the API server other than 200: `status`, and its Status message when it sent one. */
export class KubernetesAPIError extends Error {
  override readonly name = 'KubernetesAPIError';
  constructor(
    readonly status: number,
    readonly path: string,
    message: string,
  ) {
    super(`GET ${path}: ${status}${message === '' ? '' : ` ${message}`}`);
  }
}

/** A watch (or list) whose resourceVersion is too old (HTTP 410 Gone, or an ERROR event with code 410): relist. */
export class ResourceExpiredError extends Error {
  override readonly name = 'ResourceExpiredError';
}
