// Loads the data set into a peer: backfill the OpenMetrics file with the peer's tool, start the
// server on the blocks, then remote-write the tail (native histograms included) into it.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServerPeer } from '@tsprom/test-support';
import { backfill, startPeer, type ToolRun } from './peers.js';
import { sendWriteLoad, type WriteLoad } from './remote-write-load.js';

/** A peer holding the whole data set. */
export interface LoadedPeer {
  readonly name: 'tsprom' | 'prometheus';
  readonly server: ServerPeer;
  readonly dataDir: string;
  readonly backfill: ToolRun;
  /** Wall time of the tail's remote write (ms). */
  readonly tailWriteMs: number;
}

/** Backfills `omFile` into `<workDir>/<peer>`, starts the peer there and remote-writes `tail`. */
export async function loadPeer(
  peer: 'tsprom' | 'prometheus',
  omFile: string,
  tail: WriteLoad,
  workDir: string,
  configFile: string,
  preferDist = false,
): Promise<LoadedPeer> {
  const dataDir = join(workDir, peer);
  await mkdir(dataDir, { recursive: true });
  const bf = await backfill(peer, omFile, dataDir);
  const server = await startPeer(peer, { dataDir, configFile, preferDist });
  try {
    const t0 = performance.now();
    await sendWriteLoad(server.url, tail);
    return { name: peer, server, dataDir, backfill: bf, tailWriteMs: performance.now() - t0 };
  } catch (err) {
    await server.stop();
    throw err;
  }
}
