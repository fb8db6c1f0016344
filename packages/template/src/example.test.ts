import { expect, it } from 'vitest';
import { alertTemplateData, Expander } from './index.js';

it('runs the README example', async () => {
  const data = alertTemplateData({ instance: 'db1:9100', job: 'node' }, { env: 'prod' }, 'http://prom', 0.1234);
  const text =
    '{{ $labels := .Labels }}{{ $value := .Value }}' +
    '{{ $labels.instance | reReplaceAll ":.*" "" | toUpper }} is at {{ humanizePercentage $value }}';
  expect(await new Expander(text, '__alert_DiskFull', data, { timestampMs: Date.now() }).expand()).toBe(
    'DB1 is at 12.34%',
  );
});
