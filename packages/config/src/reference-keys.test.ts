// Every field the configuration reference documents (../shared/reference/configuration/
// configuration.md, next to the repository root, read at test time) is accepted where the reference
// puts it: written with no value, no field is "not found in type". Skipped with the reason in its
// name when the reference is missing; fails instead in CI.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
const DOC = join(repoRoot, '..', 'shared', 'reference', 'configuration', 'configuration.md');
const present = existsSync(DOC);

/** Where each documented block's fields go: a config with `KEY` in place of the field. */
const places: Record<string, string> = {
  '<scrape_config>': 'scrape_configs:\n  - job_name: a\n    KEY:\n',
  '<http_config>': 'scrape_configs:\n  - job_name: a\n    KEY:\n',
  '<tls_config>': 'scrape_configs:\n  - job_name: a\n    tls_config:\n      KEY:\n',
  '<oauth2>':
    'scrape_configs:\n  - job_name: a\n    oauth2:\n      client_id: x\n      token_url: http://x/\n      KEY:\n',
  '<static_config>': 'scrape_configs:\n  - job_name: a\n    static_configs:\n      - KEY:\n',
  '<alertmanager_config>': 'alerting:\n  alertmanagers:\n    - KEY:\n',
  '<remote_write>': 'remote_write:\n  - url: http://x/\n    KEY:\n',
  '<remote_read>': 'remote_read:\n  - url: http://x/\n    KEY:\n',
  '<tsdb>': 'storage:\n  tsdb:\n    KEY:\n',
  '<exemplars>': 'storage:\n  exemplars:\n    KEY:\n',
  '<tracing_config>': 'tracing:\n  KEY:\n',
};

/** The top-level field names of a documented YAML block (`[ name: …` or `name:` at its first indentation). */
function fieldsOf(block: string): string[] {
  const lines = block.split('\n').filter((l) => /^\s*\[?\s*[a-z_0-9]+:/.test(l));
  if (lines.length === 0) return [];
  const indent = /^\s*/.exec(lines[0]!)![0].length;
  return lines.filter((l) => /^\s*/.exec(l)![0].length === indent).map((l) => /^\s*\[?\s*([a-z_0-9]+):/.exec(l)![1]!);
}

function cases(): [string, string, string][] {
  const doc = readFileSync(DOC, 'utf8');
  const out: [string, string, string][] = [];
  for (const m of doc.matchAll(/^### `(<[a-z_0-9]+>)`\n(?:(?!^#{2,3} )[\s\S])*?```yaml\n([\s\S]*?)```/gm)) {
    const place = places[m[1]!];
    if (place === undefined) continue;
    for (const f of fieldsOf(m[2]!)) out.push([m[1]!, f, place.replace('KEY', f)]);
  }
  // The file's own block: top-level sections and the fields of global, runtime and otlp.
  const top = /^## Configuration file[\s\S]*?```yaml\n([\s\S]*?)```/m.exec(doc)![1]!;
  for (const f of fieldsOf(top)) out.push(['<config>', f, `${f}:\n`]);
  for (const [, name, body] of top.matchAll(/^([a-z_]+):\n((?: {2}.*\n|\n)*)/gm)) {
    if (name === undefined) continue;
    if (!['global', 'runtime', 'otlp'].includes(name)) continue;
    for (const f of fieldsOf(body!)) out.push([`<${name}>`, f, `${name}:\n  ${f}:\n`]);
  }
  return out;
}

describe.skipIf(!present && !process.env.CI)(
  present ? 'documented fields' : `documented fields (skipped: ${DOC} is missing)`,
  () => {
    it('the reference is there', () => {
      expect(present, `${DOC} is missing (required when CI is set)`).toBe(true);
    });
    it.each(present ? cases() : [])('%s %s is a known field', (_block, _field, text) => {
      try {
        loadConfig(text);
      } catch (err) {
        // A value is missing, so other checks may fail; an unknown field may not.
        expect((err as Error).message).not.toMatch(/not found in type/);
      }
    });
    it('finds the fields of every block it checks', () => {
      const blocks = new Set(cases().map(([b]) => b));
      for (const b of [...Object.keys(places), '<config>', '<global>', '<runtime>', '<otlp>'])
        expect(blocks).toContain(b);
      expect(cases().length).toBeGreaterThan(150);
    });
  },
);
