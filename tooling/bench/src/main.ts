// `pnpm bench [filter]`: runs the suite named by the filter when one has exactly that name (so
// `pnpm bench tsdb` runs the `tsdb` suite alone), else every suite whose name contains it
// (`pnpm bench tsdb-` runs the other tsdb suites); no filter runs them all.
import { suites } from './suites.js';

const filter = process.argv[2] ?? '';
const names = Object.keys(suites);
const chosen = names.includes(filter) ? [filter] : names.filter((name) => name.includes(filter));
if (chosen.length === 0) {
  console.error(`pnpm bench: no suite matches "${filter}"; the suites are: ${names.join(', ')}`);
  process.exit(2);
}
console.log(`tsprom benchmarks (node ${process.version}, ${process.arch}); one core, best of 5 rounds`);
for (const name of chosen) await suites[name]?.();
