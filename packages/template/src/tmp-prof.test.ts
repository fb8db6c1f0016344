import { it } from 'vitest';
import { alertTemplateData, Expander } from './index.js';
const DEFS =
  '{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}';
const data = alertTemplateData(
  { instance: 'db1.example.com:9100', job: 'node', device: 'sda' },
  { env: 'prod' },
  '',
  0.912,
);
const simple = `${DEFS}Disk {{ $labels.device }} on {{ $labels.instance }} is {{ humanizePercentage $value }} full ({{ printf "%.2f" $value }}).`;
it('prof', async () => {
  for (let round = 0; round < 3; round++) {
    const t0 = performance.now();
    for (let i = 0; i < 2000; i++) await new Expander(simple, 'x', data, { timestampMs: 0 }).expand();
    console.log('per expand us', ((performance.now() - t0) / 2000) * 1000);
  }
});
