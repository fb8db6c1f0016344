// Runs tspromtool from source, without a build: `tsx --conditions=@tsprom/source
// apps/promtool/src/cli.ts <command> [<args> ...]` (the root's `pnpm conformance DIR` does). The
// installed `tspromtool` runs the built dist/main.js instead (bin/tspromtool.js).
import { main } from './main.js';

process.exitCode = await main(process.argv.slice(2));
