// Starts a real Prometheus (Debian's, 2.42; TSPROM_PROMETHEUS overrides the path) on 127.0.0.1 for
// interop tests: a temp config, a given data dir, a port of its choosing; stopped by PID. Test
// helper, not part of the API.
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PEERS, startServer } from '../wlog/testing/peers.js';

/** Path of the Prometheus binary the interop tests use. */
export const prometheusBin = PEERS.prometheus;

/** Whether a real Prometheus is installed. */
export const havePrometheus = existsSync(prometheusBin);

/** A running Prometheus. */
export interface PrometheusPeer {
  readonly url: string;
  /** Output so far (for failure messages). */
  log(): string;
  /** Stops it (SIGTERM, then SIGKILL after 15 s) and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Starts Prometheus with `configYaml` (written to `configDir`) on `dataDir`, listening on
 * 127.0.0.1 only, and waits until /-/ready answers.
 */
export async function startPrometheus(dataDir: string, configDir: string, configYaml: string): Promise<PrometheusPeer> {
  const cfg = join(configDir, 'prometheus.yml');
  await writeFile(cfg, configYaml);
  const peer = await startServer(
    prometheusBin,
    [`--config.file=${cfg}`, `--storage.tsdb.path=${dataDir}`, '--log.level=debug'],
    '/-/ready',
  );
  return { url: peer.url, log: peer.output, stop: peer.stop };
}
