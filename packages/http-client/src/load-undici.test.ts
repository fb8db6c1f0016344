import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

// A fresh Node process (this one may have loaded undici for other tests): whether undici is in the
// CommonJS module cache after importing the package, then after making a client.
const SCRIPT = `
import { createRequire } from 'node:module';
const { HTTPClient } = await import('@tsprom/http-client');
const { DefaultHTTPClientConfig } = await import('@tsprom/config');
const loaded = () => Object.keys(createRequire(import.meta.url).cache).some((k) => k.includes('/undici/'));
const atImport = loaded();
const client = await HTTPClient.create(DefaultHTTPClientConfig);
const atCreate = loaded();
await client.close();
console.log(JSON.stringify({ atImport, atCreate }));
`;

it('loads undici when the first client is made, not when the package is imported', async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--conditions=@tsprom/source', '--import', 'tsx', '--input-type=module', '-e', SCRIPT],
    { cwd: fileURLToPath(new URL('..', import.meta.url)) },
  );
  expect(JSON.parse(stdout)).toEqual({ atImport: false, atCreate: true });
}, 60_000);
