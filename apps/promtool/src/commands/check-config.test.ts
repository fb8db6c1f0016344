// `tspromtool check config` against Debian's `promtool check config` (2.42): same stdout, same exit
// code, and for the checks promtool makes on referenced files the same FAILED message. YAML
// errors are worded differently (ours name the line:column and field path), so for those only the
// FAILED line itself is compared. Configurations that 2.42 and 3 judge differently are left out
// (they are covered in @tsprom/config's corpus).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../main.js';

const PROMTOOL = '/usr/bin/promtool';
const have = existsSync(PROMTOOL);
if (!have && process.env.CI) throw new Error(`${PROMTOOL} is missing (required when CI is set)`);

const files: Record<string, string> = {
  'ok.yml': 'scrape_configs:\n  - job_name: a\n    static_configs: [{targets: ["a:1"]}]\n',
  'warn.yml': 'scrape_configs:\n  - job_name: a\n    file_sd_configs: [{files: [none/*.json]}]\n',
  'sd-ok.yml': 'scrape_configs:\n  - job_name: a\n    file_sd_configs: [{files: [sd/good.json]}]\n',
  'sd-bad.yml': 'scrape_configs:\n  - job_name: a\n    file_sd_configs: [{files: [sd/bad*.json]}]\n',
  'am-warn.yml': 'alerting:\n  alertmanagers:\n    - file_sd_configs: [{files: [am/*.yml]}]\n',
  'cred.yml': 'scrape_configs:\n  - job_name: a\n    authorization: {credentials_file: missing-token}\n',
  'bearer.yml': 'scrape_configs:\n  - job_name: a\n    bearer_token_file: missing-token\n',
  'cert.yml': 'scrape_configs:\n  - job_name: a\n    tls_config: {cert_file: missing.crt, key_file: missing.key}\n',
  'rule-missing.yml': 'rule_files: [missing.rules]\n',
  'rule-glob.yml': 'rule_files: ["rules/*.yml"]\n',
  'bad-yaml.yml': 'global:\n  scrape_interval: 1x\n',
  'dup.yml': 'scrape_configs:\n  - job_name: a\n  - job_name: a\n',
  'agent.yml': 'alerting:\n  alertmanagers: [{static_configs: [{targets: ["a:1"]}]}]\n',
  'targets-static.yml':
    'scrape_configs:\n  - job_name: a\n    scrape_interval: 10s\n    static_configs:\n      - targets: ["ok:1"]\n      - targets: ["ok:2", "ok:3"]\n        labels: {__scrape_interval__: zz}\n',
  'targets-timeout.yml':
    'scrape_configs:\n  - job_name: a\n    scrape_interval: 10s\n    static_configs: [{targets: ["ok:1"], labels: {__scrape_timeout__: 20s}}]\n',
  'targets-noaddr.yml':
    'scrape_configs:\n  - job_name: a\n    static_configs: [{targets: ["ok:1"]}]\n    relabel_configs: [{action: labeldrop, regex: __address__}]\n',
  'targets-dropped.yml':
    'scrape_configs:\n  - job_name: a\n    static_configs: [{targets: ["ok:1", "x/y"]}]\n    relabel_configs: [{source_labels: [__address__], regex: x/y, action: drop}]\n',
  'targets-file.yml':
    'scrape_configs:\n  - job_name: a\n    static_configs: [{targets: ["ok:1"], labels: {__scrape_interval__: zz}}]\n    file_sd_configs: [{files: [sd/zero.json]}]\n',
  'sd/zero.json': '[{"targets": ["h:1"]}, {"targets": ["h:2"], "labels": {"__scrape_timeout__": "0s"}}]',
  'sd/good.json': '[{"targets": ["a:1"], "labels": {"x": "y"}}]',
  'sd/bad1.json': '[{"targets": ["a:1"], "port": 9}]',
};

/** Checks whose messages match promtool's word for word. */
const sameMessage = new Set([
  'cred.yml',
  'bearer.yml',
  'cert.yml',
  'rule-missing.yml',
  'targets-static.yml',
  'targets-timeout.yml',
  'targets-noaddr.yml',
  'targets-file.yml',
]);

describe.runIf(have)('tspromtool check config matches promtool 2.42', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsprom-check-config-'));
    mkdirSync(join(dir, 'sd'));
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  });
  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  const cases: [string, string[]][] = [
    ['ok.yml', []],
    ['warn.yml', []],
    ['sd-ok.yml', []],
    ['sd-bad.yml', []],
    ['am-warn.yml', []],
    ['cred.yml', []],
    ['bearer.yml', []],
    ['cert.yml', []],
    ['cert.yml', ['--syntax-only']],
    ['rule-missing.yml', []],
    ['rule-glob.yml', []],
    ['bad-yaml.yml', []],
    ['dup.yml', []],
    ['agent.yml', ['--agent']],
    ['agent.yml', []],
    // Each target must make a target under the job's relabeling (the first failure is reported).
    ['targets-static.yml', []],
    ['targets-static.yml', ['--syntax-only']],
    ['targets-timeout.yml', []],
    ['targets-noaddr.yml', []],
    ['targets-dropped.yml', []],
    ['targets-file.yml', []],
    ['targets-file.yml', ['--syntax-only']],
  ];

  it.each(cases)('%s %j', async (file, flags) => {
    const path = join(dir, file);
    const theirs = spawnSync(PROMTOOL, ['check', 'config', ...flags, path], { encoding: 'utf8' });
    const out: string[] = [];
    const err: string[] = [];
    const code = await main(['check', 'config', ...flags, path], {
      stdout: (t) => out.push(t),
      stderr: (t) => err.push(t),
    });
    expect(code).toBe(theirs.status);
    expect(out.join('')).toBe(theirs.stdout);
    if (sameMessage.has(file) && (flags.length === 0 || file.startsWith('targets-')))
      expect(err.join('')).toBe(theirs.stderr);
    else expect(err.join('').startsWith('  FAILED: ')).toBe(theirs.stderr.startsWith('  FAILED: '));
  });

  it('checks several files and fails when one fails', async () => {
    const args = ['check', 'config', ...['ok.yml', 'cred.yml', 'warn.yml'].map((f) => join(dir, f))];
    const theirs = spawnSync(PROMTOOL, args, { encoding: 'utf8' });
    const out: string[] = [];
    expect(await main(args, { stdout: (t) => out.push(t), stderr: () => {} })).toBe(theirs.status);
    expect(out.join('')).toBe(theirs.stdout);
  });

  it('refuses a file that does not exist before checking anything, as promtool does', async () => {
    const err: string[] = [];
    const code = await main(['check', 'config', join(dir, 'nope.yml')], {
      stdout: () => {},
      stderr: (t) => err.push(t),
    });
    const theirs = spawnSync(PROMTOOL, ['check', 'config', join(dir, 'nope.yml')], { encoding: 'utf8' });
    expect(code).toBe(theirs.status);
    expect(err.join('').replace('tspromtool', 'promtool')).toBe(theirs.stderr);
  });
});

describe('tspromtool check config: targets under relabeling, as Prometheus 3', () => {
  it('an address relabeled to a URL fails with Prometheus 3 wording (no default port added)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsprom-check-config-'));
    try {
      const path = join(dir, 'p.yml');
      writeFileSync(
        path,
        'scrape_configs:\n  - job_name: j\n    static_configs: [{targets: ["ok:1", "x:2"]}]\n    relabel_configs:\n      - {source_labels: [__address__], regex: "x:2", target_label: __address__, replacement: a/b}\n',
      );
      const err: string[] = [];
      const code = await main(['check', 'config', path], { stdout: () => {}, stderr: (t) => err.push(t) });
      expect(code).toBe(1);
      // promtool 2.42 says "a/b:80": Prometheus 3 adds no default port to target addresses.
      expect(err.join('')).toBe('  FAILED: instance 1 in group 0: "a/b" is not a valid hostname\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
