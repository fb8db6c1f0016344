// The package must run in browsers and edge workers: bundled for the browser (where esbuild fails on
// any Node built-in) and run in a bare V8 context without `require`, `process` or `Buffer`, it still
// expands templates, regexps and printf included.
import { runInNewContext } from 'node:vm';
import { build } from 'esbuild';
import { expect, it } from 'vitest';

it('bundles for the browser and expands a template in a context without Node globals', async () => {
  const result = await build({
    stdin: {
      contents: "export { alertTemplateData, Expander } from './index.ts';",
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
  const sandbox = { TextEncoder, TextDecoder, out: undefined as Promise<string> | undefined };
  runInNewContext(
    `${result.outputFiles[0]!.text}
    const data = bundle.alertTemplateData({ instance: 'a:9100' }, {}, '', 1234.5);
    out = new bundle.Expander(
      '{{ .Labels.instance | reReplaceAll "(.*):.*" "$1" | title }} {{ printf "%.1f" .Value }} {{ humanize .Value }}',
      't', data, { timestampMs: 0 }).expand();`,
    sandbox,
  );
  expect(await sandbox.out).toBe('A 1234.5 1.234k');
});
