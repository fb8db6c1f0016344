// DB.open() without a directory must work in a browser: nothing reachable from index.ts through
// static (non-type) imports may import a Node built-in. The file-system parts are loaded with
// dynamic import() only when a directory is given.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));

function staticImports(file: string): string[] {
  const src = readFileSync(file, 'utf8');
  const out: string[] = [];
  const re = /^(?:import|export)\s+(type\s+)?[^;]*?from\s+'([^']+)'/gms;
  for (const m of src.matchAll(re)) if (m[1] === undefined) out.push(m[2]!);
  return out;
}

it('keeps Node built-ins out of the in-memory module graph', () => {
  const seen = new Set<string>();
  const offenders: string[] = [];
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of staticImports(file)) {
      if (spec.startsWith('node:') || ['fs', 'path', 'os', 'buffer', 'crypto'].includes(spec)) {
        offenders.push(`${file.slice(here.length + 1)} imports ${spec}`);
      } else if (spec.startsWith('.')) visit(join(dirname(file), spec.replace(/\.js$/, '.ts')));
    }
  };
  visit(join(here, 'index.ts'));
  expect(seen.size).toBeGreaterThan(10);
  expect(seen.has(join(here, 'head-wal.ts'))).toBe(false);
  expect(offenders).toEqual([]);
});
