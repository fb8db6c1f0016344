// Test helpers for the rules and alerting tests: a scrape target whose value the test sets, an
// HTTP server recording what is posted to it (an Alertmanager's alerts API or a webhook
// receiver), and the real peers (Prometheus 2.42, Alertmanager 0.25) started on 127.0.0.1 with a
// free port and stopped by PID. Only test files import this module.
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ServerProcess, startHTTPProcess } from './tsprom-process.js';

export const PROMETHEUS = process.env.TSPROM_PROMETHEUS ?? '/usr/bin/prometheus';
export const ALERTMANAGER = process.env.TSPROM_ALERTMANAGER ?? '/usr/bin/prometheus-alertmanager';

/** Whether `bin` is installed; throws when it is not and `CI` is set (interop tests may not skip there). */
export function havePeer(bin: string): boolean {
  const ok = existsSync(bin);
  if (!ok && process.env.CI) throw new Error(`${bin} is missing (required when CI is set)`);
  return ok;
}

/** One request a {@link Recorder} received. */
export interface Recorded {
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/** An HTTP server on 127.0.0.1 answering 200 to everything and keeping what it was sent. */
export interface Recorder {
  /** `127.0.0.1:<port>` */
  readonly address: string;
  readonly requests: Recorded[];
  close(): Promise<void>;
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(`127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Starts a {@link Recorder}. */
export async function startRecorder(): Promise<Recorder> {
  const requests: Recorded[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => {
      body += d.toString();
    });
    req.on('end', () => {
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body });
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{}');
    });
  });
  const address = await listen(server);
  return { address, requests, close: () => close(server) };
}

/** A scrape target exposing `demo_temperature{room="lab"}` at the value the test sets. */
export interface DemoTarget {
  readonly address: string;
  value: number;
  close(): Promise<void>;
}

/** Starts a {@link DemoTarget} at `value`. */
export async function startDemoTarget(value: number): Promise<DemoTarget> {
  const target = { value } as { value: number };
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
    res.end(`# TYPE demo_temperature gauge\ndemo_temperature{room="lab"} ${target.value}\n`);
  });
  const address = await listen(server);
  return Object.assign(target, { address, close: () => close(server) });
}

/** Prometheus 2.42 in `cwd` with `args`, its times in UTC. */
export function startPrometheus(args: readonly string[], cwd: string): Promise<ServerProcess> {
  return startHTTPProcess(PROMETHEUS, args, cwd);
}

/** Alertmanager 0.25 with `configFile`, clustering off, its state in `storageDir`. */
export function startAlertmanager(configFile: string, storageDir: string, cwd: string): Promise<ServerProcess> {
  return startHTTPProcess(
    ALERTMANAGER,
    [`--config.file=${configFile}`, `--storage.path=${storageDir}`, '--cluster.listen-address='],
    cwd,
  );
}
