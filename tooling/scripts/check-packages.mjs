#!/usr/bin/env node
// Checks what each publishable package would ship: publint (package.json fields against the
// packed files) and attw, "are the types wrong" (every export resolves to JavaScript and types
// under Node's ESM and bundler resolution). Run after `pnpm build`. Also checks that every built
// dist/ (packages and apps) names Node's built-ins with the `node:` prefix: a bare `fs` sends a
// bundler looking for an npm package of that name.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';

const root = new URL('../..', import.meta.url).pathname;
const bin = (name) => join(root, 'node_modules/.bin', name);
const failures = [];
for (const name of readdirSync(join(root, 'packages'))) {
  const dir = join(root, 'packages', name);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  if (pkg.private) continue;
  for (const [tool, args] of [
    ['publint', ['--strict', '--pack', 'pnpm']],
    ['attw', ['--pack', '.', '--profile', 'esm-only', '--format', 'ascii']],
  ]) {
    const r = spawnSync(bin(tool), args, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) failures.push(`${pkg.name}: ${tool} failed\n${r.stdout}${r.stderr}`);
    else console.log(`${pkg.name}: ${tool} ok`);
  }
}

const bare = new Set(builtinModules.filter((m) => !m.startsWith('_')));
const importRe = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"]([^'"]+)['"]/g;
for (const group of ['packages', 'apps']) {
  for (const name of readdirSync(join(root, group))) {
    const dist = join(root, group, name, 'dist');
    if (!existsSync(dist)) continue;
    const unprefixed = [];
    for (const file of readdirSync(dist, { recursive: true, encoding: 'utf8' })) {
      if (!/\.(js|mjs|cjs)$/.test(file)) continue;
      const text = readFileSync(join(dist, file), 'utf8');
      for (const m of text.matchAll(importRe)) {
        if (bare.has(m[1]) || bare.has(m[1].split('/')[0])) unprefixed.push(`${file}: '${m[1]}'`);
      }
    }
    if (unprefixed.length > 0) {
      failures.push(`${group}/${name}: dist imports Node built-ins without 'node:'\n  ${unprefixed.join('\n  ')}`);
    } else console.log(`${group}/${name}: dist names Node built-ins with 'node:'`);
  }
}
if (failures.length > 0) {
  console.error(failures.join('\n'));
  process.exit(1);
}
