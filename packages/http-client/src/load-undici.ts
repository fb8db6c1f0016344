// undici is about a hundred CommonJS files, the costliest dependency to load (~130 ms of CPU):
// it is imported on the first request rather than with the package, so that a server that sends
// nothing over HTTP (no scrape target, remote write, Alertmanager) never loads it.

let undici: Promise<typeof import('undici')> | undefined;

/** The undici module, imported on the first call; later calls get the same promise. */
export function loadUndici(): Promise<typeof import('undici')> {
  undici ??= import('undici');
  return undici;
}
