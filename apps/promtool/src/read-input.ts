// Standard input for the commands that read it.
import type { CommandIO } from './command.js';

/** Reads all of stdin (or the bytes a test hands over through `io.readStdin`). */
export async function readInput(io: CommandIO): Promise<Uint8Array> {
  if (io.readStdin !== undefined) return io.readStdin();
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}
