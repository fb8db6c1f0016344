import { describe, expect, it } from 'vitest';
import { Annotation, Annotations, startPosInput } from './annotations.js';

describe('startPosInput', () => {
  it.each([
    ['rate(up[5m])', 0, '1:1'],
    ['rate(up[5m])', 5, '1:6'],
    ['rate(up[5m])', 12, '1:13'],
    ['sum(\n  rate(x[1m])\n)', 8, '2:4'],
    ['a\nb\nc', 4, '3:1'],
    // Prometheus positions are byte offsets: the column counts UTF-8 bytes (é is 2, 😀 is 4).
    ['{a="é"} + x', 10, '1:12'],
    ['{a="😀"}\n+ é + x', 15, '2:8'],
    ['x\n😀 + é', 7, '2:8'],
    ['up', -1, 'invalid position'],
    ['up', 3, 'invalid position'],
    ['', 0, 'unknown position'],
  ])('%j at %d is %s', (query, pos, want) => {
    expect(startPosInput(query, pos)).toBe(want);
  });
});

describe('Annotations', () => {
  it('de-duplicates by message, merges, and splits warnings from infos with positions', () => {
    const a = new Annotations()
      .add(new Annotation('warning', 'PromQL warning: w1', { start: 5, end: 7 }))
      .add(new Annotation('info', 'PromQL info: i1', { start: 0, end: 2 }))
      .add(new Error('remote read: timeout'));
    const b = new Annotations().add(new Annotation('warning', 'PromQL warning: w1', { start: 5, end: 7 }));
    a.merge(b).merge(undefined).merge(a);
    expect(a.size).toBe(3);
    expect(a.asStrings('rate(up[5m])')).toEqual({
      warnings: ['PromQL warning: w1 (1:6)', 'remote read: timeout'],
      infos: ['PromQL info: i1 (1:1)'],
    });
    // Without the query, positions are left out.
    expect(a.asStrings().warnings).toEqual(['PromQL warning: w1', 'remote read: timeout']);
  });

  it('caps warnings and infos separately, with one line for the rest', () => {
    const a = new Annotations();
    for (let i = 0; i < 4; i++) a.add(new Annotation('warning', `w${i}`));
    for (let i = 0; i < 3; i++) a.add(new Annotation('info', `i${i}`));
    expect(a.asStrings('', 2, 1)).toEqual({
      warnings: ['w0', 'w1', '2 more warning annotations omitted'],
      infos: ['i0', '2 more info annotations omitted'],
    });
    expect(a.asStrings('', 0, 0).warnings).toHaveLength(4); // 0 means unlimited.
  });
});
