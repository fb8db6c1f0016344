// The package must run in browsers and edge workers: bundled for the browser (where esbuild fails on
// any Node built-in, here or in protobufjs) and run in a bare V8 context without `require`,
// `process` or `Buffer`, it still parses every format.
import { runInNewContext } from 'node:vm';
import { build } from 'esbuild';
import { expect, it } from 'vitest';

it('bundles for the browser and parses in a context without Node globals', async () => {
  const result = await build({
    entryPoints: [new URL('./index.ts', import.meta.url).pathname],
    bundle: true,
    platform: 'browser',
    format: 'iife',
    globalName: 'textparse',
    conditions: ['@tsprom/source'],
    write: false,
    logLevel: 'silent',
  });
  expect(result.errors).toEqual([]);
  const code = result.outputFiles[0]!.text;
  const sandbox = { TextEncoder, TextDecoder, out: [] as unknown[] };
  runInNewContext(
    `${code}
    const { Entry, newParser } = textparse;
    const enc = (s) => new TextEncoder().encode(s);
    for (const [body, ct] of [
      ['a{b="c"} 1 2\\n', 'text/plain; version=0.0.4'],
      ['# TYPE a counter\\na_total 1 # {t="x"} 2\\na_created 3\\n# EOF\\n', 'application/openmetrics-text; version=1.0.0'],
      [new Uint8Array([9, 0x0a, 1, 97, 0x18, 1, 0x22, 2, 0x12, 0]), 'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited'],
    ]) {
      const { parser } = newParser(typeof body === 'string' ? enc(body) : body, ct);
      for (let e = parser.next(); e !== Entry.EOF; e = parser.next()) out.push(e);
    }`,
    sandbox,
  );
  // Text: one series; OpenMetrics: type and two series; protobuf: help, type and one series.
  expect(sandbox.out).toEqual([2, 0, 2, 2, 1, 0, 2]);
  expect(typeof (globalThis as { process?: unknown }).process).toBe('object'); // The host has it; the sandbox did not.
});
