#!/usr/bin/env node
// Checks what each publishable package would ship: publint (package.json fields against the
// packed files) and attw, "are the types wrong" (every export resolves to JavaScript and types
// under Node's ESM and bundler resolution). Run after `pnpm build`.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
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
if (failures.length > 0) {
  console.error(failures.join('\n'));
  process.exit(1);
}
