import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { configToYAML, scrapeConfigToYAML } from './to-yaml.js';

describe('scrapeConfigToYAML', () => {
  const cfg = loadConfig(
    'scrape_configs:\n  - job_name: secret\n    basic_auth:\n      username: u\n      password: hunter2\n' +
      '    relabel_configs:\n      - target_label: env\n        replacement: dev\n',
  );
  const yaml = scrapeConfigToYAML(cfg.scrapeConfigs[0]!);

  it('renders the scrape config as its entry in the whole config, secrets redacted', () => {
    expect(yaml).toContain('password: <secret>');
    expect(yaml).not.toContain('hunter2');
    const entry = configToYAML(cfg)
      .split('scrape_configs:\n- ')[1]!
      .split(/\n(?=\S)/)[0]!;
    const indented = yaml
      .trimEnd()
      .split('\n')
      .map((l, i) => (i === 0 ? l : `  ${l}`))
      .join('\n');
    expect(entry).toBe(indented);
  });

  it('loads back as the same scrape config', () => {
    const again = loadConfig(`scrape_configs:\n  - ${yaml.trimEnd().replace(/\n/g, '\n    ')}\n`);
    expect(again.scrapeConfigs[0]!.jobName).toBe('secret');
    expect(again.scrapeConfigs[0]!.relabelConfigs[0]!.targetLabel).toBe('env');
  });
});
