import { Labels } from '@tsprom/labels';
import { describe, expect, it } from 'vitest';
import type { Alert } from './alert.js';
import { queryEscape, sendAlerts, tableLinkForExpression } from './send-alerts.js';

describe('queryEscape', () => {
  // Go: url.QueryEscape.
  it.each([
    ['up', 'up'],
    ['a b', 'a+b'],
    ['rate(x[5m]) > 0', 'rate%28x%5B5m%5D%29+%3E+0'],
    ['{job="a",path=~"/x|/y"}', '%7Bjob%3D%22a%22%2Cpath%3D~%22%2Fx%7C%2Fy%22%7D'],
    ["-_.~!*'()+&", '-_.~%21%2A%27%28%29%2B%26'],
    ['é😀', '%C3%A9%F0%9F%98%80'],
    ['\ud800', '%EF%BF%BD'],
  ])('%j → %s', (s, escaped) => {
    expect(queryEscape(s)).toBe(escaped);
  });

  it('builds the table link', () => {
    expect(tableLinkForExpression('up == 0')).toBe('/graph?g0.expr=up+%3D%3D+0&g0.tab=1');
  });
});

describe('sendAlerts', () => {
  const base = { labels: Labels.fromStrings('alertname', 'A'), annotations: Labels.EMPTY, firedAt: 1000 };

  it('ends an alert at its resolution, else at its validity, and links to the expression', () => {
    const sent: Alert[][] = [];
    const notify = sendAlerts((...as) => sent.push(as), 'http://prom:9090');
    notify('up == 0', [
      { ...base, resolvedAt: undefined, validUntil: 5000 },
      { ...base, resolvedAt: 3000, validUntil: 5000 },
    ]);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.map((a) => [a.startsAt, a.endsAt, a.generatorURL])).toEqual([
      [1000, 5000, 'http://prom:9090/graph?g0.expr=up+%3D%3D+0&g0.tab=1'],
      [1000, 3000, 'http://prom:9090/graph?g0.expr=up+%3D%3D+0&g0.tab=1'],
    ]);
    expect(sent[0]![1]!.resolved(3000)).toBe(true);
    expect(sent[0]![0]!.resolved(3000)).toBe(false);
  });

  it('sends nothing for no alerts', () => {
    let calls = 0;
    sendAlerts(() => calls++, '')('up', []);
    expect(calls).toBe(0);
  });
});
