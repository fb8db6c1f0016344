// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are Go regexp templates, not JavaScript ones.
import { createHash } from 'node:crypto';
import { Labels } from '@tsprom/labels';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashMod, loadRelabelConfig, loadRelabelConfigs, relabel, relabelSteps } from './index.js';

const L = (m: Record<string, string>) => Labels.fromMap(m);
const run = (input: Record<string, string>, cfgs: object[]) => {
  const out = relabel(L(input), loadRelabelConfigs(cfgs));
  return out === null ? null : out.toMap();
};

// Cases after Prometheus's model/relabel/relabel_test.go TestRelabel.
describe('relabel: every action as Prometheus', () => {
  const cases: [string, Record<string, string>, object[], Record<string, string> | null][] = [
    [
      'replace with the default regex and $1',
      { a: 'foo', b: 'bar', c: 'baz' },
      [{ source_labels: ['a'], regex: 'f(.*)', target_label: 'd', replacement: 'ch${1}-ch${1}' }],
      { a: 'foo', b: 'bar', c: 'baz', d: 'choo-choo' },
    ],
    [
      'replace joins source labels with the separator',
      { a: 'foo', b: 'bar', c: 'baz' },
      [
        { source_labels: ['a', 'b'], regex: 'f(.*);(.*)r', target_label: 'a', replacement: 'b${1}${2}m' },
        { source_labels: ['c', 'a'], regex: '(b).*b(.*)ba(.*)', target_label: 'd', replacement: '$1$2$2$3' },
      ],
      { a: 'boobam', b: 'bar', c: 'baz', d: 'boooom' },
    ],
    ['drop when the regex matches', { a: 'foo' }, [{ source_labels: ['a'], regex: '.*o.*', action: 'drop' }], null],
    [
      'drop with anchored regex does not match a substring',
      { a: 'foo' },
      [{ source_labels: ['a'], regex: 'f', action: 'drop' }],
      { a: 'foo' },
    ],
    [
      'keep when the regex matches',
      { a: 'foo' },
      [{ source_labels: ['a'], regex: 'f.*', action: 'keep' }],
      { a: 'foo' },
    ],
    ['keep drops when not matching', { a: 'foo' }, [{ source_labels: ['a'], regex: 'no-match', action: 'keep' }], null],
    [
      'keep on a missing label matches the empty value',
      { a: 'foo' },
      [{ source_labels: ['missing'], regex: '', action: 'keep' }],
      { a: 'foo' },
    ],
    [
      'drop on a missing label with .* drops',
      { a: 'foo' },
      [{ source_labels: ['missing'], action: 'drop', regex: '.*' }],
      null,
    ],
    [
      'replace: no match, no change',
      { a: 'foo' },
      [{ source_labels: ['a'], regex: 'x(.*)', target_label: 'b', replacement: '$1' }],
      { a: 'foo' },
    ],
    [
      'replace: empty result deletes the target',
      { a: 'foo', b: 'x' },
      [{ source_labels: ['c'], regex: '(.*)', target_label: 'b', replacement: '$1' }],
      { a: 'foo' },
    ],
    [
      'replace fast path: empty source with default regex sets the replacement',
      { a: 'foo' },
      [{ source_labels: ['missing'], target_label: 'b', replacement: 'const' }],
      { a: 'foo', b: 'const' },
    ],
    [
      'replace without source labels sets a constant',
      { a: 'foo' },
      [{ target_label: 'job', replacement: 'x' }],
      { a: 'foo', job: 'x' },
    ],
    [
      'replace: target label from a group',
      { a: 'some-name-value' },
      [{ source_labels: ['a'], regex: 'some-([^-]+)-([^,]+)', target_label: '${1}', replacement: '${2}' }],
      { a: 'some-name-value', name: 'value' },
    ],
    [
      'replace: target label expanding to an invalid name is skipped',
      { a: 'some--value' },
      [{ source_labels: ['a'], regex: 'some-([^-]*)-([^,]+)', target_label: '${1}', replacement: '${2}' }],
      { a: 'some--value' },
    ],
    [
      'replace: UTF-8 target label names are valid',
      { a: 'x' },
      [{ source_labels: ['a'], target_label: 'my.label', replacement: '$1' }],
      { a: 'x', 'my.label': 'x' },
    ],
    [
      'replace: $1x is group "1x", which expands to nothing',
      { a: 'foo' },
      [{ source_labels: ['a'], regex: '(f)oo', target_label: 'b', replacement: '$1x-' }],
      { a: 'foo', b: '-' },
    ],
    [
      'replace: $$ is a dollar, a lone $ stays',
      { a: 'foo' },
      [{ source_labels: ['a'], regex: '(f)oo', target_label: 'b', replacement: '$$1 $ ${1' }],
      { a: 'foo', b: '$1 $ ${1' },
    ],
    [
      'replace: named groups',
      { a: 'foo' },
      [{ source_labels: ['a'], regex: '(?P<first>f)(?P<rest>.*)', target_label: 'b', replacement: '${rest}-$first' }],
      { a: 'foo', b: 'oo-f' },
    ],
    [
      'replace: . matches newlines (Prometheus 3)',
      { a: 'foo\nbar' },
      [{ source_labels: ['a'], regex: 'foo.bar', target_label: 'b', replacement: 'y' }],
      { a: 'foo\nbar', b: 'y' },
    ],
    [
      'hashmod: last 8 bytes of md5, big-endian, mod modulus',
      { a: 'foo', b: 'bar', c: 'baz' },
      [{ source_labels: ['c'], target_label: 'd', action: 'hashmod', modulus: 1000 }],
      { a: 'foo', b: 'bar', c: 'baz', d: '976' },
    ],
    [
      'hashmod of a value with a newline',
      { a: 'foo\nbar' },
      [{ source_labels: ['a'], target_label: 'b', action: 'hashmod', modulus: 1000 }],
      { a: 'foo\nbar', b: '734' },
    ],
    [
      'hashmod of a missing label hashes the empty string',
      { a: 'x' },
      [{ source_labels: ['none'], target_label: 'h', action: 'hashmod', modulus: 7 }],
      { a: 'x', h: String(BigInt(`0x${createHash('md5').update('').digest('hex').slice(16)}`) % 7n) },
    ],
    [
      'labelmap copies matching labels to new names',
      { a: 'foo', b: 'bar', c: 'baz' },
      [{ regex: '(b)', action: 'labelmap', replacement: '${1}_new' }],
      { a: 'foo', b: 'bar', b_new: 'bar', c: 'baz' },
    ],
    [
      'labelmap with the meta prefix',
      { __meta_kubernetes_pod_label_app: 'web', __meta_x: 'y', job: 'j' },
      [{ regex: '__meta_kubernetes_pod_label_(.+)', action: 'labelmap' }],
      { __meta_kubernetes_pod_label_app: 'web', __meta_x: 'y', app: 'web', job: 'j' },
    ],
    [
      'labeldrop removes matching names',
      { a: 'foo', b1: 'bar', b2: 'baz' },
      [{ regex: 'b.*', action: 'labeldrop' }],
      { a: 'foo' },
    ],
    [
      'labelkeep keeps only matching names',
      { a: 'foo', b1: 'bar', b2: 'baz' },
      [{ regex: '(b.*)', action: 'labelkeep' }],
      { b1: 'bar', b2: 'baz' },
    ],
    ['labelkeep of nothing leaves an empty set', { a: 'foo' }, [{ regex: 'x', action: 'labelkeep' }], {}],
    [
      'lowercase',
      { foo: 'BAR', bar: 'ÄÖ.ß' },
      [{ source_labels: ['foo', 'bar'], action: 'lowercase', target_label: 'l' }],
      { foo: 'BAR', bar: 'ÄÖ.ß', l: 'bar;äö.ß' },
    ],
    [
      "uppercase, with Go's simple case mapping (ß stays)",
      { foo: 'bar', bar: 'äß' },
      [{ source_labels: ['foo', 'bar'], separator: '/', action: 'uppercase', target_label: 'u' }],
      { foo: 'bar', bar: 'äß', u: 'BAR/Äß' },
    ],
    [
      'keepequal keeps when equal',
      { a: 'x', b: 'x' },
      [{ source_labels: ['a'], target_label: 'b', action: 'keepequal' }],
      { a: 'x', b: 'x' },
    ],
    [
      'keepequal drops when different',
      { a: 'x', b: 'y' },
      [{ source_labels: ['a'], target_label: 'b', action: 'keepequal' }],
      null,
    ],
    [
      'dropequal drops when equal',
      { a: 'x', b: 'x' },
      [{ source_labels: ['a'], target_label: 'b', action: 'dropequal' }],
      null,
    ],
    [
      'dropequal keeps when different, missing target is the empty value',
      { a: 'x' },
      [{ source_labels: ['a'], target_label: 'b', action: 'dropequal' }],
      { a: 'x' },
    ],
    ['actions are case-insensitive', { a: 'foo' }, [{ source_labels: ['a'], regex: 'foo', action: 'DROP' }], null],
    [
      'steps apply in order; a drop stops',
      { a: 'foo' },
      [
        { target_label: 'b', replacement: '1' },
        { source_labels: ['b'], regex: '1', action: 'drop' },
        { target_label: 'c', replacement: '2' },
      ],
      null,
    ],
  ];

  it.each(cases)('%s', (_, input, cfgs, want) => {
    expect(run(input, cfgs)).toEqual(want);
  });

  it('returns the input unchanged for no configs', () => {
    const ls = L({ a: 'b' });
    expect(relabel(ls, [])?.equals(ls)).toBe(true);
  });
});

describe('loadRelabelConfig: defaults and validation', () => {
  it('fills in Prometheus defaults', () => {
    const c = loadRelabelConfig({ target_label: 't' });
    expect(c).toMatchObject({ separator: ';', modulus: 0, targetLabel: 't', replacement: '$1', action: 'replace' });
    expect(c.regex.source).toBe('(.*)');
    expect(c.sourceLabels).toBeUndefined();
  });

  const bad: [object, string][] = [
    [{ action: 'hashmod', target_label: 'a' }, 'relabel configuration for hashmod requires non-zero modulus'],
    [{ action: 'replace' }, "relabel configuration for replace action requires 'target_label' value"],
    [{ action: 'lowercase' }, "relabel configuration for lowercase action requires 'target_label' value"],
    [
      { action: 'keepequal', source_labels: ['a'] },
      "relabel configuration for keepequal action requires 'target_label' value",
    ],
    [{ action: 'uppercase', target_label: 'a', replacement: 'x' }, "'replacement' can not be set for uppercase action"],
    [
      { action: 'keepequal', source_labels: ['a'], target_label: 'b', regex: '(.*)' },
      "keepequal action requires only 'source_labels' and `target_label`, and no other fields",
    ],
    [
      { action: 'dropequal', source_labels: ['a'], target_label: 'b', separator: ',' },
      "dropequal action requires only 'source_labels' and `target_label`, and no other fields",
    ],
    [
      { action: 'labeldrop', regex: 'a', source_labels: ['x'] },
      "labeldrop action requires only 'regex', and no other fields",
    ],
    [
      { action: 'labelkeep', regex: 'a', target_label: 'x' },
      "labelkeep action requires only 'regex', and no other fields",
    ],
    [{ action: 'labelmap', regex: 'a', replacement: '' }, `"" is invalid 'replacement' for labelmap action`],
    [{ action: 'foo' }, 'unknown relabel action "foo"'],
    [{ source_labels: [''] }, '"" is not a valid label name'],
    [{ target_label: 'x', regexx: 'a' }, 'field regexx not found in type relabel.plain'],
  ];
  it.each(bad)('rejects %j', (cfg, msg) => {
    expect(() => loadRelabelConfig(cfg)).toThrow(msg);
  });

  it('under legacy validation allows $-references in target labels but not other characters', () => {
    expect(() => loadRelabelConfig({ target_label: 'a.b' }, 'legacy')).toThrow(
      `"a.b" is invalid 'target_label' for replace action`,
    );
    expect(loadRelabelConfig({ target_label: '${1}_x' }, 'legacy').targetLabel).toBe('${1}_x');
    expect(() => loadRelabelConfig({ target_label: '${1}.x' }, 'legacy')).toThrow("is invalid 'target_label'");
    expect(loadRelabelConfig({ target_label: 'a.b' }).targetLabel).toBe('a.b');
  });

  it("rejects a bad regex with Go's message", () => {
    expect(() => loadRelabelConfig({ regex: 'a(' })).toThrow('missing closing )');
  });
});

describe('invariants', () => {
  const labelsArb = fc.dictionary(
    fc.stringMatching(/^[a-z_][a-z0-9_]{0,5}$/),
    fc.string({ minLength: 1, maxLength: 6 }),
    { maxKeys: 6 },
  );

  it('hashmod agrees with node:crypto md5 and stays below the modulus', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1, max: 2 ** 40 }), (s, m) => {
        const want = createHash('md5').update(s, 'utf8').digest().readBigUInt64BE(8) % BigInt(m);
        const got = hashMod(s, m);
        expect(got).toBe(want);
        expect(got < BigInt(m)).toBe(true);
      }),
    );
  });

  it('keep and drop with the same regex partition every label set', () => {
    fc.assert(
      fc.property(labelsArb, fc.constantFrom('a.*', '.*b', 'x|y', '', '.+'), (m, re) => {
        const keep = run(m, [{ source_labels: ['a', 'b'], regex: re, action: 'keep' }]);
        const drop = run(m, [{ source_labels: ['a', 'b'], regex: re, action: 'drop' }]);
        expect((keep === null) !== (drop === null)).toBe(true);
      }),
    );
  });

  it('labeldrop and labelkeep with the same regex split the labels', () => {
    fc.assert(
      fc.property(labelsArb, fc.constantFrom('a.*', '.*_.*', '[a-m].*'), (m, re) => {
        const dropped = run(m, [{ regex: re, action: 'labeldrop' }])!;
        const kept = run(m, [{ regex: re, action: 'labelkeep' }])!;
        expect({ ...dropped, ...kept }).toEqual(m);
        for (const k of Object.keys(dropped)) expect(k in kept).toBe(false);
      }),
    );
  });

  it('replace with the defaults copies the source label to the target', () => {
    fc.assert(
      fc.property(labelsArb, (m) => {
        const out = run(m, [{ source_labels: ['a'], target_label: 'copy' }])!;
        if (m.a === undefined) expect(out.copy).toBeUndefined();
        else expect(out.copy).toBe(m.a);
      }),
    );
  });

  it('relabeling never mutates its input', () => {
    fc.assert(
      fc.property(labelsArb, (m) => {
        const ls = L(m);
        const before = ls.toString();
        relabel(
          ls,
          loadRelabelConfigs([
            { regex: '.*', action: 'labeldrop' },
            { target_label: 'x', replacement: 'y' },
          ]),
        );
        expect(ls.toString()).toBe(before);
      }),
    );
  });
});

describe('relabelSteps: the label set after each rule', () => {
  it('records each rule, the output after it and whether the set is kept', () => {
    const configs = loadRelabelConfigs([
      { target_label: 'env', replacement: 'development' },
      { source_labels: ['__address__'], regex: 'localhost:.*', action: 'drop' },
      { target_label: 'never', replacement: 'applied' },
    ]);
    const steps = relabelSteps(L({ __address__: 'localhost:9090', job: 'prometheus' }), configs);
    expect(steps.map((s) => [s.rule, s.output.toMap(), s.keep])).toEqual([
      [configs[0], { __address__: 'localhost:9090', env: 'development', job: 'prometheus' }, true],
      [configs[1], {}, false],
      [configs[2], {}, false],
    ]);
  });

  it('ends with what relabel returns for any label set', () => {
    const configs = loadRelabelConfigs([
      { source_labels: ['a'], regex: '(.)(.*)', target_label: 'b', replacement: '$2' },
      { source_labels: ['b'], regex: 'x.*', action: 'drop' },
      { regex: 'c', action: 'labeldrop' },
    ]);
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('a', 'b', 'c'), fc.string({ maxLength: 4 })), (m) => {
        const steps = relabelSteps(L(m), configs);
        const out = relabel(L(m), configs);
        const last = steps.at(-1)!;
        expect(last.keep).toBe(out !== null);
        expect(last.output.toMap()).toEqual(out === null ? {} : out.toMap());
      }),
    );
  });

  it('has no steps without rules', () => {
    expect(relabelSteps(L({ a: 'b' }), [])).toEqual([]);
  });
});
