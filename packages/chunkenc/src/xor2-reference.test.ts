// An independent, deliberately naive XOR2 encoder written straight from the reference text
// (reference/tsdb-format/chunks.md, "XOR2 chunk data"): bigint everywhere, one Go bstream call per
// field, one bit at a time. The fast encoder must write the same bytes for any input.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { STALE_NAN_BITS } from '@tsprom/storage-interfaces';
import { float64Bits, float64FromBits } from './float-bits.js';
import {
  clz64,
  ctz64,
  I64,
  putUvarint,
  putVarint,
  RefBStream,
  U64,
  writeVarbitTS,
} from './testing/reference-bstream.js';
import { XOR2Chunk } from './xor2-chunk.js';
import { hex } from './testing/test-helpers.js';

/** Encodes (t, bits-of-v, st) triples as the reference text describes XOR2. */
function referenceXOR2(ts: readonly number[], vbits: readonly bigint[], sts: readonly number[]): Uint8Array {
  const b = new RefBStream(3);
  let t = 0n;
  let tDelta = 0n;
  let v = 0n;
  let leading = 0xff;
  let trailing = 0;
  let st = 0n; // The ST of the previous sample, stored or implied.
  let stDelta = 0n;
  let stChangedOn = 0;

  const writeWindow = (delta: bigint, reusePrefix: [bigint, number], newPrefix: [bigint, number]): void => {
    let nl = clz64(delta);
    const ntr = ctz64(delta);
    if (nl >= 32) nl = 31;
    if (leading !== 0xff && nl >= leading && ntr >= trailing) {
      b.writeBits(...reusePrefix);
      b.writeBits(delta >> BigInt(trailing), 64 - leading - trailing);
    } else {
      leading = nl;
      trailing = ntr;
      const sig = 64 - nl - ntr;
      b.writeBits(...newPrefix);
      b.writeBits(BigInt(nl), 5);
      b.writeBits(BigInt(sig), 6);
      b.writeBits(delta >> BigInt(ntr), sig);
    }
  };
  const writeXor2 = (nv: bigint): void => {
    const delta = nv ^ v;
    if (delta === 0n) b.writeBit(false);
    else if (nv === STALE_NAN_BITS) b.writeBits(0b111n, 3);
    else writeWindow(delta, [0b10n, 2], [0b110n, 3]);
  };

  for (let i = 0; i < ts.length; i++) {
    const nt = BigInt(ts[i]!);
    const nv = vbits[i]!;
    const nst = BigInt(sts[i]!);
    if (i === 0) {
      if (nst !== 0n) b.stream[2] = 0x80;
      for (const x of putVarint(nt)) b.writeByte(x);
      b.writeBits(nv, 64);
      if (nst !== 0n) for (const x of putVarint(nst)) b.writeByte(x);
      st = nst;
    } else {
      let withST = stChangedOn !== 0 && i >= stChangedOn;
      if (stChangedOn === 0 && (nst !== st || i === 127)) {
        stChangedOn = i;
        b.stream[2] = (b.stream[2]! & 0x80) | i;
        withST = true;
      }
      const nd = I64(nt - t);
      if (i === 1) {
        for (const x of putUvarint(nd)) b.writeByte(x);
        writeXor2(nv);
      } else {
        const dod = I64(nd - tDelta);
        if (dod === 0n) {
          if (nv === v) b.writeBit(false);
          else if (nv === STALE_NAN_BITS) b.writeBits(0b11111n, 5);
          else {
            b.writeBits(0b10n, 2);
            writeWindow(nv ^ v, [0n, 1], [1n, 1]);
          }
        } else {
          if (-4096n <= dod && dod <= 4095n) {
            b.writeBits(0b110n, 3);
            b.writeBits(U64(dod), 13);
          } else if (-524288n <= dod && dod <= 524287n) {
            b.writeBits(0b1110n, 4);
            b.writeBits(U64(dod), 20);
          } else {
            b.writeBits(0b11110n, 5);
            b.writeBits(U64(dod), 64);
          }
          writeXor2(nv);
        }
      }
      tDelta = nd;
      if (withST) {
        const d = I64(nst - st);
        writeVarbitTS(b, I64(d - stDelta));
        st = nst;
        stDelta = d;
      }
    }
    t = nt;
    v = nv;
    b.stream[0] = ((i + 1) >> 8) & 0xff;
    b.stream[1] = (i + 1) & 0xff;
  }
  return Uint8Array.from(b.stream);
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const valueBits = fc.oneof(
  fc.double().map(float64Bits),
  fc.constantFrom(STALE_NAN_BITS, 0n, 0x3ff0000000000000n, 0x8000000000000000n, 0xffffffffffffffffn),
  fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  fc.integer({ min: 0, max: 100 }).map((n) => float64Bits(n)),
);
const tsStep = fc.oneof(
  fc.constant(15_000),
  fc.integer({ min: 14_000, max: 16_000 }),
  fc.integer({ min: -600_000, max: 600_000 }),
  fc.integer({ min: 0, max: 2 ** 40 }),
);
const stStep = fc.oneof(
  fc.constant(0),
  fc.constant(0),
  fc.integer({ min: -100_000, max: 100_000 }),
  fc.maxSafeInteger(),
);
// Steps of 15 s plus an edge: consecutive steps differing by an edge give dods at the boundaries of
// the joint 13/20-bit ranges and the ST's 14/17/20-bit ranges. Long runs with a constant ST reach
// sample 127, where st_changed_on is forced.
const edge = fc.constantFrom(0, 0, 0, 4095, 4096, -4096, -4097, 524287, 524288, -524288, -524289, 8192, 8193);
const stEdge = fc.constantFrom(0, 0, 0, 0, 8192, 8193, -8191, -8192, 65536, 65537, -65535, -65536, 524288, 524289);
const edgeSeries = fc
  .tuple(
    fc.array(fc.tuple(edge, fc.constantFrom(0n, 0x3ff0000000000000n, STALE_NAN_BITS), stEdge), {
      minLength: 100,
      maxLength: 200,
    }),
    fc.integer({ min: 0, max: 250 }), // The ST stays constant up to this sample.
  )
  .map(([steps, stFrom]) => {
    let t = 1_700_000_000_000;
    let st = t - 1;
    const ts: number[] = [];
    const bits: bigint[] = [];
    const sts: number[] = [];
    for (const [e, b, se] of steps) {
      t += 15_000 + e;
      if (ts.length >= stFrom) st += se;
      ts.push(t);
      bits.push(b);
      sts.push(st);
    }
    return { ts, bits, sts };
  });
const series = fc.oneof(
  edgeSeries,
  fc
    .tuple(
      fc.integer({ min: -(2 ** 45), max: 2 ** 45 }),
      fc.integer({ min: -(2 ** 45), max: 2 ** 45 }),
      fc.array(fc.tuple(tsStep, valueBits, stStep), { minLength: 1, maxLength: 200 }),
    )
    .map(([t0, st0, steps]) => {
      let t = t0;
      let st = st0;
      const ts: number[] = [];
      const bits: bigint[] = [];
      const sts: number[] = [];
      for (const [dt, b, dst] of steps) {
        t += dt;
        if (dst > 2 ** 50) st = 0;
        else if (dst !== 0) st = Math.max(-MAX_SAFE, Math.min(MAX_SAFE, st + dst));
        ts.push(t);
        bits.push(b);
        sts.push(st);
      }
      return { ts, bits, sts };
    }),
  fc
    .array(fc.tuple(fc.maxSafeInteger(), valueBits, fc.maxSafeInteger()), { minLength: 1, maxLength: 40 })
    .map((s) => ({ ts: s.map((x) => x[0]), bits: s.map((x) => x[1]), sts: s.map((x) => x[2]) })),
);

describe('XOR2Chunk against a literal encoder of the reference text', () => {
  it('writes the same bytes for any series', () => {
    fc.assert(
      fc.property(series, ({ ts, bits, sts }) => {
        const c = new XOR2Chunk();
        const app = c.appender();
        for (let i = 0; i < ts.length; i++) app.append(ts[i]!, float64FromBits(bits[i]!), sts[i]);
        expect(hex(c.bytes())).toBe(hex(referenceXOR2(ts, bits, sts)));
      }),
      { numRuns: 300 },
    );
  });
});
