// `promtool check config --syntax-only` (Debian's Prometheus 2.42) accepts every good corpus file
// and rejects every bad one, except where the file's header states a 2.42-vs-3 difference
// (`# promtool-2.42: rejects` / `accepts` / `panics`): there Prometheus 3's behaviour is what we implement.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpusHeader } from './corpus.test.js';
import { PEERS, requirePeer, runPromtool } from '@tsprom/test-support';

const dir = join(import.meta.dirname, '..', 'testdata');
const have = requirePeer(PEERS.promtool);
const files = (sub: string) => readdirSync(join(dir, sub)).filter((f) => f.endsWith('.yml'));

describe.runIf(have)('promtool 2.42 agrees on the corpus', () => {
  it.each(files('good'))('good/%s', (f) => {
    const path = join(dir, 'good', f);
    const diff = corpusHeader(readFileSync(path, 'utf8')).fields.get('promtool-2.42');
    const r = runPromtool(['check', 'config', '--syntax-only', path]);
    expect(r.code, r.stderr).toBe(diff?.startsWith('rejects') ? 1 : 0);
  });

  it.each(files('bad'))('bad/%s', (f) => {
    const path = join(dir, 'bad', f);
    const diff = corpusHeader(readFileSync(path, 'utf8')).fields.get('promtool-2.42');
    const r = runPromtool(['check', 'config', '--syntax-only', path]);
    expect(r.code, r.stdout).toBe(diff?.startsWith('accepts') ? 0 : diff?.startsWith('panics') ? 2 : 1);
  });
});
