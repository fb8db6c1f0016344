import { describe, expect, it } from 'vitest';
import { emitYaml, formatGoFloat, YamlOutMap, YamlOutSeq } from './yaml-emit.js';

describe('emitYaml writes as gopkg.in/yaml.v2 does', () => {
  it('nests mappings and sequences with yaml.v2 indentation', () => {
    const doc = new YamlOutMap()
      .set('global', new YamlOutMap().set('scrape_interval', '1m'))
      .set(
        'scrape_configs',
        new YamlOutSeq([
          new YamlOutMap()
            .set('job_name', 'a')
            .set('static_configs', new YamlOutSeq([new YamlOutMap().set('targets', new YamlOutSeq(['x:1']))]))
            .set(
              'relabel_configs',
              new YamlOutSeq([new YamlOutMap().set('source_labels', new YamlOutSeq(['a', 'yes'], true))]),
            ),
        ]),
      )
      .set('empty', new YamlOutSeq([]))
      .set('none', new YamlOutMap());
    expect(emitYaml(doc)).toBe(
      [
        'global:',
        '  scrape_interval: 1m',
        'scrape_configs:',
        '- job_name: a',
        '  static_configs:',
        '  - targets:',
        '    - x:1',
        '  relabel_configs:',
        '  - source_labels: [a, "yes"]',
        'empty: []',
        'none: {}',
        '',
      ].join('\n'),
    );
  });

  // Every expectation below is what Prometheus 2.42 printed for the same external label.
  it.each([
    ['yes', '"yes"'],
    ['2', '"2"'],
    ['', '""'],
    [' lead', "' lead'"],
    ['*star', "'*star'"],
    ['x: y', "'x: y'"],
    ['a #b', "'a #b'"],
    ['- x', "'- x'"],
    ['1.5', '"1.5"'],
    ['null', '"null"'],
    ['0x1F', '"0x1F"'],
    ['é', 'é'],
    [':x', ':x'],
    ['@x', "'@x'"],
    ['2001-12-14', '"2001-12-14"'],
    ['<<', '<<'],
    ['1:20', '"1:20"'],
    ['trailing ', "'trailing '"],
    ['a\u00a0b\u0085c', '"a\u00a0b\\Nc"'],
    ['-', "'-'"],
    ['? x', "'? x'"],
    ['a, b', 'a, b'],
    ['[x]', "'[x]'"],
    ['x]', 'x]'],
    ['1_000', '"1_000"'],
    ['+1', '"+1"'],
    ['.5', '".5"'],
    ['1e3', '"1e3"'],
    ['0o17', '"0o17"'],
    ['0b11', '"0b11"'],
    ['--- x', "'--- x'"],
    ['#', "'#'"],
    ['a:', "'a:'"],
    ['%x', "'%x'"],
    ['$1', '$1'],
    ['(.*)', '(.*)'],
    [';', ';'],
    ['<secret>', '<secret>'],
  ])('%j as %s', (value, written) => {
    expect(emitYaml(new YamlOutMap().set('k', value))).toBe(`k: ${written}\n`);
  });

  it('quotes keys that would not read back as strings', () => {
    expect(emitYaml(new YamlOutMap().set('n', 'x').set('y', 'a:'))).toBe(`"n": x\n"y": 'a:'\n`);
  });

  it('writes multi-line text as literal blocks', () => {
    const m = new YamlOutMap().set(
      'a',
      new YamlOutMap().set('i', 'line1\nline2\n').set('h', 'multi\nline').set('j', 'x\n\ny\n\n').set('k', 'z'),
    );
    expect(emitYaml(m)).toBe(
      'a:\n  i: |\n    line1\n    line2\n  h: |-\n    multi\n    line\n  j: |+\n    x\n\n    y\n\n  k: z\n',
    );
  });

  it('folds long lines at a space past column 80, as Prometheus 2.42 printed them', () => {
    const words = Array(21).fill('word').join(' ');
    const m = new YamlOutMap().set(
      'global',
      new YamlOutMap().set(
        'external_labels',
        new YamlOutMap().set('a', words).set('b', ` ${words}`).set('c', `tab\t${words}`),
      ),
    );
    expect(emitYaml(m)).toBe(
      [
        'global:',
        '  external_labels:',
        '    a: word word word word word word word word word word word word word word word',
        '      word word word word word word',
        "    b: ' word word word word word word word word word word word word word word word",
        "      word word word word word word'",
        '    c: "tab\\tword word word word word word word word word word word word word word',
        '      word word word word word word word"',
        '',
      ].join('\n'),
    );
  });

  it.each([
    [0.25, '0.25'],
    [1.5, '1.5'],
    [1e6 + 0.5, '1.0000005e+06'],
    [0.00001, '1e-05'],
    [0.0001, '0.0001'],
    [123456.5, '123456.5'],
    [Number.NaN, '.nan'],
    [Number.POSITIVE_INFINITY, '.inf'],
  ])('formats the float %d as Go does: %s', (f, s) => {
    expect(formatGoFloat(f)).toBe(s);
  });
});
