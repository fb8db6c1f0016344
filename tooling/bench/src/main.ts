// `pnpm bench [filter]`: runs every benchmark suite whose name contains the filter.
import { suites } from './suites.js';

const filter = process.argv[2] ?? '';
console.log(`tsprom benchmarks (node ${process.version}, ${process.arch}); one core, best of 5 rounds`);
for (const [name, run] of Object.entries(suites)) {
  if (!name.includes(filter)) continue;
  await run();
}
