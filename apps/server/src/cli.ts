// Runs tsprom from source, without a build: `tsx --conditions=@tsprom/source
// apps/server/src/cli.ts [<flags>]` (the root's `pnpm start` does). The installed `tsprom` runs
// the built dist/main.js instead (bin/tsprom.js).
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
