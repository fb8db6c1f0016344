// The package must run in browsers and edge workers: bundled for the browser (where esbuild fails on
// any Node built-in) and run in a bare V8 context without `require`, `process` or `Buffer`, it still
// relabels, hashmod's MD5 included.
import { runInNewContext } from 'node:vm';
import { build } from 'esbuild';
import { expect, it } from 'vitest';

it('bundles for the browser and relabels in a context without Node globals', async () => {
  const result = await build({
    stdin: {
      contents: "export { loadRelabelConfigs, relabel } from './index.ts'; export { Labels } from '@tsprom/labels';",
      resolveDir: new URL('.', import.meta.url).pathname,
      loader: 'ts',
    },
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'bundle',
    conditions: ['@tsprom/source'],
    write: false,
    logLevel: 'silent',
  });
  expect(result.errors).toEqual([]);
  const sandbox = { TextEncoder, out: '' };
  runInNewContext(
    `${result.outputFiles[0]!.text}
    const cfgs = bundle.loadRelabelConfigs([
      { source_labels: ['c'], target_label: 'd', action: 'hashmod', modulus: 1000 },
      { source_labels: ['c'], regex: 'b(.*)', target_label: 'e', replacement: 'x$1' },
    ]);
    out = bundle.relabel(bundle.Labels.fromStrings('c', 'baz'), cfgs).toString();`,
    sandbox,
  );
  expect(sandbox.out).toBe('{c="baz", d="976", e="xaz"}');
});
