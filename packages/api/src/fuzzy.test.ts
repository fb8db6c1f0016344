import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jaroWinklerScore, subsequenceScore } from './fuzzy.js';

describe('subsequenceScore', () => {
  it.each([
    ['http_requests_total', 'http_requests_total', 1],
    ['', 'anything', 1],
    ['xyz', 'http_requests_total', 0],
    ['total_http', 'http_requests_total', 0], // Out of order.
    ['longer than the candidate', 'short', 0],
  ])('%j in %j is %d', (s, c, want) => {
    expect(subsequenceScore(s, c)).toBe(want);
  });

  it('ranks a prefix over a substring over a scattered match', () => {
    const prefix = subsequenceScore('http', 'http_requests_total');
    const inner = subsequenceScore('requ', 'http_requests_total');
    const scattered = subsequenceScore('hrt', 'http_requests_total');
    expect(prefix).toBeGreaterThan(inner);
    expect(inner).toBeGreaterThan(scattered);
    expect(scattered).toBeGreaterThan(0);
  });

  it('is in [0, 1], and positive exactly for subsequences', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 6 }), fc.string({ maxLength: 10 }), (s, c) => {
        const score = subsequenceScore(s, c);
        expect(score).toBeGreaterThanOrEqual(0);
        expect(score).toBeLessThanOrEqual(1);
        let j = 0;
        for (let i = 0; i < c.length && j < s.length; i++) if (c[i] === s[j]) j++;
        expect(score > 0).toBe(j === s.length);
      }),
    );
  });
});

describe('jaroWinklerScore', () => {
  it.each([
    // Reference values of the Jaro-Winkler literature.
    ['MARTHA', 'MARHTA', 0.961],
    ['DWAYNE', 'DUANE', 0.84],
    ['DIXON', 'DICKSONX', 0.813],
  ])('%s ~ %s is %d', (a, b, want) => {
    expect(jaroWinklerScore(a, b)).toBeCloseTo(want, 3);
  });

  it('is 1 for equal strings and 0 for nothing in common', () => {
    expect(jaroWinklerScore('up', 'up')).toBe(1);
    expect(jaroWinklerScore('abc', 'xyz')).toBe(0);
  });

  it('is in [0, 1] and symmetric', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ minLength: 1, maxLength: 8 }), (a, b) => {
        const s = jaroWinklerScore(a, b);
        expect(s).toBeGreaterThanOrEqual(0);
        expect(s).toBeLessThanOrEqual(1 + 1e-12);
        expect(s).toBeCloseTo(jaroWinklerScore(b, a), 12);
      }),
    );
  });
});
