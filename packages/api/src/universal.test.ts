// @tsprom/api runs in workers and browsers (an embedded DB serves the API there): no source file
// of the package may import a Node built-in. `pnpm check:universal` also bundles it for a browser.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const nodeBuiltin =
  /^(node:|(fs|path|os|buffer|crypto|url|util|stream|events|http|child_process|worker_threads)(\/|$))/;

it('imports no Node built-in outside tests', () => {
  const found: string[] = [];
  const files = readdirSync(here).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
  expect(files.length).toBeGreaterThan(10);
  for (const f of files) {
    const src = readFileSync(`${here}/${f}`, 'utf8');
    for (const m of src.matchAll(/(?:from\s+|import\s*\(\s*)'([^']+)'/g)) {
      if (nodeBuiltin.test(m[1]!)) found.push(`${f} imports ${m[1]}`);
    }
  }
  expect(found).toEqual([]);
});
