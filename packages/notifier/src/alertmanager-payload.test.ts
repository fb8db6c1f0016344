import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Labels } from '@tsprom/labels';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Alert } from './alert.js';
import { encodeAlerts, formatDateTime, goJSONString } from './alertmanager-payload.js';

const OPENAPI = fileURLToPath(
  new URL('../../../../shared/reference/proto/alertmanager_api_v2_openapi.yaml', import.meta.url),
);

describe('encodeAlerts', () => {
  const full = new Alert({
    labels: Labels.fromStrings('alertname', 'HighLatency', 'job', 'api', 'severity', 'page'),
    annotations: Labels.fromStrings('summary', 'p99 > 1s <now>', 'description', 'a & b'),
    startsAt: Date.UTC(2026, 11, 7, 4, 40, 13, 5),
    endsAt: Date.UTC(2026, 11, 7, 4, 44, 13, 5) + 0.9,
    generatorURL: 'http://prom:9090/graph?g0.expr=up&g0.tab=1',
  });

  it('writes the fields in go-swagger’s order, as Prometheus’s json.Marshal does', () => {
    expect(encodeAlerts([full])).toBe(
      '[{"annotations":{"description":"a \\u0026 b","summary":"p99 \\u003e 1s \\u003cnow\\u003e"},' +
        '"endsAt":"2026-12-07T04:44:13.005Z","startsAt":"2026-12-07T04:40:13.005Z",' +
        '"generatorURL":"http://prom:9090/graph?g0.expr=up\\u0026g0.tab=1",' +
        '"labels":{"alertname":"HighLatency","job":"api","severity":"page"}}]',
    );
  });

  it('omits empty annotations and generatorURL, writes zero times as Go does', () => {
    const bare = new Alert({ labels: Labels.EMPTY, annotations: Labels.EMPTY });
    expect(encodeAlerts([bare, bare])).toBe(
      '[{"endsAt":"0001-01-01T00:00:00.000Z","startsAt":"0001-01-01T00:00:00.000Z","labels":{}},' +
        '{"endsAt":"0001-01-01T00:00:00.000Z","startsAt":"0001-01-01T00:00:00.000Z","labels":{}}]',
    );
    expect(encodeAlerts([])).toBe('[]');
  });

  it('keeps annotations with empty values, sorted by name in byte order', () => {
    const a = new Alert({
      labels: Labels.fromStrings('alertname', 'A'),
      annotations: { z: 'last', empty: '', '\uff01': 'bmp', '😀': 'astral' },
    });
    expect(encodeAlerts([a])).toBe(
      '[{"annotations":{"empty":"","z":"last","！":"bmp","😀":"astral"},' +
        '"endsAt":"0001-01-01T00:00:00.000Z","startsAt":"0001-01-01T00:00:00.000Z","labels":{"alertname":"A"}}]',
    );
  });

  it('uses only the postableAlert fields of the Alertmanager v2 OpenAPI schema', () => {
    const spec = parse(readFileSync(OPENAPI, 'utf8')) as {
      definitions: Record<
        string,
        { allOf?: { properties?: object; $ref?: string }[]; properties?: object; required?: string[] }
      >;
    };
    const postable = spec.definitions.postableAlert!;
    const alertDef = spec.definitions.alert!;
    const allowed = new Set([...Object.keys(postable.allOf![0]!.properties!), ...Object.keys(alertDef.properties!)]);
    expect(postable.allOf![1]!.$ref).toBe('#/definitions/alert');
    expect(spec.definitions.postableAlerts).toEqual({ type: 'array', items: { $ref: '#/definitions/postableAlert' } });
    const [obj] = JSON.parse(encodeAlerts([full])) as Record<string, unknown>[];
    expect(new Set(Object.keys(obj!))).toEqual(allowed);
    for (const req of alertDef.required!) expect(obj).toHaveProperty(req);
    for (const set of ['labels', 'annotations']) {
      for (const v of Object.values(obj![set] as object)) expect(typeof v).toBe('string');
    }
    // format: date-time
    expect(obj!.startsAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });
});

describe('formatDateTime', () => {
  it.each([
    [0, '1970-01-01T00:00:00.000Z'],
    [-1, '1969-12-31T23:59:59.999Z'],
    [1.9, '1970-01-01T00:00:00.001Z'],
    [Date.UTC(2024, 1, 29, 23, 59, 59, 999), '2024-02-29T23:59:59.999Z'],
    [-62135596800000, '0001-01-01T00:00:00.000Z'],
  ])('%s ms → %s', (ms, s) => {
    expect(formatDateTime(ms)).toBe(s);
  });

  it('refuses years RFC 3339 cannot write', () => {
    expect(() => formatDateTime(Date.UTC(10000, 0, 1))).toThrow(RangeError);
  });
});

describe('goJSONString', () => {
  it.each([
    ['plain', '"plain"'],
    ['q"b\\', '"q\\"b\\\\"'],
    ['\b\f\n\r\t\u0001\u001f', '"\\b\\f\\n\\r\\t\\u0001\\u001f"'],
    ['<a&b>', '"\\u003ca\\u0026b\\u003e"'],
    ['\u2028\u2029\u007f', '"\\u2028\\u2029\u007f"'],
    ['é😀', '"é😀"'],
    ['x\ud800y', '"x\ufffdy"'],
  ])('%j', (s, json) => {
    expect(goJSONString(s)).toBe(json);
  });

  it('round-trips any well-formed string through JSON.parse', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        expect(JSON.parse(goJSONString(s))).toBe(s);
        expect(goJSONString(s)).not.toMatch(/[<>&\u2028\u2029\u0000-\u001f]/);
      }),
    );
  });
});
