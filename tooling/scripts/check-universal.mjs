#!/usr/bin/env node
// The universal packages must run in browsers, Deno, Bun and edge workers: their source (tests
// excepted) and their built output may import no Node built-in, with or without the `node:` prefix.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const universal = ['labels', 'chunkenc', 'storage-interfaces', 'promql', 'textparse', 'relabel'];
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const importRe = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"]([^'"]+)['"]/g;

function* files(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* files(p);
    else if (/\.(ts|js|mjs|cjs)$/.test(name) && !/\.(test|bench)\.ts$/.test(name)) yield p;
  }
}

const problems = [];
let checked = 0;
for (const pkg of universal) {
  for (const sub of ['src', 'dist']) {
    const dir = join(root, 'packages', pkg, sub);
    if (!existsSync(dir)) continue;
    for (const file of files(dir)) {
      checked++;
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(importRe)) {
        const spec = m[1];
        if (spec.startsWith('node:') || builtins.has(spec) || builtins.has(spec.split('/')[0])) {
          const line = text.slice(0, m.index).split('\n').length;
          problems.push(`${relative(root, file)}:${line}: imports Node built-in '${spec}'`);
        }
      }
    }
  }
}
if (problems.length > 0) {
  console.error(`universal packages must not import Node built-ins:\n${problems.join('\n')}`);
  process.exit(1);
}
console.log(`check-universal: ${checked} files in ${universal.join(', ')} import no Node built-in`);
