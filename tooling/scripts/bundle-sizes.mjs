#!/usr/bin/env node
// The cost of tsprom's universal packages in a web page: each is bundled with esbuild for the
// browser (ESM, minified, no polyfill, no flag beyond what a user passes) and its minified and
// minified + gzip sizes are printed, alone (the other @tsprom packages left out) and with
// everything it pulls in; then the combinations an application uses: the PromQL engine and parser,
// and those with the in-memory TSDB. The biggest inputs of "engine + parser" follow, from esbuild's
// metafile, to show where the bytes go.
//
//   node tooling/scripts/bundle-sizes.mjs          # from source (the @tsprom/source condition)
//   node tooling/scripts/bundle-sizes.mjs --dist   # from the built dist/ (after `pnpm build`)
//   node tooling/scripts/bundle-sizes.mjs --json   # the figures as JSON, for a script
//
// Fails when a bundle reaches a Node built-in, or (with --dist) when a package is not built.
import { existsSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = new URL('../..', import.meta.url).pathname;
const fromDist = process.argv.includes('--dist');
const asJSON = process.argv.includes('--json');
/** Aim of issue 17 for the engine and parser, minified + gzip. */
const ENGINE_BUDGET_BYTES = 150 * 1024;

const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));
const isBuiltin = (spec) => spec.startsWith('node:') || builtins.has(spec) || builtins.has(spec.split('/')[0]);

/** The entry file of a package: its source, or its built dist/ with --dist. */
function entryOf(pkg) {
  const file = join(root, 'packages', pkg, fromDist ? 'dist/index.js' : 'src/index.ts');
  if (!existsSync(file)) throw new Error(`${relative(root, file)} is missing${fromDist ? ': run `pnpm build`' : ''}`);
  return file;
}

/**
 * Bundles `code` (an ES module importing the packages by path) for the browser, minified.
 * `externalTsprom`: the other @tsprom packages are left out (a package's own weight).
 */
async function bundle(name, code, externalTsprom = false, resolveDir = root) {
  const reached = [];
  const plugin = {
    name: 'sizes',
    setup(b) {
      b.onResolve({ filter: /.*/ }, (args) => {
        if (isBuiltin(args.path)) {
          reached.push(`${relative(root, args.importer)} imports '${args.path}'`);
          return { path: args.path, external: true };
        }
        if (externalTsprom && args.path.startsWith('@tsprom/')) return { path: args.path, external: true };
        return undefined;
      });
    },
  };
  const out = await build({
    stdin: { contents: code, resolveDir, sourcefile: `${name}.js`, loader: 'js' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    conditions: fromDist ? [] : ['@tsprom/source'],
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [plugin],
  });
  if (reached.length > 0) throw new Error(`${name}: the bundle reaches Node built-ins:\n  ${reached.join('\n  ')}`);
  const bytes = out.outputFiles[0].contents;
  return { name, min: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length, metafile: out.metafile };
}

/** An entry that keeps every export of `pkgs` (what a bundle of the whole package weighs). */
const everything = (...pkgs) => pkgs.map((p, i) => `export * as p${i} from ${JSON.stringify(entryOf(p))};`).join('\n');
/** An entry that keeps only `names` of `pkg` (tree shaking drops the rest). */
const only = (pkg, names) => `export { ${names.join(', ')} } from ${JSON.stringify(entryOf(pkg))};`;

const packages = ['labels', 'storage-interfaces', 'histogram', 'chunkenc', 'promql', 'tsdb'];
const rows = [];
for (const pkg of packages) {
  const alone = await bundle(`@tsprom/${pkg}`, everything(pkg), true);
  const withDeps = await bundle(`@tsprom/${pkg}`, everything(pkg));
  rows.push({ name: `@tsprom/${pkg}`, alone, withDeps });
}
// Third-party code the universal packages pull in, bundled alone.
for (const [dep, from] of [['re2js', 'labels']]) {
  const r = await bundle(dep, `export * from '${dep}';`, false, join(root, 'packages', from));
  rows.push({ name: `${dep} (of @tsprom/${from})`, alone: r, withDeps: r });
}
const combos = [
  ['engine + parser (Engine, parseExpr)', only('promql', ['Engine', 'parseExpr'])],
  ['parser alone (parseExpr)', only('promql', ['parseExpr'])],
  [
    'engine + parser + in-memory tsdb + labels',
    `${only('promql', ['Engine', 'parseExpr'])}\n${only('tsdb', ['DB'])}\n${only('labels', ['Labels'])}`,
  ],
  [
    'all of promql, tsdb, chunkenc, labels, storage-interfaces',
    everything('promql', 'tsdb', 'chunkenc', 'labels', 'storage-interfaces'),
  ],
];
const comboRows = [];
for (const [name, code] of combos) comboRows.push(await bundle(name, code));

const engine = comboRows[0];
/** Bytes of the minified output by input, folded by package (`re2js`, `@tsprom/promql`, …). */
function byPackage(metafile) {
  const sums = new Map();
  for (const out of Object.values(metafile.outputs)) {
    for (const [file, { bytesInOutput }] of Object.entries(out.inputs)) {
      // The last node_modules/ of a path names the package (pnpm's are under node_modules/.pnpm/…).
      const dep = /.*node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(file);
      const own = /packages\/([^/]+)\//.exec(file);
      if (dep === null && own === null) continue; // The entry itself: a few re-export bytes.
      const key = dep !== null ? dep[1] : `@tsprom/${own[1]}`;
      sums.set(key, (sums.get(key) ?? 0) + bytesInOutput);
    }
  }
  return [...sums].sort((a, b) => b[1] - a[1]);
}
function biggestFiles(metafile, n) {
  const files = [];
  for (const out of Object.values(metafile.outputs)) {
    for (const [file, { bytesInOutput }] of Object.entries(out.inputs)) {
      if (!file.includes('/')) continue; // The entry itself: a few re-export bytes.
      files.push([file.replace(/^.*node_modules\//, ''), bytesInOutput]);
    }
  }
  return files.sort((a, b) => b[1] - a[1]).slice(0, n);
}

if (asJSON) {
  const fig = ({ min, gzip }) => ({ minBytes: min, gzipBytes: gzip });
  console.log(
    JSON.stringify(
      {
        from: fromDist ? 'dist' : 'source',
        packages: rows.map((r) => ({ name: r.name, alone: fig(r.alone), withDeps: fig(r.withDeps) })),
        combinations: comboRows.map((r) => ({ name: r.name, ...fig(r) })),
        engineParserByPackage: Object.fromEntries(byPackage(engine.metafile)),
      },
      null,
      2,
    ),
  );
} else {
  const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
  const pad = (s, n) => s.padEnd(n);
  const padL = (s, n) => s.padStart(n);
  console.log(`bundle sizes (esbuild, browser, ESM, minified; from ${fromDist ? 'dist/' : 'source'})\n`);
  console.log(
    `${pad('package', 28)}${padL('alone min', 12)}${padL('min+gz', 11)}${padL('with deps min', 16)}${padL('min+gz', 11)}`,
  );
  for (const r of rows) {
    console.log(
      `${pad(r.name, 28)}${padL(kib(r.alone.min), 12)}${padL(kib(r.alone.gzip), 11)}${padL(kib(r.withDeps.min), 16)}${padL(kib(r.withDeps.gzip), 11)}`,
    );
  }
  console.log('');
  console.log(`${pad('combination', 60)}${padL('min', 12)}${padL('min+gz', 11)}`);
  for (const r of comboRows) console.log(`${pad(r.name, 60)}${padL(kib(r.min), 12)}${padL(kib(r.gzip), 11)}`);
  console.log(
    `\nengine + parser: ${kib(engine.gzip)} min+gz, ${engine.gzip <= ENGINE_BUDGET_BYTES ? 'within' : 'OVER'} the ${kib(ENGINE_BUDGET_BYTES)} aim`,
  );
  console.log('\nengine + parser, minified bytes by package:');
  for (const [k, v] of byPackage(engine.metafile)) console.log(`  ${pad(k, 30)}${padL(kib(v), 11)}`);
  console.log('\nengine + parser, biggest input files (minified bytes):');
  for (const [k, v] of biggestFiles(engine.metafile, 12)) console.log(`  ${pad(k, 60)}${padL(kib(v), 11)}`);
}
