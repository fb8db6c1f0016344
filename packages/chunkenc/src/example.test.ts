// The README's usage example, verbatim between the markers, so the docs cannot drift.
import { expect, it } from 'vitest';

// --- README example start ---
import { chunkFromBytes, crc32c, XORChunk } from '@tsprom/chunkenc';
import { Encoding, isStaleNaN, StaleNaN, ValueType } from '@tsprom/storage-interfaces';

function example(print: (t: number, v: number | string) => void): void {
  const chunk = new XORChunk();
  const app = chunk.appender();
  app.append(1_700_000_000_000, 1);
  app.append(1_700_000_015_000, 2.5);
  app.append(1_700_000_030_002, StaleNaN); // The series went away: a stale marker.

  // The bytes are exactly what Prometheus writes; a block's chunks file stores them with a CRC-32C.
  const bytes = chunk.bytes().slice();
  const checksum = crc32c(bytes);
  if (checksum !== crc32c(chunk.bytes())) throw new Error('unreachable');

  const again = chunkFromBytes(Encoding.XOR, bytes); // Throws ChunkEncodingError on malformed data.
  const it = again.iterator();
  while (it.next() === ValueType.Float) {
    print(it.atT(), isStaleNaN(it.atV()) ? 'stale' : it.atV());
  }
  const err = it.err(); // Always check after the loop.
  if (err) throw err;
}
// --- README example end ---

it('README example', () => {
  const out: string[] = [];
  example((t, v) => out.push(`${t} ${v}`));
  expect(out).toEqual(['1700000000000 1', '1700000015000 2.5', '1700000030002 stale']);
});

it('README.md shows this example verbatim', async () => {
  const { readFileSync } = await import('node:fs');
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const self = readFileSync(new URL('./example.test.ts', import.meta.url), 'utf8');
  const start = '// --- README example start ---\n';
  const code = self.slice(self.indexOf(start) + start.length, self.indexOf('// --- README example end ---'));
  expect(code.length).toBeGreaterThan(200);
  expect(readme).toContain(`\`\`\`ts\n${code}\`\`\``);
});
