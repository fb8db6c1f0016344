import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DiscoveryLogger } from './discoverer.js';
import { FileDiscoverer, readTargetGroupFile } from './file-discovery.js';
import { fileSD } from './file-sd-config.js';
import type { FileSDConfig } from './file-sd-config.js';
import type { TargetGroup } from './target-group.js';

const logger = (): DiscoveryLogger & { errors: { msg: string; fields: unknown }[] } => {
  const errors: { msg: string; fields: unknown }[] = [];
  return {
    errors,
    error: (msg, fields) => errors.push({ msg, fields }),
    warn: () => {},
    info: () => {},
    debug: () => {},
  };
};

const view = (gs: readonly TargetGroup[]) =>
  gs.map((g) => ({ source: g.source, targets: g.targets.map((t) => ({ ...t })), labels: { ...g.labels } }));

describe('file_sd', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsprom-file-sd-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const config = (files: string[], refresh_interval?: string) =>
    fileSD.parse({ files, ...(refresh_interval ? { refresh_interval } : {}) }, { baseDir: dir }) as FileSDConfig;

  it('parses its config as Prometheus: default refresh 5m, paths joined to the config directory', () => {
    const c = config(['targets/*.json', '/abs/x.yml']);
    expect(c.files).toEqual([`${dir}/targets/*.json`, '/abs/x.yml']);
    expect(c.refreshIntervalMs).toBe(300_000);
    expect(c.toYAML()).toEqual({ files: [`${dir}/targets/*.json`, '/abs/x.yml'], refresh_interval: '5m' });
    expect(() => fileSD.parse({ files: [] }, { baseDir: undefined })).toThrow(
      'file service discovery config must contain at least one path name',
    );
    expect(() => fileSD.parse({ files: ['a/*/b.json'] }, { baseDir: undefined })).toThrow(
      'path name "a/*/b.json" is not valid for file discovery',
    );
    expect(() => fileSD.parse({ files: ['a.txt'] }, { baseDir: undefined })).toThrow('is not valid for file discovery');
    expect(() => fileSD.parse({ files: ['a.json'], foo: 1 }, { baseDir: undefined })).toThrow('field foo not found');
  });

  it('reads JSON and YAML files, with __meta_filepath and sources file:index', async () => {
    writeFileSync(
      join(dir, 'a.json'),
      JSON.stringify([{ targets: ['a:1'], labels: { env: 'x' } }, { targets: ['b:1'] }]),
    );
    writeFileSync(join(dir, 'b.yml'), '- targets: [c:1]\n  labels:\n    port: 80\n    on: yes\n');
    const d = new FileDiscoverer(config(['*.json', '*.yml']), { logger: logger() });
    expect(view(await d.refresh())).toEqual([
      {
        source: `${dir}/a.json:0`,
        targets: [{ __address__: 'a:1' }],
        labels: { env: 'x', __meta_filepath: `${dir}/a.json` },
      },
      { source: `${dir}/a.json:1`, targets: [{ __address__: 'b:1' }], labels: { __meta_filepath: `${dir}/a.json` } },
      {
        source: `${dir}/b.yml:0`,
        targets: [{ __address__: 'c:1' }],
        labels: { port: '80', on: 'yes', __meta_filepath: `${dir}/b.yml` },
      },
    ]);
  });

  it('keeps the last good groups of a malformed file and logs the error', async () => {
    const file = join(dir, 'a.json');
    writeFileSync(file, JSON.stringify([{ targets: ['a:1'] }]));
    const log = logger();
    const d = new FileDiscoverer(config(['a.json']), { logger: log });
    expect((await d.refresh()).length).toBe(1);
    writeFileSync(file, '[{"targets": ["a:1"], ');
    expect(await d.refresh()).toEqual([]); // Nothing changes: the manager keeps what it had.
    expect(log.errors.map((e) => e.msg)).toEqual(['Error reading file']);
    expect(d.stats.readErrors).toBe(1);
    writeFileSync(file, JSON.stringify([{ targets: ['a:2'] }]));
    expect(view(await d.refresh())[0]!.targets).toEqual([{ __address__: 'a:2' }]);
  });

  it.each([
    ['bad.json', '[{"targets": ["a"], "port": 1}]', 'field port not found'],
    ['bad.json', '{"targets": []}', 'cannot unmarshal'],
    ['bad.json', '[null]', 'nil target group item found'],
    ['bad.json', '[{"targets": ["a"], "labels": {"x": 1}}]', 'must have a string value'],
    ['bad.yml', '- targets: [a]\n  targets: [b]\n', 'yaml:'],
  ])('rejects %s holding %j', async (name, text, msg) => {
    writeFileSync(join(dir, name), text);
    await expect(readTargetGroupFile(join(dir, name))).rejects.toThrow(msg);
  });

  it('sends empty groups for the sources of a file that went away or shrank', async () => {
    writeFileSync(join(dir, 'a.json'), JSON.stringify([{ targets: ['a:1'] }, { targets: ['a:2'] }]));
    writeFileSync(join(dir, 'b.json'), JSON.stringify([{ targets: ['b:1'] }]));
    const d = new FileDiscoverer(config(['*.json']), { logger: logger() });
    expect((await d.refresh()).length).toBe(3);
    writeFileSync(join(dir, 'a.json'), JSON.stringify([{ targets: ['a:1'] }]));
    rmSync(join(dir, 'b.json'));
    expect(view(await d.refresh())).toEqual([
      { source: `${dir}/a.json:0`, targets: [{ __address__: 'a:1' }], labels: { __meta_filepath: `${dir}/a.json` } },
      { source: `${dir}/a.json:1`, targets: [], labels: {} },
      { source: `${dir}/b.json:0`, targets: [], labels: {} },
    ]);
  });

  it('re-reads when a file in a watched directory changes, and stops on abort', async () => {
    mkdirSync(join(dir, 'sd'));
    writeFileSync(join(dir, 'sd', 'a.json'), JSON.stringify([{ targets: ['a:1'] }]));
    // A long refresh interval: the second update can only come from the watch.
    const d = new FileDiscoverer(config(['sd/*.json'], '1h'), { logger: logger() });
    const ac = new AbortController();
    const it = d.run(ac.signal)[Symbol.asyncIterator]();
    const first = await it.next();
    expect(view(first.value as TargetGroup[])[0]!.targets).toEqual([{ __address__: 'a:1' }]);
    // Written aside then renamed into place, as tools do for atomic updates.
    writeFileSync(join(dir, 'b.tmp'), JSON.stringify([{ targets: ['b:1'] }]));
    renameSync(join(dir, 'b.tmp'), join(dir, 'sd', 'b.json'));
    const second = await it.next();
    expect(view(second.value as TargetGroup[]).map((g) => g.targets)).toEqual([
      [{ __address__: 'a:1' }],
      [{ __address__: 'b:1' }],
    ]);
    ac.abort();
    expect((await it.next()).done).toBe(true);
  });

  it('re-reads every refresh interval without any change notification', async () => {
    writeFileSync(join(dir, 'a.json'), JSON.stringify([{ targets: ['a:1'] }]));
    const d = new FileDiscoverer(config(['a.json'], '50ms'), { logger: logger() });
    const ac = new AbortController();
    const it = d.run(ac.signal)[Symbol.asyncIterator]();
    await it.next();
    await it.next(); // Another read, triggered by the interval alone.
    expect(d.stats.scans).toBeGreaterThanOrEqual(2);
    ac.abort();
    expect((await it.next()).done).toBe(true);
  });
});
