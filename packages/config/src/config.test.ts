import { Labels } from '@tsprom/labels';
import { DefaultProtoFirstScrapeProtocols } from '@tsprom/textparse';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { ConfigError, ConfigSyntaxError } from './errors.js';

const errorOf = (text: string): ConfigError => {
  try {
    loadConfig(text, { file: 'prometheus.yml' });
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
};

describe('loadConfig', () => {
  it('an empty file is the default configuration', () => {
    const c = loadConfig('');
    expect(c.global.scrapeIntervalMs).toBe(60_000);
    expect(c.global.scrapeTimeoutMs).toBe(10_000);
    expect(c.global.evaluationIntervalMs).toBe(60_000);
    expect(c.global.scrapeProtocols).toBeUndefined();
    expect(c.global.metricNameValidationScheme).toBe('utf8');
    expect(c.runtime.goGC).toBe(75);
    expect(c.scrapeConfigs).toEqual([]);
  });

  it('protoFirstScrapeProtocols makes PrometheusProto first the global default, unless the file sets one', () => {
    const proto = DefaultProtoFirstScrapeProtocols;
    const jobs = 'scrape_configs:\n  - job_name: a\n  - job_name: b\n    scrape_protocols: [PrometheusText0.0.4]\n';
    const c = loadConfig(jobs, { protoFirstScrapeProtocols: true });
    expect(c.global.scrapeProtocols).toEqual(proto);
    expect(proto[0]).toBe('PrometheusProto');
    expect(c.scrapeConfigs.map((x) => x.scrapeProtocols)).toEqual([proto, ['PrometheusText0.0.4']]);
    const own = loadConfig(`global:\n  scrape_protocols: [OpenMetricsText1.0.0]\n${jobs}`, {
      protoFirstScrapeProtocols: true,
    });
    expect(own.scrapeConfigs.map((x) => x.scrapeProtocols)).toEqual([
      ['OpenMetricsText1.0.0'],
      ['PrometheusText0.0.4'],
    ]);
    expect(loadConfig(jobs).scrapeConfigs[0]!.scrapeProtocols[0]).toBe('OpenMetricsText1.0.0');
  });

  it('an empty global block keeps the defaults', () => {
    const c = loadConfig('global:\n');
    expect(c.global.scrapeIntervalMs).toBe(60_000);
  });

  it('scrape configs inherit the global settings', () => {
    const c = loadConfig(`
global:
  scrape_interval: 15s
  sample_limit: 1000
  body_size_limit: 10MB
scrape_configs:
  - job_name: prometheus
    static_configs:
      - targets: ['localhost:9090']
        labels: { env: prod }
  - job_name: node
    scrape_interval: 5s
    scrape_timeout: 2s
    sample_limit: 7
    metrics_path: /m
    scheme: https
    params: { module: [a, b] }
`);
    const [a, b] = c.scrapeConfigs;
    expect(a!.scrapeIntervalMs).toBe(15_000);
    expect(a!.scrapeTimeoutMs).toBe(10_000);
    expect(a!.sampleLimit).toBe(1000);
    expect(a!.bodySizeLimitBytes).toBe(10 * 1024 * 1024);
    expect(a!.honorTimestamps).toBe(true);
    expect(a!.metricsPath).toBe('/metrics');
    expect(a!.scheme).toBe('http');
    expect(a!.scrapeProtocols).toEqual([
      'OpenMetricsText1.0.0',
      'OpenMetricsText0.0.1',
      'PrometheusText1.0.0',
      'PrometheusText0.0.4',
    ]);
    expect(a!.metricNameEscapingScheme).toBe('allow-utf-8');
    expect(a!.httpClientConfig.followRedirects).toBe(true);
    expect(a!.serviceDiscoveryConfigs).toEqual([
      { key: 'static_configs', config: { targets: ['localhost:9090'], labels: { env: 'prod' } }, baseDir: undefined },
    ]);
    expect(b!.scrapeIntervalMs).toBe(5000);
    expect(b!.scrapeTimeoutMs).toBe(2000);
    expect(b!.sampleLimit).toBe(7);
    expect(b!.params.get('module')).toEqual(['a', 'b']);
  });

  it('the timeout defaults to the interval when the interval is shorter than 10s', () => {
    const c = loadConfig('scrape_configs:\n  - job_name: a\n    scrape_interval: 5s\n');
    expect(c.scrapeConfigs[0]!.scrapeTimeoutMs).toBe(5000);
  });

  it('expands environment variables in external labels', () => {
    const text = ['global:', '  external_labels:', '    region: $' + '{REGION}', '    cost: $$5', ''].join('\n');
    const c = loadConfig(text, {
      env: (n) => (n === 'REGION' ? 'eu' : undefined),
    });
    expect(c.global.externalLabels.equals(Labels.fromStrings('region', 'eu', 'cost', '$5'))).toBe(true);
  });

  it.each([
    ['foo: 1\n', 1, 1, 'foo', 'field foo not found in type config.Config'],
    ['global:\n  scrape_intervall: 1m\n', 2, 3, 'global.scrape_intervall', 'field scrape_intervall not found'],
    ['global:\n  scrape_interval: 1x\n', 2, 20, 'global.scrape_interval', 'unknown unit "x" in duration "1x"'],
    [
      'global:\n  scrape_interval: 5s\n  scrape_timeout: 10s\n',
      3,
      19,
      'global.scrape_timeout',
      'global scrape timeout greater than scrape interval',
    ],
    [
      'scrape_configs:\n  - job_name: a\n    scrape_interval: 5s\n    scrape_timeout: 6s\n',
      4,
      21,
      'scrape_configs[0].scrape_timeout',
      'scrape timeout greater than scrape interval for scrape config with job name "a"',
    ],
    [
      'scrape_configs:\n  - job_name: a\n  - job_name: a\n',
      3,
      5,
      'scrape_configs[1]',
      'found multiple scrape configs with job name "a"',
    ],
    ['scrape_configs:\n  - scrape_interval: 1m\n', 2, 5, 'scrape_configs[0]', 'job_name is empty'],
    [
      'scrape_configs:\n  - job_name: a\n    sample_limit: -1\n',
      3,
      19,
      'scrape_configs[0].sample_limit',
      'cannot unmarshal !!int `-1` into uint',
    ],
    [
      'scrape_configs:\n  - job_name: a\n    honor_labels: maybe\n',
      3,
      19,
      'scrape_configs[0].honor_labels',
      'cannot unmarshal !!str `maybe` into bool',
    ],
    [
      'scrape_configs:\n  - job_name: a\n    body_size_limit: 10\n',
      3,
      22,
      'scrape_configs[0].body_size_limit',
      'units: unknown unit  in 10',
    ],
    [
      'scrape_configs:\n  - job_name: a\n    static_configs:\n      - targets: [http://x:1/]\n',
      4,
      19,
      'scrape_configs[0].static_configs[0].targets[0]',
      '"http://x:1/" is not a valid hostname',
    ],
    [
      'scrape_configs:\n  - job_name: a\n    relabel_configs:\n      - action: hashmod\n',
      4,
      9,
      'scrape_configs[0].relabel_configs[0]',
      'relabel configuration for hashmod requires non-zero modulus',
    ],
    [
      'scrape_configs:\n  - job_name: a\n    basic_auth: { password: x, password_file: y }\n',
      2,
      5,
      'scrape_configs[0]',
      'at most one of basic_auth password & password_file must be configured',
    ],
    [
      'scrape_configs:\n  - job_name: a\n    scrape_protocols: [PrometheusText0.0.4, Foo]\n',
      3,
      23,
      'scrape_configs[0].scrape_protocols',
      'unknown scrape protocol Foo',
    ],
    [
      'scrape_configs:\n  - job_name: a\n    foo_sd_configs: []\n',
      3,
      5,
      'scrape_configs[0].foo_sd_configs',
      'field foo_sd_configs not found',
    ],
  ])('rejects %j at %d:%d (%s)', (text, line, column, path, reason) => {
    const err = errorOf(text);
    expect(err.reason).toContain(reason);
    expect(err.path).toBe(path);
    expect([err.line, err.column]).toEqual([line, column]);
    expect(err.message).toBe(`prometheus.yml:${line}:${column}: ${path === '' ? '' : `${path}: `}${err.reason}`);
  });

  it('malformed YAML is a ConfigSyntaxError with its position', () => {
    const err = errorOf('global:\n  a: 1\n a: [\n');
    expect(err).toBeInstanceOf(ConfigSyntaxError);
    expect(err.line).toBeGreaterThan(0);
  });

  it('duplicate keys are rejected', () => {
    const err = errorOf('global:\n  scrape_interval: 1m\n  scrape_interval: 2m\n');
    expect(err).toBeInstanceOf(ConfigSyntaxError);
    expect(err.reason).toContain('Map keys must be unique');
    expect(err.line).toBe(3);
  });
});
