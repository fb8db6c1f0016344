import { describe, expect, it } from 'vitest';
import { main } from './main.js';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: (t: string) => out.push(t), stderr: (t: string) => err.push(t) }, out, err };
}

describe('tspromtool', () => {
  it('prints help and exits 0 for --help', async () => {
    const c = capture();
    expect(await main(['--help'], c.io)).toBe(0);
    expect(c.out.join('')).toContain('usage: tspromtool');
  });
  it('rejects an unknown command with exit 1 and names it', async () => {
    const c = capture();
    expect(await main(['no-such-command'], c.io)).toBe(1);
    expect(c.err.join('')).toContain('"no-such-command"');
  });
});
