import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DiscoveryLogger } from '@tsprom/discovery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostsFileError, parseHostsFile } from './hosts-file.js';
import { HostsSDConfig, hostsSD } from './hosts-sd.js';
import { mechanisms } from './index.js';

const quiet = (): DiscoveryLogger & { errors: string[] } => {
  const errors: string[] = [];
  return {
    errors,
    error: (m, f) => errors.push(`${m}: ${String(f?.err)}`),
    warn: () => {},
    info: () => {},
    debug: () => {},
  };
};

describe('hosts_sd_configs', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tsprom-sd-hosts-'));
  });
  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('exports its mechanism as tsprom expects', () => {
    expect(mechanisms.map((m) => [m.key, m.name])).toEqual([['hosts_sd_configs', 'hosts']]);
  });

  it('parses an entry, the file relative to the configuration directory, defaults filled', () => {
    const c = hostsSD.parse({ file: 'hosts', port: 9100 }, { baseDir: '/etc/tsprom' }) as HostsSDConfig;
    expect(c).toBeInstanceOf(HostsSDConfig);
    expect(c.toYAML()).toEqual({ file: '/etc/tsprom/hosts', port: 9100, refresh_interval: '30s' });
  });

  it.each([
    [[], 'hosts_sd_configs entry must be a mapping'],
    [{ port: 1 }, 'file is required'],
    [{ file: 'h' }, 'port must be an integer from 1 to 65535, got null'],
    [{ file: 'h', port: 70000 }, 'port must be an integer from 1 to 65535, got 70000'],
    [{ file: 'h', port: 1, refresh_interval: 'soon' }, 'refresh_interval: not a valid duration: "soon"'],
    [{ file: 'h', port: 1, other: true }, 'field other not found in hosts_sd_configs'],
  ])('refuses %j: %s', (raw, msg) => {
    expect(() => hostsSD.parse(raw, { baseDir: undefined })).toThrow(msg);
  });

  it('reads hosts lines: comments, aliases, IPv6; a bad line names the file and line', () => {
    const text = '# comment\n127.0.0.1 localhost loopback # trailing\n\n::1 ip6-localhost\n';
    expect(parseHostsFile('f', text)).toEqual([
      { address: '127.0.0.1', names: ['localhost', 'loopback'], line: 2 },
      { address: '::1', names: ['ip6-localhost'], line: 4 },
    ]);
    expect(() => parseHostsFile('f', '10.0.0.1 a\nhost b\n')).toThrow(
      new HostsFileError('f', 2, '"host" is not an IP address'),
    );
    expect(() => parseHostsFile('f', '10.0.0.1\n')).toThrow('f:1: no host name after 10.0.0.1');
  });

  it('gives one target per line with its meta labels, follows changes, keeps the last groups on a bad file', async () => {
    const file = join(dir, 'hosts');
    writeFileSync(file, '10.0.0.1 web-1 web\n10.0.0.2 web-2\n');
    const logger = quiet();
    const config = hostsSD.parse({ file, port: 9100, refresh_interval: '10ms' }, { baseDir: undefined });
    const ac = new AbortController();
    const it = config.newDiscoverer({ logger }).run(ac.signal)[Symbol.asyncIterator]();
    const next = async () => (await it.next()).value![0]!;
    const first = await next();
    expect(first.source).toBe(file);
    expect({ ...first.labels }).toEqual({ __meta_hosts_file: file });
    expect(first.targets).toEqual([
      {
        __address__: '10.0.0.1:9100',
        __meta_hosts_hostname: 'web-1',
        __meta_hosts_aliases: 'web',
        __meta_hosts_line: '1',
      },
      {
        __address__: '10.0.0.2:9100',
        __meta_hosts_hostname: 'web-2',
        __meta_hosts_aliases: '',
        __meta_hosts_line: '2',
      },
    ]);
    writeFileSync(file, '10.0.0.3 web-3\n');
    let g = await next();
    while (g.targets.length !== 1) g = await next();
    expect(g.targets[0]!.__address__).toBe('10.0.0.3:9100');
    writeFileSync(file, 'not-an-ip web-4\n');
    // Pulled: the discoverer reads again only once asked for the next update, which the bad file never gives.
    const pending = next();
    while (logger.errors.length === 0) await new Promise((r) => setTimeout(r, 5));
    expect(logger.errors[0]).toBe(`Unable to refresh target groups: ${file}:1: "not-an-ip" is not an IP address`);
    writeFileSync(file, '');
    expect((await pending).targets).toEqual([]);
    ac.abort();
    await it.return?.();
  });
});
