// The main entry runs anywhere: bundled for a browser (the `default` condition of `#config-fs`),
// nothing it reaches may import a Node built-in; loadConfigFile then fails with a clear error.
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const src = import.meta.dirname;

async function bundle(entry: string, platform: 'browser' | 'node') {
  return build({
    entryPoints: [join(src, entry)],
    bundle: true,
    write: false,
    format: 'esm',
    platform,
    conditions: ['@tsprom/source'],
    logLevel: 'silent',
  });
}

describe('universal entry', () => {
  it('bundles for a browser without any Node built-in', async () => {
    const out = await bundle('index.ts', 'browser');
    const code = out.outputFiles.map((f) => f.text).join('\n');
    expect(code).not.toMatch(/from\s*["']node:|require\(["']node:|import\(["']node:/);
    expect(code).toContain('loading configuration files needs a file system');
  });

  it('reaches the file system under Node', async () => {
    const out = await bundle('index.ts', 'node');
    const code = out.outputFiles.map((f) => f.text).join('\n');
    expect(code).toMatch(/node:fs/);
  });
});
