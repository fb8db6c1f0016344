// `pnpm bench:compare [--size small|medium|large] [--json out.json]`: prints the table, writes it
// as JSON when asked; the last line is `worst ratio R` (the largest tsprom/Prometheus median
// latency ratio over the query set).
import { writeFile } from 'node:fs/promises';
import { runBench } from './bench-compare.js';
import { formatTable, tableJSON, worstRatio } from './bench-table.js';
import { parseArgs, UsageError } from './cli-args.js';

async function main(): Promise<number> {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(process.argv.slice(2), 'medium', true);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(
      `bench:compare: ${err.message}\nusage: pnpm bench:compare [--size small|medium|large] [--json out.json]`,
    );
    return 2;
  }
  const t0 = performance.now();
  const r = await runBench(args.size, (line) => console.log(line));
  const elapsedS = (performance.now() - t0) / 1000;
  console.log('');
  for (const line of formatTable(r.figures)) console.log(line);
  console.log(`\n${args.size}: ${elapsedS.toFixed(0)} s in all; tsprom from ${String(r.meta.tspromFrom)}`);
  if (args.json !== undefined) {
    await writeFile(args.json, tableJSON({ ...r.meta, elapsedS }, r.figures));
    console.log(`written to ${args.json}`);
  }
  const worst = worstRatio(r.figures);
  console.log(`worst ratio ${Number.isNaN(worst) ? 'NaN' : worst.toFixed(2)}`);
  return 0;
}

process.exitCode = await main();
