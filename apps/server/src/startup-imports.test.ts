import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

// The dependencies that only some configurations use are imported when first needed: undici (the
// HTTP client of scraping, remote write and read, the notifier; the costliest to load) and bcryptjs
// (basic auth users of --web.config.file). A fresh Node process imports the server's main module
// and lists those of them in the CommonJS module cache.
const SCRIPT = `
import { createRequire } from 'node:module';
await import('./src/main.ts');
const cache = Object.keys(createRequire(import.meta.url).cache);
console.log(JSON.stringify(['undici', 'bcryptjs'].filter((m) => cache.some((k) => k.includes('/' + m + '/')))));
`;

it('loads neither undici nor bcryptjs with the server module', async () => {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--conditions=@tsprom/source', '--import', 'tsx', '--input-type=module', '-e', SCRIPT],
    { cwd: fileURLToPath(new URL('..', import.meta.url)) },
  );
  expect(JSON.parse(stdout)).toEqual([]);
}, 120_000);
