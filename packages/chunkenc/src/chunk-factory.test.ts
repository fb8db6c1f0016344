import { Encoding, ValueType } from '@tsprom/storage-interfaces';
import { describe, expect, it } from 'vitest';
import { chunkFromBytes, isSupportedEncoding, newChunk } from './chunk-factory.js';
import { ChunkEncodingError, encodingName, UnknownEncodingError } from './errors.js';
import { XORChunk } from './xor-chunk.js';

describe('chunk factory', () => {
  it('makes XOR chunks', () => {
    const c = newChunk(Encoding.XOR);
    expect(c).toBeInstanceOf(XORChunk);
    c.appender().append(1, 2);
    const d = chunkFromBytes(Encoding.XOR, c.bytes().slice());
    const it = d.iterator();
    expect(it.next()).toBe(ValueType.Float);
    expect(it.at()).toEqual([1, 2]);
    expect(isSupportedEncoding(Encoding.XOR)).toBe(true);
  });

  it.each([0, 2, 3, 5, 6, 7, 255])('rejects encoding %d with a typed error naming the byte', (e) => {
    expect(isSupportedEncoding(e)).toBe(false);
    for (const f of [() => newChunk(e), () => chunkFromBytes(e, new Uint8Array(2))]) {
      try {
        f();
        expect.unreachable();
      } catch (err) {
        expect(err).toBeInstanceOf(UnknownEncodingError);
        expect(err).toBeInstanceOf(ChunkEncodingError);
        expect((err as UnknownEncodingError).encoding).toBe(e);
        expect((err as Error).message).toContain(`${e}`);
      }
    }
  });

  it('names encodings as Prometheus prints them', () => {
    expect(encodingName(Encoding.XOR)).toBe('XOR');
    expect(encodingName(Encoding.FloatHistogram)).toBe('floathistogram');
    expect(encodingName(99)).toBe('<unknown>');
  });

  it('propagates malformed-data errors', () => {
    expect(() => chunkFromBytes(Encoding.XOR, Uint8Array.of(0, 5, 1))).toThrow(ChunkEncodingError);
  });
});
