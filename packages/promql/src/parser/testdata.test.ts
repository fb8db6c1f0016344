// Runs every `eval` query of Prometheus's promqltest files through the parser (the files are read
// at test time from ../shared/promql-testdata, next to the repository root, and never copied into
// the project). Skipped with the reason in its name when they are missing; fails instead in CI.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseExpr } from './parser.js';
import { exprToString } from './printer.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const DIR = join(repoRoot, '..', 'shared', 'promql-testdata');
const present = existsSync(DIR);
const opts = {
  enableExperimentalFunctions: true,
  experimentalDurationExpr: true,
  enableExtendedRangeSelectors: true,
  enableBinopFillModifiers: true,
};
const EVAL_RE =
  /^\s*eval(?:_(?:fail|warn|info|ordered))?\s+(?:instant\s+at\s+\S+|range\s+from\s+\S+\s+to\s+\S+\s+step\s+\S+)\s+(.*)$/;

interface Case {
  file: string;
  line: number;
  query: string;
  expectFail: boolean;
}

function cases(): Case[] {
  const out: Case[] = [];
  for (const file of readdirSync(DIR).filter((f) => f.endsWith('.test'))) {
    const lines = readFileSync(join(DIR, file), 'utf8').split('\n');
    for (let i = 0; i < lines.length; i++) {
      const m = EVAL_RE.exec(lines[i] as string);
      if (m === null) continue;
      const next = lines[i + 1] ?? '';
      out.push({
        file,
        line: i + 1,
        query: m[1] as string,
        expectFail: /^\s*expect fail/.test(next) || /^\s*eval_fail/.test(lines[i] as string),
      });
    }
  }
  return out;
}

describe.skipIf(!present && !process.env.CI)(
  present ? 'promql-testdata eval queries' : `promql-testdata eval queries (skipped: ${DIR} is missing)`,
  () => {
    it('parses every eval query that is not expected to fail, and prints each stably', { timeout: 300_000 }, () => {
      expect(present, `${DIR} is missing (required when CI is set)`).toBe(true);
      const all = cases();
      let parsed = 0;
      let failedExpected = 0;
      const unexpected: string[] = [];
      const unstable: string[] = [];
      for (const c of all) {
        try {
          const e = parseExpr(c.query, opts);
          parsed++;
          const s = exprToString(e);
          if (exprToString(parseExpr(s, opts)) !== s) unstable.push(`${c.file}:${c.line} ${c.query} -> ${s}`);
        } catch (err) {
          if (c.expectFail) failedExpected++;
          else unexpected.push(`${c.file}:${c.line} ${c.query}: ${(err as Error).message}`);
        }
      }
      console.log(
        `promql-testdata: ${parsed}/${all.length} eval queries parse; ${failedExpected} rejected that expect failure; ${unexpected.length} unexpected parse errors`,
      );
      expect(all.length).toBeGreaterThan(1000);
      expect(unexpected).toEqual([]);
      expect(unstable).toEqual([]);
    });
  },
);
