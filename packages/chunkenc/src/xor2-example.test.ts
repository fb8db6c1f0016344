// The README's XOR2 example, verbatim between the markers, so the docs cannot drift.
import { expect, it } from 'vitest';

// --- README XOR2 example start ---
import { newChunk } from '@tsprom/chunkenc';
import { Encoding, ValueType } from '@tsprom/storage-interfaces';

// XOR2 only on the operator's request: Prometheus before 3.x cannot read it.
function xor2Example(print: (t: number, v: number, st: number) => void): void {
  const chunk = newChunk(Encoding.XOR2);
  const app = chunk.appender();
  app.append(1_700_000_000_000, 10, 1_699_999_000_000); // `st`: when the counter started.
  app.append(1_700_000_015_000, 12, 1_699_999_000_000);
  app.append(1_700_000_030_000, 1, 1_700_000_029_000); // A restart: a new start timestamp.
  const it = chunk.iterator();
  while (it.next() === ValueType.Float) print(it.atT(), it.atV(), it.atST());
  const err = it.err();
  if (err) throw err;
}
// --- README XOR2 example end ---

it('README XOR2 example', () => {
  const out: string[] = [];
  xor2Example((t, v, st) => out.push(`${t} ${v} ${st}`));
  expect(out).toEqual([
    '1700000000000 10 1699999000000',
    '1700000015000 12 1699999000000',
    '1700000030000 1 1700000029000',
  ]);
});

it('README.md shows this example verbatim', async () => {
  const { readFileSync } = await import('node:fs');
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const self = readFileSync(new URL('./xor2-example.test.ts', import.meta.url), 'utf8');
  const start = '// --- README XOR2 example start ---\n';
  const code = self.slice(self.indexOf(start) + start.length, self.indexOf('// --- README XOR2 example end ---'));
  expect(code.length).toBeGreaterThan(200);
  expect(readme).toContain(`\`\`\`ts\n${code}\`\`\``);
});
