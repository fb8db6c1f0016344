import { describe, expect, it } from 'vitest';
import { isValidLabelName, isValidLegacyLabelName, isValidLegacyMetricName, isValidMetricName } from './validation.js';

describe('name validation', () => {
  // data_model.md: metric names SHOULD match [a-zA-Z_:][a-zA-Z0-9_:]*, label names
  // [a-zA-Z_][a-zA-Z0-9_]*; both MAY use any UTF-8 characters (Prometheus 3).
  it.each([
    ['up', true, true, true, true],
    ['job:rate5m', true, false, true, true],
    ['_x9', true, true, true, true],
    ['9x', false, false, true, true],
    ['my.metric', false, false, true, true],
    ['ünïcode', false, false, true, true],
    ['with space', false, false, true, true],
    ['', false, false, false, false],
    ['\ud800', false, false, false, false],
  ])('%j', (name, legacyMetric, legacyLabel, utf8Metric, utf8Label) => {
    expect(isValidLegacyMetricName(name)).toBe(legacyMetric);
    expect(isValidMetricName(name, 'legacy')).toBe(legacyMetric);
    expect(isValidLegacyLabelName(name)).toBe(legacyLabel);
    expect(isValidLabelName(name, 'legacy')).toBe(legacyLabel);
    expect(isValidMetricName(name)).toBe(utf8Metric);
    expect(isValidLabelName(name, 'utf8')).toBe(utf8Label);
  });
});
