import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareStrings } from './compare-strings.js';
import { Labels } from './labels.js';
import { LabelsBuilder } from './labels-builder.js';
import { ScratchBuilder } from './scratch-builder.js';
import { xxhash64 } from './xxhash64.js';

// Any Unicode scalar value (a code point but a surrogate), printable ASCII weighted up: what
// fast-check's 'binary' unit draws, without the table of 1.1M code points it builds on first use
// (10-20 s of CPU on a loaded machine, in every test file).
const codePoint = fc
  .oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0, max: 0x10ffff - 0x800 }))
  .map((c) => String.fromCodePoint(c < 0xd800 ? c : c + 0x800));

const enc = new TextEncoder();

/** Go's string order: compare the UTF-8 bytes. */
function byteCompare(a: string, b: string): number {
  const x = enc.encode(a);
  const y = enc.encode(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/** Prometheus labels.Hash, spelled out: XXH64 over name 0xff value 0xff … */
function referenceHash(pairs: [string, string][]): bigint {
  const parts: number[] = [];
  for (const [n, v] of pairs) parts.push(...enc.encode(n), 0xff, ...enc.encode(v), 0xff);
  return xxhash64(new Uint8Array(parts));
}

// Small alphabets so that random sets often share names and values.
const nameArb = fc.constantFrom('a', 'b', 'c', '__name__', 'job', 'é', '😀', '\uffff', 'Z', 'a.b');
const valueArb = fc.constantFrom('', 'x', 'y', '1', 'ü', '😀', 'a\nb');
const pairsArb = fc.array(fc.tuple(nameArb, valueArb), { maxLength: 8 });

describe('Labels', () => {
  it('fromStrings sorts by name, drops empty values, keeps the last duplicate', () => {
    const ls = Labels.fromStrings('job', 'api', '__name__', 'up', 'a', '', 'job', 'web');
    expect(ls.toArray()).toEqual([
      { name: '__name__', value: 'up' },
      { name: 'job', value: 'web' },
    ]);
    expect(ls.length).toBe(2);
    expect(ls.get('a')).toBe('');
    expect(ls.has('a')).toBe(false);
    expect(ls.get('job')).toBe('web');
  });

  it('throws on an odd number of strings', () => {
    expect(() => Labels.fromStrings('a')).toThrow(/odd/);
  });

  it('EMPTY is empty and the factories return it for no labels', () => {
    expect(Labels.EMPTY.isEmpty()).toBe(true);
    expect(Labels.fromStrings('a', '')).toBe(Labels.EMPTY);
    expect(Labels.EMPTY.toString()).toBe('{}');
  });

  it('sorts in UTF-8 byte order, not UTF-16 order', () => {
    // U+FFFF is below U+1F600 in UTF-8 (EF BF BF < F0 9F 98 80) but above its surrogates in UTF-16.
    const ls = Labels.fromStrings('😀', '1', '\uffff', '2');
    expect(ls.names()).toEqual(['\uffff', '😀']);
  });

  it('fromMap and fromArray agree with fromStrings', () => {
    const want = Labels.fromStrings('b', '2', 'a', '1');
    expect(Labels.fromMap({ a: '1', b: '2', c: '' }).equals(want)).toBe(true);
    expect(
      Labels.fromMap(
        new Map([
          ['b', '2'],
          ['a', '1'],
        ]),
      ).equals(want),
    ).toBe(true);
    expect(
      Labels.fromArray([
        { name: 'b', value: '2' },
        { name: 'a', value: '1' },
      ]).equals(want),
    ).toBe(true);
  });

  it('toMap handles a label named __proto__ as data', () => {
    const m = Labels.fromStrings('__proto__', 'x').toMap();
    expect(Object.keys(m)).toEqual(['__proto__']);
    expect(m['__proto__']).toBe('x');
    expect(Object.getPrototypeOf(m)).toBe(Object.prototype);
  });

  it('iterates, ranges and lists in name order', () => {
    const ls = Labels.fromStrings('b', '2', 'a', '1');
    expect([...ls].map((l) => l.name)).toEqual(['a', 'b']);
    const seen: string[] = [];
    ls.forEach((n, v) => {
      seen.push(`${n}=${v}`);
    });
    expect(seen).toEqual(['a=1', 'b=2']);
    expect(ls.names()).toEqual(['a', 'b']);
  });

  it.each([
    [Labels.fromStrings('__name__', 'up', 'job', 'api'), '{__name__="up", job="api"}'],
    [Labels.fromStrings('a:b', 'c', 'x.y', 'z'), '{"a:b"="c", "x.y"="z"}'],
    [Labels.fromStrings('a', 'quote"back\\slash'), '{a="quote\\"back\\\\slash"}'],
    [Labels.fromStrings('a', 'line\nbreak\ttab\x00'), '{a="line\\nbreak\\ttab\\x00"}'],
    [Labels.fromStrings('a', 'héllo 😀', 'ünï', 'ç'), '{a="héllo 😀", "ünï"="ç"}'],
    [Labels.fromStrings('a', '\u00a0\u200b'), '{a="\\u00a0\\u200b"}'],
  ])('toString %s', (ls, want) => {
    expect(ls.toString()).toBe(want);
  });

  it('isValid checks names under the scheme and values for UTF-8 (data_model.md)', () => {
    expect(Labels.fromStrings('__name__', 'up', 'job', 'a').isValid('legacy')).toBe(true);
    expect(Labels.fromStrings('__name__', 'my.metric', 'job', 'a').isValid('legacy')).toBe(false);
    expect(Labels.fromStrings('__name__', 'my.metric', 'my.label', 'a').isValid()).toBe(true);
    expect(Labels.fromStrings('a:b', 'x').isValid('legacy')).toBe(false);
    expect(Labels.fromStrings('__name__', 'a:b').isValid('legacy')).toBe(true);
    expect(Labels.fromStrings('a', '\ud800').isValid()).toBe(false);
  });

  it('withoutMetricName drops __name__ only', () => {
    const ls = Labels.fromStrings('__name__', 'up', 'job', 'api');
    expect(ls.withoutMetricName().toString()).toBe('{job="api"}');
    const noName = Labels.fromStrings('job', 'api');
    expect(noName.withoutMetricName()).toBe(noName);
  });

  it('compare follows Prometheus labels.Compare', () => {
    const a = Labels.fromStrings('a', '1');
    const ab = Labels.fromStrings('a', '1', 'b', '2');
    expect(Labels.compare(a, ab)).toBeLessThan(0);
    expect(Labels.compare(ab, a)).toBeGreaterThan(0);
    expect(Labels.compare(Labels.fromStrings('a', '2'), ab)).toBeGreaterThan(0);
    expect(Labels.compare(Labels.fromStrings('b', '0'), ab)).toBeGreaterThan(0);
    expect(Labels.compare(ab, Labels.fromStrings('b', '2', 'a', '1'))).toBe(0);
  });

  it('hash is XXH64 over name 0xff value 0xff, and is cached', () => {
    const ls = Labels.fromStrings('job', 'api', '__name__', 'up', 'é', '😀');
    expect(ls.hash()).toBe(
      referenceHash([
        ['__name__', 'up'],
        ['job', 'api'],
        ['é', '😀'],
      ]),
    );
    expect(ls.hash()).toBe(ls.hash());
    expect(Labels.EMPTY.hash()).toBe(0xef46db3751d8e999n);
    expect(Labels.EMPTY.hash32()).toBe(0x51d8e999);
  });

  it('get and has find every label of any set and miss absent ones', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ unit: codePoint, maxLength: 6 }), { maxLength: 60 }), (names) => {
        const flat: string[] = [];
        for (const n of names) flat.push(n, `v${n}`);
        const ls = Labels.fromStrings(...flat);
        for (const n of names) {
          expect(ls.get(n)).toBe(`v${n}`);
          expect(ls.has(n)).toBe(true);
        }
        for (const absent of ['\u0000absent', 'zzzz\uffff', '😀😀😀😀']) {
          if (names.includes(absent)) continue;
          expect(ls.get(absent)).toBe('');
          expect(ls.has(absent)).toBe(false);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('serializes to JSON as a name/value record, and inspects as its string form', () => {
    const ls = Labels.fromStrings('job', 'api', '__name__', 'up');
    expect(JSON.stringify({ metric: ls })).toBe('{"metric":{"__name__":"up","job":"api"}}');
    const inspect = (ls as unknown as Record<symbol, () => string>)[Symbol.for('nodejs.util.inspect.custom')]!;
    expect(inspect.call(ls)).toBe('Labels {__name__="up", job="api"}');
  });

  it('hashes label sets larger than the initial buffer', () => {
    const big = 'v'.repeat(5000);
    const ls = Labels.fromStrings('a', big, 'b', 'é'.repeat(1000));
    expect(ls.hash()).toBe(
      referenceHash([
        ['a', big],
        ['b', 'é'.repeat(1000)],
      ]),
    );
  });

  it('sorting invariant: names strictly increase in UTF-8 byte order', () => {
    fc.assert(
      fc.property(pairsArb, (pairs) => {
        const names = Labels.fromStrings(...pairs.flat()).names();
        for (let i = 1; i < names.length; i++) {
          expect(byteCompare(names[i - 1]!, names[i]!)).toBeLessThan(0);
          expect(compareStrings(names[i - 1]!, names[i]!)).toBeLessThan(0);
        }
      }),
    );
  });

  it('compareStrings agrees with UTF-8 byte order on arbitrary strings', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: codePoint, maxLength: 4 }),
        fc.string({ unit: codePoint, maxLength: 4 }),
        (a, b) => {
          expect(Math.sign(compareStrings(a, b))).toBe(Math.sign(byteCompare(a, b)));
        },
      ),
    );
  });

  it('hash, key and compare agree with equality', () => {
    fc.assert(
      fc.property(pairsArb, pairsArb, (p, q) => {
        const a = Labels.fromStrings(...p.flat());
        const b = Labels.fromStrings(...q.flat());
        const eq = a.equals(b);
        expect(a.hash() === b.hash()).toBe(eq);
        expect(a.key() === b.key()).toBe(eq);
        expect(Labels.compare(a, b) === 0).toBe(eq);
        expect(Math.sign(Labels.compare(a, b)) + Math.sign(Labels.compare(b, a))).toBe(0);
        expect(a.hash()).toBe(referenceHash(a.toArray().map((l) => [l.name, l.value])));
        // hash32 before and after hash(): the low half, on a fresh instance and a hashed one.
        const fresh = Labels.fromArray(a.toArray());
        expect(fresh.hash32()).toBe(Number(a.hash() & 0xffffffffn) | 0);
        expect(a.hash32()).toBe(Number(a.hash() & 0xffffffffn) | 0);
      }),
    );
  });

  it('hashForLabels and hashWithoutLabels hash the selected subset', () => {
    fc.assert(
      fc.property(pairsArb, fc.uniqueArray(nameArb, { maxLength: 4 }), (p, names) => {
        const ls = Labels.fromStrings(...p.flat());
        expect(ls.hashForLabels(names)).toBe(ls.matchLabels(true, names).hash());
        expect(ls.hashWithoutLabels(names)).toBe(ls.matchLabels(false, names).hash());
        const sorted = [...names].sort(compareStrings);
        expect(ls.hashForLabels(sorted)).toBe(ls.hashForLabels(names));
      }),
    );
  });

  it('hashWithoutLabels always drops __name__', () => {
    const ls = Labels.fromStrings('__name__', 'up', 'job', 'a', 'x', '1');
    expect(ls.hashWithoutLabels(['x'])).toBe(Labels.fromStrings('job', 'a').hash());
    expect(ls.hashWithoutLabels([])).toBe(ls.withoutMetricName().hash());
  });
});

type Op = ['set', string, string] | ['del', string] | ['keep', string[]];
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.tuple(fc.constant('set' as const), nameArb, valueArb),
  fc.tuple(fc.constant('del' as const), nameArb),
  fc.tuple(fc.constant('keep' as const), fc.array(nameArb, { maxLength: 4 })),
);

describe('LabelsBuilder', () => {
  it('matches a Map model under random set/del/keep (builder vs fromMap)', () => {
    fc.assert(
      fc.property(pairsArb, fc.array(opArb, { maxLength: 12 }), (base, ops) => {
        const start = Labels.fromStrings(...base.flat());
        const model = new Map(start.toArray().map((l) => [l.name, l.value]));
        const b = new LabelsBuilder(start);
        for (const op of ops) {
          if (op[0] === 'set') {
            b.set(op[1], op[2]);
            if (op[2] === '') model.delete(op[1]);
            else model.set(op[1], op[2]);
          } else if (op[0] === 'del') {
            b.del(op[1]);
            model.delete(op[1]);
          } else {
            b.keep(...op[1]);
            for (const k of [...model.keys()]) if (!op[1].includes(k)) model.delete(k);
          }
          for (const n of ['a', 'job', '😀']) expect(b.get(n)).toBe(model.get(n) ?? '');
        }
        const got = b.labels();
        expect(got.equals(Labels.fromMap(model))).toBe(true);
        const ranged = new Map<string, string>();
        b.range((n, v) => ranged.set(n, v));
        expect(Labels.fromMap(ranged).equals(got)).toBe(true);
      }),
    );
  });

  it('returns the base unchanged when nothing changed, and resets', () => {
    const base = Labels.fromStrings('a', '1');
    const b = new LabelsBuilder(base);
    expect(b.labels()).toBe(base);
    b.set('b', '2');
    expect(b.labels().toString()).toBe('{a="1", b="2"}');
    b.reset(Labels.EMPTY);
    expect(b.labels().isEmpty()).toBe(true);
  });
});

describe('ScratchBuilder', () => {
  it('builds sorted input as is, and sorts unsorted input', () => {
    const b = new ScratchBuilder();
    b.add('a', '1');
    b.add('b', '2');
    expect(b.labels().toString()).toBe('{a="1", b="2"}');
    b.reset();
    b.add('z', '1');
    b.add('a', '2');
    b.add('m', '');
    b.sort();
    expect(b.labels().toString()).toBe('{a="2", z="1"}');
  });

  it('agrees with fromStrings on any input', () => {
    fc.assert(
      fc.property(pairsArb, fc.boolean(), (pairs, sortFirst) => {
        const b = new ScratchBuilder();
        for (const [n, v] of pairs) b.add(n, v);
        if (sortFirst) b.sort();
        expect(b.labels().equals(Labels.fromStrings(...pairs.flat()))).toBe(true);
      }),
    );
  });
});
