import { describe, expect, it } from 'vitest';
import { type APIAnswer, answerDiff, floatsEqual } from './compare-results.js';

const vector = (result: unknown[]): APIAnswer => ({ status: 'success', data: { resultType: 'vector', result } });
const err: APIAnswer = { status: 'error', errorType: 'bad_data', error: 'parse error' };

describe('answerDiff', () => {
  it('takes floats within a relative 1e-6 as equal, NaN as NaN, and infinities exactly', () => {
    expect(floatsEqual('1000000', '1000000.5')).toBe(true);
    expect(floatsEqual('1', '1.00001')).toBe(false);
    expect(floatsEqual('NaN', 'NaN')).toBe(true);
    expect(floatsEqual('NaN', '0')).toBe(false);
    expect(floatsEqual('+Inf', '+Inf')).toBe(true);
    expect(floatsEqual('+Inf', '-Inf')).toBe(false);
    expect(floatsEqual('0', '1e-15')).toBe(true);
  });

  it('sorts series by labels before comparing', () => {
    const a = vector([
      { metric: { job: 'b' }, value: [10, '2'] },
      { metric: { job: 'a' }, value: [10, '1'] },
    ]);
    const b = vector([
      { metric: { job: 'a' }, value: [10, '1'] },
      { metric: { job: 'b' }, value: [10, '2'] },
    ]);
    expect(answerDiff(a, b)).toBeUndefined();
  });

  it('names the first difference: a value, a label set, a series count, one side erroring', () => {
    const b = vector([{ metric: { job: 'a' }, value: [10, '1'] }]);
    expect(answerDiff(vector([{ metric: { job: 'a' }, value: [10, '1.1'] }]), b)).toMatch(/1\.1 vs 1/);
    expect(answerDiff(vector([{ metric: { job: 'c' }, value: [10, '1'] }]), b)).toMatch(/job="c"/);
    expect(answerDiff(vector([]), b)).toMatch(/0 vs 1 series/);
    expect(answerDiff(err, b)).toMatch(/only tsprom errored/);
    expect(answerDiff(err, err)).toBeUndefined();
  });

  it('compares native histograms bucket by bucket', () => {
    const h = (count: string) => ({
      status: 'success',
      data: {
        resultType: 'matrix',
        result: [{ metric: {}, histograms: [[10, { count, sum: '3', buckets: [[0, '0.5', '1', count]] }]] }],
      },
    });
    expect(answerDiff(h('4'), h('4'))).toBeUndefined();
    expect(answerDiff(h('4'), h('5'))).toMatch(/histogram count 4 vs 5/);
  });
});
