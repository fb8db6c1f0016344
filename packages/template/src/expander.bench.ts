// What rule evaluation pays per alert annotation: parse and execute a typical template (no query),
// and one that runs a query (answered at once, so the figure is the template's own cost).
import { bench, describe } from 'vitest';
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
const withQuery = `${DEFS}{{ range query "disk" | sortByLabel "device" }}{{ .Labels.device }}={{ .Value | humanize1024 }}B {{ end }}`;
const samples = Array.from({ length: 5 }, (_, i) => ({
  labels: { __name__: 'disk', device: `d${i}` },
  value: 1024 ** i,
}));
const queryFunc = async () => samples;

describe('Expander.expand', () => {
  bench('typical annotation (labels, humanizePercentage, printf)', async () => {
    await new Expander(simple, '__alert_DiskFull', data, { timestampMs: 0, options: ['missingkey=zero'] }).expand();
  });
  bench('range over a 5-sample query', async () => {
    await new Expander(withQuery, '__alert_DiskFull', data, { timestampMs: 0, queryFunc }).expand();
  });
});
