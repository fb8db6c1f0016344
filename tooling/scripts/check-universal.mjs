#!/usr/bin/env node
// The universal packages must run in browsers, Deno, Bun and edge workers: their source (tests
// excepted) and their built output may import no Node built-in, with or without the `node:` prefix.
// Then each of them, @tsprom/tsdb (whose in-memory DB must run in a browser; its file-system
// side sits behind the `#disk` import, resolved under the "node" condition only), @tsprom/config
// (`#config-fs`) and @tsprom/discovery (`#file-discovery`) is bundled with
// esbuild for the browser, as a user would with no flag, from source (the `@tsprom/source`
// condition) and from dist/ when built: no Node built-in may be reached.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { build } from 'esbuild';

const root = new URL('../..', import.meta.url).pathname;
const universal = [
  'labels',
  'chunkenc',
  'storage-interfaces',
  'histogram',
  'promql',
  'textparse',
  'relabel',
  'api',
  'template',
];
const browserBundled = [...universal, 'tsdb', 'config', 'discovery'];
const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const isBuiltin = (spec) => spec.startsWith('node:') || builtins.has(spec) || builtins.has(spec.split('/')[0]);
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
        if (isBuiltin(spec)) {
          const line = text.slice(0, m.index).split('\n').length;
          problems.push(`${relative(root, file)}:${line}: imports Node built-in '${spec}'`);
        }
      }
    }
  }
}

/** Bundles `entry` for the browser; returns the Node built-ins it reached, or esbuild's errors. */
async function browserBundle(entry, conditions) {
  const reached = [];
  const flagBuiltins = {
    name: 'flag-node-builtins',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (!isBuiltin(args.path)) return undefined;
        reached.push(`${relative(root, args.importer)} imports '${args.path}'`);
        return { path: args.path, external: true };
      });
    },
  };
  try {
    await build({
      entryPoints: [entry],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      conditions,
      write: false,
      logLevel: 'silent',
      plugins: [flagBuiltins],
    });
  } catch (err) {
    return [`esbuild failed: ${err.errors?.map((e) => e.text).join('; ') ?? err}`];
  }
  return reached;
}

let bundled = 0;
for (const pkg of browserBundled) {
  const dir = join(root, 'packages', pkg);
  const entries = [[join(dir, 'src/index.ts'), ['@tsprom/source']]];
  if (existsSync(join(dir, 'dist/index.js'))) entries.push([join(dir, 'dist/index.js'), []]);
  for (const [entry, conditions] of entries) {
    bundled++;
    for (const p of await browserBundle(entry, conditions)) {
      problems.push(`browser bundle of ${relative(root, entry)}: ${p}`);
    }
  }
}

if (problems.length > 0) {
  console.error(`universal packages (and in-memory tsdb) must not import Node built-ins:\n${problems.join('\n')}`);
  process.exit(1);
}
console.log(`check-universal: ${checked} files in ${universal.join(', ')} import no Node built-in`);
console.log(`check-universal: ${bundled} browser bundles of ${browserBundled.join(', ')} reach no Node built-in`);
