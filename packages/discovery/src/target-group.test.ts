import { describe, expect, it } from 'vitest';
import { parseLabelSet, parseTargetGroup, TargetGroupError } from './target-group.js';

describe('parseTargetGroup', () => {
  it('makes each target an __address__ label set', () => {
    const g = parseTargetGroup({ targets: ['a:1', 'b:2'], labels: { env: 'prod', 'service.name': 'x' } }, '3');
    expect(g.targets.map((t) => ({ ...t }))).toEqual([{ __address__: 'a:1' }, { __address__: 'b:2' }]);
    expect({ ...g.labels }).toEqual({ env: 'prod', 'service.name': 'x' });
    expect(g.source).toBe('3');
  });

  it('accepts a group with neither targets nor labels', () => {
    const g = parseTargetGroup({}, '0');
    expect(g.targets).toEqual([]);
    expect({ ...g.labels }).toEqual({});
  });

  it('keeps __proto__ as an ordinary label name', () => {
    const labels = parseLabelSet(JSON.parse('{"__proto__": "x"}'));
    expect(Object.keys(labels)).toEqual(['__proto__']);
    expect(labels.__proto__).toBe('x');
  });

  it.each([
    [[], 'target group must be a mapping'],
    [{ targets: 'a:1' }, 'targets must be a list of strings'],
    [{ targets: [1] }, 'target must be a string, got 1'],
    [{ targets: ['a'], port: 1 }, 'field port not found in type targetgroup.Group'],
    [{ labels: { '': 'x' } }, '"" is not a valid label name'],
    [{ labels: { a: 1 } }, 'label "a" must have a string value, got 1'],
    [{ labels: { a: '\ud800' } }, 'is not a valid label value'],
  ])('rejects %j', (obj, msg) => {
    expect(() => parseTargetGroup(obj, '0')).toThrow(TargetGroupError);
    expect(() => parseTargetGroup(obj, '0')).toThrow(msg);
  });
});
