import { describe, expect, it } from 'vitest';
import { FlagError, helpText, modeFlagError, parseFlags } from './flags.js';
import { readSettings, SettingsError } from './server-options.js';

describe('flags', () => {
  it('reads Prometheus flag forms and defaults', () => {
    const f = parseFlags([
      '--',
      '--config.file',
      'x.yml',
      '--storage.tsdb.path=/d',
      '--web.enable-lifecycle',
      '--no-storage.tsdb.no-lockfile',
      '--enable-feature=exemplar-storage,promql-per-step-stats',
      '--enable-feature=bogus',
    ]);
    expect(f.get('config.file')).toBe('x.yml');
    expect(f.get('storage.tsdb.path')).toBe('/d');
    expect(f.get('web.enable-lifecycle')).toBe('true');
    expect(f.get('storage.tsdb.no-lockfile')).toBe('false');
    expect(f.get('query.timeout')).toBe('2m');
    expect(f.given('config.file')).toBe(true);
    expect(f.given('query.timeout')).toBe(false);
    expect(f.all()['enable-feature']).toBe('exemplar-storage,promql-per-step-stats,bogus');
    const { settings, warnings } = readSettings(f);
    expect([...settings.features]).toEqual(['exemplar-storage', 'promql-per-step-stats']);
    expect(warnings).toEqual(['Unknown option for --enable-feature: bogus']);
    expect(settings.queryTimeoutMs).toBe(120_000);
    expect([settings.listenHost, settings.listenPort]).toEqual(['0.0.0.0', 9090]);
  });

  it.each([
    [['--nope'], "unknown long flag '--nope'"],
    [['--config.file'], "expected argument for flag '--config.file'"],
    [['-x'], "unknown short flag '-x'"],
    [['--web.enable-lifecycle=maybe'], 'invalid value "maybe" for flag \'--web.enable-lifecycle\''],
  ])('refuses %j as kingpin does', (argv, msg) => {
    expect(() => parseFlags(argv)).toThrow(new FlagError(msg));
  });

  it.each([
    [['--query.timeout=soon'], 'invalid value "soon" for flag --query.timeout'],
    [['--web.listen-address=9090'], 'address 9090: missing port in address'],
    [['--query.max-concurrency=0'], '--query.max-concurrency must be at least 1'],
  ])('refuses settings %j', (argv, msg) => {
    expect(() => readSettings(parseFlags(argv))).toThrow(SettingsError);
    expect(() => readSettings(parseFlags(argv))).toThrow(msg);
  });

  it('prints help with every flag', () => {
    const h = helpText('tsprom');
    expect(h.startsWith('usage: tsprom [<flags>]\n\nThe Prometheus monitoring server\n\nFlags:\n')).toBe(true);
    for (const name of ['config.file="prometheus.yml"', '[no-]web.enable-lifecycle', 'query.max-samples="50000000"']) {
      expect(h).toContain(name);
    }
  });

  it('refuses flags of the other mode as Prometheus does (agent or server only)', () => {
    expect(modeFlagError(parseFlags(['--agent', '--storage.agent.path=d']))).toBeUndefined();
    expect(modeFlagError(parseFlags(['--storage.tsdb.path=d']))).toBeUndefined();
    expect(modeFlagError(parseFlags(['--agent', '--storage.tsdb.path=d', '--query.timeout=1m']))).toBe(
      'The following flag(s) can not be used in agent mode: ["--storage.tsdb.path" "--query.timeout"]',
    );
    expect(modeFlagError(parseFlags(['--storage.agent.path=d']))).toBe(
      'The following flag(s) can only be used in agent mode: ["--storage.agent.path"]',
    );
  });

  it('reads the agent settings with their defaults; hidden flags stay out of --help', () => {
    const { settings } = readSettings(
      parseFlags(['--agent', '--storage.agent.wal-truncate-frequency=30m', '--storage.agent.wal-segment-size=1MB']),
    );
    expect(settings.agentMode).toBe(true);
    expect(settings.agent).toEqual({
      dataDir: 'data-agent/',
      walCompression: true,
      walSegmentSizeBytes: 1024 * 1024,
      truncateFrequencyMs: 30 * 60_000,
      minWALTimeMs: 5 * 60_000,
      maxWALTimeMs: 4 * 3600_000,
      noLockfile: false,
    });
    expect(settings.remoteFlushDeadlineMs).toBe(60_000);
    const help = helpText('tsprom');
    expect(help).toContain('--storage.agent.path="data-agent/"');
    expect(help).toContain('--[no-]agent');
    expect(help).not.toContain('wal-truncate-frequency');
  });
});
