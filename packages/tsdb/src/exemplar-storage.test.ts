import { Labels, Matcher, MatchType } from '@tsprom/labels';
import {
  DuplicateExemplarError,
  ExemplarLabelLengthError,
  ExemplarsDisabledError,
  OutOfOrderExemplarError,
} from '@tsprom/storage-interfaces';
import { describe, expect, it } from 'vitest';
import { CircularExemplarStorage } from './exemplar-storage.js';

const a = Labels.fromStrings('__name__', 'a');
const b = Labels.fromStrings('__name__', 'b');
const ex = (ts: number, value = 1, trace = 't') => ({
  labels: Labels.fromStrings('trace', trace),
  value,
  ts,
  hasTs: true,
});
const all = [new Matcher(MatchType.Regexp, '__name__', '.+')];

describe('CircularExemplarStorage', () => {
  it('keeps the newest exemplars overall, linked per series, and queries by matchers and time', () => {
    const s = new CircularExemplarStorage(3);
    s.add(a, ex(1));
    s.add(b, ex(2));
    s.add(a, ex(3));
    s.add(b, ex(4)); // Overwrites a@1.
    const got = s.select(0, 100, all).map((r) => [r.seriesLabels.get('__name__'), r.exemplars.map((e) => e.ts)]);
    expect(got.sort()).toEqual([
      ['a', [3]],
      ['b', [2, 4]],
    ]);
    s.add(a, ex(5)); // Overwrites b@2.
    s.add(a, ex(6)); // Overwrites a@3.
    s.add(a, ex(7)); // Overwrites b@4: b is gone.
    expect(s.numSeries).toBe(1);
    expect(s.select(0, 100, all)[0]!.exemplars.map((e) => e.ts)).toEqual([5, 6, 7]);
    expect(s.select(6, 6, all)[0]!.exemplars.map((e) => e.ts)).toEqual([6]);
    expect(s.select(0, 100, [new Matcher(MatchType.Equal, '__name__', 'b')])).toEqual([]);
  });

  it('rejects duplicates, out-of-order exemplars, long labels, and everything when disabled', () => {
    const s = new CircularExemplarStorage(10);
    s.add(a, ex(10, 1));
    expect(() => s.add(a, ex(10, 1))).toThrow(DuplicateExemplarError);
    expect(() => s.add(a, ex(9, 1))).toThrow(OutOfOrderExemplarError);
    expect(() => s.add(a, ex(10, 0))).toThrow(OutOfOrderExemplarError);
    s.add(a, ex(10, 2)); // Same time, larger value: fine (native histogram buckets).
    expect(() => s.add(a, ex(11, 1, 'x'.repeat(124)))).toThrow(ExemplarLabelLengthError);
    expect(() => new CircularExemplarStorage(0).add(a, ex(1))).toThrow(ExemplarsDisabledError);
  });
});

describe('CircularExemplarStorage.resize (Prometheus Resize)', () => {
  const tsOf = (s: CircularExemplarStorage): number[][] =>
    s.select(-Infinity, Infinity, all).map((r) => r.exemplars.map((e) => e.ts));

  it('keeps the newest exemplars when it shrinks, in the order they came, and accepts newer ones after', () => {
    const s = new CircularExemplarStorage(5);
    for (let t = 1; t <= 7; t++) s.add(t % 2 ? a : b, ex(t)); // The ring wrapped: 3..7 are held.
    expect(tsOf(s)).toEqual([
      [3, 5, 7],
      [4, 6],
    ]);
    expect(s.resize(3)).toBe(3);
    expect(s.capacity).toBe(3);
    expect(tsOf(s)).toEqual([[5, 7], [6]]);
    expect(() => s.add(a, ex(4))).toThrow(OutOfOrderExemplarError); // Still ordered per series.
    s.add(b, ex(8));
    expect(tsOf(s)).toEqual([[7], [6, 8]]);
  });

  it('keeps everything when it grows, before and after the ring wrapped', () => {
    const s = new CircularExemplarStorage(4);
    for (let t = 1; t <= 3; t++) s.add(a, ex(t)); // Not full yet.
    expect(s.resize(10)).toBe(3);
    for (let t = 4; t <= 12; t++) s.add(a, ex(t));
    expect(tsOf(s)).toEqual([[3, 4, 5, 6, 7, 8, 9, 10, 11, 12]]);
    expect(s.resize(20)).toBe(10);
    expect(tsOf(s)).toEqual([[3, 4, 5, 6, 7, 8, 9, 10, 11, 12]]);
  });

  it('disables the storage at 0, and holds exemplars again once given room', () => {
    const s = new CircularExemplarStorage(4);
    s.add(a, ex(1));
    expect(s.resize(0)).toBe(0);
    expect(tsOf(s)).toEqual([]);
    expect(() => s.add(a, ex(2))).toThrow(ExemplarsDisabledError);
    expect(s.resize(2)).toBe(0);
    s.add(a, ex(3));
    expect(tsOf(s)).toEqual([[3]]);
  });
});
