import { Labels } from '@tsprom/labels';
import { expect, it } from 'vitest';
import { loadRelabelConfigs, relabel } from './index.js';

it('runs the README example', () => {
  const configs = loadRelabelConfigs([
    { source_labels: ['__address__'], regex: '(.*):9100', target_label: 'host', replacement: '$1' },
    { source_labels: ['__address__'], target_label: 'shard', action: 'hashmod', modulus: 4 },
    { regex: '__meta_(.+)', action: 'labelmap' },
    { source_labels: ['env'], regex: 'dev', action: 'drop' },
  ]);
  const out = relabel(Labels.fromStrings('__address__', 'db1:9100', '__meta_zone', 'eu'), configs);
  expect(out?.toString()).toBe('{__address__="db1:9100", __meta_zone="eu", host="db1", shard="3", zone="eu"}');
  expect(relabel(Labels.fromStrings('env', 'dev'), configs)).toBeNull();
});
