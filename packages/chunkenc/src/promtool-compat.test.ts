// Compatibility with real Prometheus: promtool (2.42) writes TSDB blocks from OpenMetrics text; we
// decode every chunk it wrote, check the samples against what we generated, and check that our
// appender re-encodes each chunk's samples to identical bytes.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValueType } from '@tsprom/storage-interfaces';
import { afterAll, describe, expect, it } from 'vitest';
import { crc32c } from './crc32c.js';
import { float64Bits } from './float-bits.js';
import { uvarint, type VarintResult, varint } from './varint.js';
import { XORChunk } from './xor-chunk.js';

const PROMTOOL = process.env.TSPROM_PROMTOOL ?? '/usr/bin/promtool'; // Debian's prometheus package.
const havePromtool = existsSync(PROMTOOL);
if (!havePromtool && process.env.CI) throw new Error(`${PROMTOOL} is missing (required when CI is set)`);
const title = havePromtool
  ? 'chunks written by real promtool (create-blocks-from openmetrics)'
  : `SKIPPED: ${PROMTOOL} not installed (chunks written by real promtool)`;

const CHUNKS_MAGIC = 0x85bd40dd;
const INDEX_MAGIC = 0xbaaad700;
const GO_NAN_BITS = 0x7ff8000000000001n; // Go's math.NaN(), what ParseFloat("NaN") returns.

interface GenSeries {
  key: string; // `name{l="v"}`: labels sorted, as promtool stores them.
  ts: number[];
  vs: number[];
}

// Deterministic PRNG (mulberry32) so a failure reproduces.
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Seconds with three decimals that promtool turns back into exactly `ms` (it computes
// int64(seconds * 1000), truncating, so not every decimal spelling round-trips).
function omTimestamp(ms: number): [string, number] {
  for (;;) {
    if (ms % 1000 === 0) ms += 7; // Keep off whole seconds: the decimals must matter.
    const s = `${Math.trunc(ms / 1000)}.${String(ms % 1000).padStart(3, '0')}`;
    if (Math.trunc(Number(s) * 1000) === ms) return [s, ms];
    ms += 1;
  }
}

function omValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (Object.is(v, -0)) return '-0';
  return String(v);
}

function generate(): { text: string; series: GenSeries[] } {
  const r = rng(42);
  const start = 1_700_000_000_000 + 3_600_000 + 4321; // Spans a 2h block boundary.
  const valueKinds: Array<(i: number, prev: number) => number> = [
    (i) => 1000 + i * 3, // Counter of integers.
    (_i, prev) => prev + (r() - 0.3) * 0.5, // Slowly changing decimals.
    () => 1, // Constant (never opens a leading/trailing window).
    (i) => [1e300, -2.5e-300, 5e-324, 0.1, -0, Number.NaN, Infinity, -Infinity, 123456789.123, -42][i % 10]!,
    () => Math.round(r() * 1e6) / 1e3 - 500, // Jumpy decimals with 3 places.
  ];
  const series: GenSeries[] = [];
  const lines: string[] = [];
  for (let s = 0; s < valueKinds.length; s++) {
    const name = `tsprom_compat_${s % 2 === 0 ? 'a' : 'b'}`;
    const key = `${name}{inst="i${s}",job="j"}`;
    const ts: number[] = [];
    const vs: number[] = [];
    let t = start + Math.floor(r() * 5000);
    let prev = 10;
    // Two tiny series: a one-sample chunk ends with Go's empty trailing byte.
    const n = s === 0 ? 1 : s === 1 ? 2 : 500 + s * 37;
    for (let i = 0; i < n; i++) {
      const [tsText, tms] = omTimestamp(t);
      const v = valueKinds[s]!(i, prev);
      prev = v;
      ts.push(tms);
      vs.push(v);
      lines.push(`${key} ${omValue(v)} ${tsText}`);
      // Mostly 15s ± jitter; sometimes exactly regular; rarely a 10-minute gap (a 64-bit dod).
      const p = r();
      const step =
        p < 0.3 ? 15_000 : p < 0.98 ? 15_000 + Math.floor((r() - 0.5) * 600) : 600_000 + Math.floor(r() * 9999);
      t = tms + step;
    }
    series.push({ key, ts, vs });
  }
  // OpenMetrics wants each family's lines together: order by family name, keep series order inside.
  const byFamily = new Map<string, string[]>();
  for (const l of lines) {
    const fam = l.slice(0, l.indexOf('{'));
    if (!byFamily.has(fam)) byFamily.set(fam, []);
    byFamily.get(fam)!.push(l);
  }
  let text = '';
  for (const [fam, ls] of [...byFamily].sort(([a], [b]) => (a < b ? -1 : 1))) {
    text += `# TYPE ${fam} gauge\n${ls.join('\n')}\n`;
  }
  return { text: `${text}# EOF\n`, series };
}

interface ChunkRec {
  mint: number;
  maxt: number;
  ref: bigint;
}

interface IndexSeries {
  key: string;
  chunks: ChunkRec[];
}

function be32(b: Uint8Array, off: number): number {
  return new DataView(b.buffer, b.byteOffset, b.byteLength).getUint32(off);
}

function be64(b: Uint8Array, off: number): number {
  return Number(new DataView(b.buffer, b.byteOffset, b.byteLength).getBigUint64(off));
}

// Reads the symbol table and the series section (labels and chunk metas) of an index file.
function readIndex(b: Uint8Array): IndexSeries[] {
  expect(be32(b, 0)).toBe(INDEX_MAGIC);
  const tocOff = b.length - 52;
  expect(crc32c(b.subarray(tocOff, tocOff + 48))).toBe(be32(b, tocOff + 48));
  const symbolsOff = be64(b, tocOff);
  const seriesOff = be64(b, tocOff + 8);
  const nextOff = [16, 24, 32, 40].map((k) => be64(b, tocOff + k)).filter((o) => o > seriesOff);
  const seriesEnd = Math.min(...nextOff);
  const vr: VarintResult = { value: 0, n: 0 };
  const dec = new TextDecoder();

  const symLen = be32(b, symbolsOff);
  expect(crc32c(b.subarray(symbolsOff + 4, symbolsOff + 4 + symLen))).toBe(be32(b, symbolsOff + 4 + symLen));
  const nsym = be32(b, symbolsOff + 4);
  const symbols: string[] = [];
  let p = symbolsOff + 8;
  for (let i = 0; i < nsym; i++) {
    uvarint(b, p, vr);
    p += vr.n;
    symbols.push(dec.decode(b.subarray(p, p + vr.value)));
    p += vr.value;
  }

  const out: IndexSeries[] = [];
  p = seriesOff;
  while (p < seriesEnd) {
    p = Math.ceil(p / 16) * 16;
    if (p >= seriesEnd || b[p] === 0) break;
    uvarint(b, p, vr);
    const bodyStart = p + vr.n;
    const bodyEnd = bodyStart + vr.value;
    expect(crc32c(b.subarray(bodyStart, bodyEnd))).toBe(be32(b, bodyEnd));
    let q = bodyStart;
    const next = (signed: boolean): number => {
      (signed ? varint : uvarint)(b, q, vr);
      expect(vr.n).toBeGreaterThan(0);
      q += vr.n;
      return vr.value;
    };
    const nl = next(false);
    const labels: string[] = [];
    for (let i = 0; i < nl; i++) labels.push(`${symbols[next(false)]}=${symbols[next(false)]}`);
    const name = labels.find((l) => l.startsWith('__name__='))!.slice('__name__='.length);
    const rest = labels.filter((l) => !l.startsWith('__name__=')).map((l) => l.replace(/=(.*)$/, '="$1"'));
    const nc = next(false);
    const chunks: ChunkRec[] = [];
    let maxt = 0;
    let ref = 0n;
    for (let i = 0; i < nc; i++) {
      const mint = i === 0 ? next(true) : maxt + next(false);
      maxt = mint + next(false);
      ref = i === 0 ? BigInt(next(false)) : ref + BigInt(next(true));
      chunks.push({ mint, maxt, ref });
    }
    expect(q).toBe(bodyEnd);
    out.push({ key: `${name}{${rest.join(',')}}`, chunks });
    p = bodyEnd + 4;
  }
  return out;
}

// Reads the chunk at `ref` from a block's segment files, checking the file header and CRC.
function readChunk(segments: Uint8Array[], ref: bigint): { encoding: number; data: Uint8Array } {
  const seg = segments[Number(ref >> 32n)]!;
  expect(be32(seg, 0)).toBe(CHUNKS_MAGIC);
  expect(seg[4]).toBe(1);
  const off = Number(ref & 0xffffffffn);
  const vr: VarintResult = { value: 0, n: 0 };
  uvarint(seg, off, vr);
  expect(vr.n).toBeGreaterThan(0);
  const encStart = off + vr.n;
  const dataEnd = encStart + 1 + vr.value;
  expect(crc32c(seg.subarray(encStart, dataEnd))).toBe(be32(seg, dataEnd));
  return { encoding: seg[encStart]!, data: seg.subarray(encStart + 1, dataEnd) };
}

describe.skipIf(!havePromtool)(title, () => {
  const dir = havePromtool ? mkdtempSync(join(tmpdir(), 'tsprom-chunkenc-')) : '';
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('promtool --version runs', () => {
    const out = execFileSync(PROMTOOL, ['--version'], { encoding: 'utf8' });
    expect(out).toMatch(/promtool, version \d+\.\d+/);
  });

  it('decodes every chunk to the generated samples and re-encodes identical bytes', () => {
    const { text, series } = generate();
    const input = join(dir, 'input.om');
    const outDir = join(dir, 'blocks');
    writeFileSync(input, text);
    execFileSync(PROMTOOL, ['tsdb', 'create-blocks-from', 'openmetrics', input, outDir], {
      stdio: 'pipe',
      timeout: 120_000,
    });
    const blocks = readdirSync(outDir)
      .filter((d) => existsSync(join(outDir, d, 'meta.json')))
      .map((d) => ({ d, meta: JSON.parse(readFileSync(join(outDir, d, 'meta.json'), 'utf8')) }))
      .sort((a, b) => a.meta.minTime - b.meta.minTime);
    expect(blocks.length).toBeGreaterThanOrEqual(2);

    const got = new Map<string, { ts: number[]; bits: bigint[] }>();
    let chunkCount = 0;
    let sampleCount = 0;
    let oneSampleChunks = 0;
    for (const { d } of blocks) {
      const index = new Uint8Array(readFileSync(join(outDir, d, 'index')));
      const segNames = readdirSync(join(outDir, d, 'chunks')).sort();
      expect(segNames[0]).toBe('000001');
      const segments = segNames.map((n) => new Uint8Array(readFileSync(join(outDir, d, 'chunks', n))));
      for (const s of readIndex(index)) {
        const acc = got.get(s.key) ?? { ts: [], bits: [] };
        got.set(s.key, acc);
        for (const c of s.chunks) {
          const { encoding, data } = readChunk(segments, c.ref);
          expect(encoding).toBe(1); // XOR
          const chunk = XORChunk.fromBytes(data);
          const it = chunk.iterator();
          const copy = new XORChunk();
          const app = copy.appender();
          let n = 0;
          while (it.next() === ValueType.Float) {
            acc.ts.push(it.atT());
            acc.bits.push(float64Bits(it.atV()));
            app.append(it.atT(), it.atV());
            if (n === 0) expect(it.atT()).toBe(c.mint);
            n++;
          }
          expect(it.err()).toBeUndefined();
          expect(it.atT()).toBe(c.maxt);
          expect(n).toBe(chunk.numSamples());
          expect(Buffer.from(copy.bytes()).toString('hex')).toBe(Buffer.from(data).toString('hex'));
          chunkCount++;
          if (n === 1) oneSampleChunks++;
          sampleCount += n;
        }
      }
    }

    expect([...got.keys()].sort()).toEqual(series.map((s) => s.key).sort());
    for (const s of series) {
      const g = got.get(s.key)!;
      expect(g.ts).toEqual(s.ts);
      const want = s.vs.map((v) => (Number.isNaN(v) ? GO_NAN_BITS : float64Bits(v)));
      expect(g.bits.map((b) => b.toString(16))).toEqual(want.map((b) => b.toString(16)));
    }
    expect(chunkCount).toBeGreaterThan(series.length * 2);
    expect(oneSampleChunks).toBeGreaterThan(0);
    expect(sampleCount).toBe(series.reduce((n, s) => n + s.ts.length, 0));
  });
});
