// DB.open() without a directory must work in a browser with no bundler flag. A bundler follows the
// static and dynamic imports from index.ts, resolving `#disk` (the file-system seam that
// DB.open(dir) loads, see disk.ts) through package.json `imports` under its own conditions: under
// the "default" one (a browser) nothing it reaches may import a Node built-in, and DB.open(dir)
// fails with FileSystemUnavailableError. `pnpm check:universal` bundles the same entry with esbuild.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Labels } from '@tsprom/labels';
import { describe, expect, it } from 'vitest';
import { DB } from './db.js';
import { FileSystemUnavailableError } from './disk.js';
import { openDisk as openBrowserDisk } from './disk-browser.js';

const here = dirname(fileURLToPath(import.meta.url));
const pkgDir = dirname(here);
const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as {
  imports: Record<string, { '@tsprom/source': Record<string, string> } & Record<string, unknown>>;
};
const nodeBuiltin = /^(node:|(fs|path|os|buffer|crypto|url|util|stream|events|child_process|worker_threads)(\/|$))/;

/** Import specifiers a bundler follows: static imports and re-exports (not `import type`), import(). */
function imports(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of src.matchAll(/^(?:import|export)\s+(type\s+)?[^;]*?from\s+'([^']+)'/gms)) {
    if (m[1] === undefined) out.push(m[2]!);
  }
  for (const m of src.matchAll(/(?<!typeof\s*)\bimport\(\s*'([^']+)'\s*\)/g)) out.push(m[1]!);
  return out;
}

/** Every source file reachable from `entry`, with `#name` imports resolved under `condition`. */
function graph(entry: string, condition: 'node' | 'default'): { files: Set<string>; builtins: string[] } {
  const files = new Set<string>();
  const builtins: string[] = [];
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    for (const spec of imports(file)) {
      if (nodeBuiltin.test(spec)) builtins.push(`${file.slice(here.length + 1)} imports ${spec}`);
      else if (spec.startsWith('#')) {
        const target = pkg.imports[spec]?.['@tsprom/source'][condition];
        if (target === undefined) throw new Error(`${file}: ${spec} has no "${condition}" target in package.json`);
        visit(join(pkgDir, target));
      } else if (spec.startsWith('.')) visit(join(dirname(file), spec.replace(/\.js$/, '.ts')));
    }
  };
  visit(entry);
  return { files, builtins };
}

describe('the in-memory DB outside Node', () => {
  it('reaches no Node built-in from index.ts when #disk resolves for a browser', () => {
    const { files, builtins } = graph(join(here, 'index.ts'), 'default');
    expect(files.size).toBeGreaterThan(10);
    expect(files.has(join(here, 'disk-browser.ts'))).toBe(true);
    expect(files.has(join(here, 'disk-node.ts'))).toBe(false);
    expect(files.has(join(here, 'head-wal.ts'))).toBe(false);
    expect(builtins).toEqual([]);
  });

  it('reaches the WAL and node:fs through #disk under Node', () => {
    const { files, builtins } = graph(join(here, 'index.ts'), 'node');
    expect(files.has(join(here, 'disk-node.ts'))).toBe(true);
    expect(files.has(join(here, 'head-wal.ts'))).toBe(true);
    expect(builtins.some((b) => b.endsWith('node:fs/promises'))).toBe(true);
  });

  it('maps #disk in dist like in src', () => {
    const map = pkg.imports['#disk']!;
    expect(map['node']).toBe('./dist/disk-node.js');
    expect(map['default']).toBe('./dist/disk-browser.js');
    expect(Object.keys(map)).toEqual(['@tsprom/source', 'node', 'default']);
  });

  it('fails DB.open(dir) with FileSystemUnavailableError where there is no file system', () => {
    let err: unknown;
    try {
      openBrowserDisk('/var/lib/tsprom');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FileSystemUnavailableError);
    expect((err as FileSystemUnavailableError).dir).toBe('/var/lib/tsprom');
    expect((err as Error).message).toMatch(/DB\.open\("\/var\/lib\/tsprom"\) needs a file system.*DB\.open\(\)/);
  });

  it('serves appended samples from DB.open() without a directory', async () => {
    const db = await DB.open();
    expect(db.dir).toBeUndefined();
    const app = db.appender();
    app.append(0, Labels.fromStrings('__name__', 'up'), 1000, 1);
    await app.commit();
    expect(db.stats().numSeries).toBe(1);
    await db.close();
  });
});
