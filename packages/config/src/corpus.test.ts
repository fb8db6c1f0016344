// The configuration corpus (testdata/good, testdata/bad): every good file loads, renders, and the
// rendering loads back to the same rendering; every bad file fails with the error, line and column
// its header names (`# error: …`, `# at: line:col`, counted from the first line after the header).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { ConfigError } from './errors.js';
import { configToYAML } from './to-yaml.js';

const dir = join(import.meta.dirname, '..', 'testdata');
const files = (sub: string) => readdirSync(join(dir, sub)).filter((f) => f.endsWith('.yml'));

/** The `# key: value` header lines of a corpus file and how many lines they take. */
export function corpusHeader(text: string): { fields: Map<string, string>; lines: number } {
  const fields = new Map<string, string>();
  let lines = 0;
  for (const line of text.split('\n')) {
    const m = /^# (error|at|promtool-2\.42|no-roundtrip): (.*)$/.exec(line);
    if (m === null) break;
    fields.set(m[1]!, m[2]!);
    lines++;
  }
  return { fields, lines };
}

describe('good configurations', () => {
  it.each(files('good'))('%s loads and renders stably', (f) => {
    const text = readFileSync(join(dir, 'good', f), 'utf8');
    const cfg = loadConfig(text, { file: f, baseDir: '/etc/prometheus' });
    const rendered = configToYAML(cfg);
    if (!corpusHeader(text).fields.has('no-roundtrip')) {
      // The rendering is a valid configuration meaning the same: rendering it again changes nothing.
      expect(configToYAML(loadConfig(rendered, { file: `${f} (rendered)` }))).toBe(rendered);
    }
    expect(rendered).not.toMatch(/s3cret|my-token|mysecret|\b456\b|: SK$/m);
  });
});

describe('bad configurations', () => {
  it.each(files('bad'))('%s is rejected where its header says', (f) => {
    const text = readFileSync(join(dir, 'bad', f), 'utf8');
    const { fields, lines } = corpusHeader(text);
    let err: unknown;
    try {
      loadConfig(text, { file: f });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const e = err as ConfigError;
    expect(e.reason).toContain(fields.get('error'));
    const [line, col] = fields.get('at')!.split(':').map(Number) as [number, number];
    expect([e.line, e.column]).toEqual([line + lines, col]);
    expect(e.message.startsWith(`${f}:${line + lines}:${col}: `)).toBe(true);
  });
});
