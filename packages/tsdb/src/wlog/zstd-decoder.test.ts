import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { crc32c } from '@tsprom/chunkenc';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RecordEncoder } from '../record/record-encoder.js';
import { WLReader } from './wl-reader.js';
import { ZSTD_MASK } from './wlog-constants.js';
import { zstdDecode } from './zstd-decoder.js';
import { ZstdError } from './zstd-error.js';

const ZSTD = process.env.TSPROM_ZSTD ?? '/usr/bin/zstd'; // Debian's zstd package.
// `zstd -19` of 200 "sample I value J; " phrases.
const FRAME_HEX =
  '28b52ffd648d0d3d0b0086152c14b0278d017d04d168498114b2f796524aa9333a112900240024008fe3dbaee99f8922199e59f48c6fbb1eee7eee8415273588232b35912dc6804100383806048401a01025ed8c6fbba67f262cc4715ad133beed5afa9d090b1967450fdad3aea57f260a19671619f4bdcd45481697380ee923c3b3a2677cdbd6b43f4b1432ce8a76dcdbb6a67f260a19a705166451e2f07b9b8b208b127aef6d2ec222d121ed496f11542633e87bcdd992902c4e660480d7a83180dcfd33102f299de11066044824317e847da2d4a87d21ca9f836d4e629bff230a570647ad2744e209fac53e97b37d53eae47150274e1c332dfda719a00e9c82768751a0fbb363164f1ccc4b7f75ae7ca783d1a67690e010f3a6df450cf6fdb673cbe0f3d0efb32ac4fdec5c5a8f380ff4afc3ceffdf4913e08386e751787ee9d81600788ffd3d38327f3a368e12dcabfdeb4817ef7a80217e07e975e1a00b3c41c0c30e7480031ce00007005640570103a7eb96';
const haveCli = existsSync(ZSTD);
if (!haveCli && process.env.CI) throw new Error('zstd CLI missing in CI (Debian package zstd)');

function text(n: number): Uint8Array {
  let s = '';
  for (let i = 0; s.length < n; i++) s += `sample ${i % 17} value ${(i * 7) % 13}; `;
  return new TextEncoder().encode(s.slice(0, n));
}

describe('zstd decoding', () => {
  it('decodes a fixed frame made by zstd -19 (Huffman literals, FSE sequences)', () => {
    const frame = Uint8Array.from(Buffer.from(FRAME_HEX, 'hex'));
    let s = '';
    for (let i = 0; i < 200; i++) s += `sample ${i % 17} value ${(i * 7) % 13}; `;
    expect(new TextDecoder().decode(zstdDecode(frame))).toBe(s);
  });

  it('WLReader decompresses fragments flagged zstd, as Prometheus 2.51+ writes them', () => {
    const frame = Uint8Array.from(Buffer.from(FRAME_HEX, 'hex'));
    const crc = crc32c(frame);
    const seg = Uint8Array.from([
      1 | ZSTD_MASK,
      frame.length >> 8,
      frame.length & 0xff,
      crc >>> 24,
      (crc >>> 16) & 0xff,
      (crc >>> 8) & 0xff,
      crc & 0xff,
      ...frame,
    ]);
    const r = new WLReader([{ index: 0, bytes: seg }]);
    expect(r.next()).toBe(true);
    expect(new TextDecoder().decode(r.record())).toMatch(/^sample 0 value 0; sample 1 value 7; /);
    expect(r.next()).toBe(false);
    expect(r.err()).toBeUndefined();
  });

  it('rejects garbage and truncated frames with ZstdError', () => {
    const frame = Uint8Array.from(Buffer.from(FRAME_HEX, 'hex'));
    for (let cut = 0; cut < frame.length; cut += 7) {
      expect(() => zstdDecode(frame.subarray(0, cut === 0 ? 1 : cut))).toThrow(ZstdError);
    }
    expect(() => zstdDecode(Uint8Array.of(1, 2, 3, 4, 5))).toThrow(ZstdError);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 500 }), fc.nat(), (junk, at) => {
        const b = frame.slice();
        const o = 4 + (at % (b.length - 4));
        b.set(junk.subarray(0, b.length - o), o);
        try {
          zstdDecode(b, 1 << 20);
        } catch (err) {
          expect(err).toBeInstanceOf(ZstdError);
        }
      }),
      { numRuns: 500 },
    );
  });

  // The zstd CLI on stdin: told the input's size (--size-hint, which keeps the frame header free of
  // a content size, as a streaming writer's), it picks the window a file of that size gets. Without
  // it, -19 and --ultra -22 size their tables for an unbounded stream: seconds and 600 MB a call.
  const zstd = (args: string[], input: Uint8Array): Uint8Array =>
    new Uint8Array(execFileSync(ZSTD, ['-q', '-c', `--size-hint=${Math.max(1, input.length)}`, ...args], { input }));

  const enc = new RecordEncoder();
  const random = new Uint8Array(20_000);
  let x = 7;
  for (let i = 0; i < random.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    random[i] = x & 0xff;
  }
  const inputs: Array<[string, Uint8Array]> = [
    ['empty', new Uint8Array(0)],
    ['one byte', Uint8Array.of(42)],
    ['text 1k', text(1000)],
    ['text 300k (several blocks)', text(300_000)],
    ['random', random],
    ['zeros', new Uint8Array(200_000)],
    [
      'mixed',
      Uint8Array.from([...random.subarray(0, 5000), ...text(20_000), ...random.subarray(5000, 9000), ...text(3000)]),
    ],
    [
      'samples record',
      enc.samples(
        Array.from({ length: 3000 }, (_, i) => ({ ref: 1 + (i % 300), t: 1_700_000_000_000 + i * 15, v: Math.sin(i) })),
      ),
    ],
  ];
  const suite = haveCli ? it : it.skip;
  suite.each(['-1', '-3', '-7', '-12', '-19', '--ultra -22', '--fast=5'])(
    haveCli ? 'decodes what the zstd CLI writes at level %s' : 'SKIPPED: zstd CLI missing (level %s)',
    (level) => {
      for (const [name, input] of inputs) {
        const got = zstdDecode(zstd(level.split(' '), input));
        if (!Buffer.from(got).equals(Buffer.from(input))) expect.fail(`${name} at ${level} differs`);
      }
    },
    120_000,
  );

  suite(
    haveCli ? 'decodes concatenated frames and frames without checksum' : 'SKIPPED: zstd CLI missing (frames)',
    () => {
      const a = zstd(['--no-check', '-5'], text(5000));
      const b = zstd(['-5'], random.subarray(0, 3000));
      const both = Uint8Array.from([...a, ...b]);
      expect(Buffer.from(zstdDecode(both)).equals(Buffer.from([...text(5000), ...random.subarray(0, 3000)]))).toBe(
        true,
      );
    },
    120_000,
  );
});
