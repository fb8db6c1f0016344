import { gunzipSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { compress, handlerEncoding } from './compression.js';

describe('compress', () => {
  // 40 bytes (compressed on the event loop) and about 1 MB (on the thread pool).
  const small = new TextEncoder().encode('{"status":"success","data":{"a":"b"}}');
  const large = new TextEncoder().encode(
    `[${Array.from({ length: 40_000 }, (_, i) => `[${i},"${i * 7}"]`).join(',')}]`,
  );

  it.each([
    ['small', small],
    ['large', large],
  ])('writes gzip and zlib that decode to the %s body', async (_, body) => {
    const gz = await compress(body, 'gzip');
    expect(gz.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    expect(gunzipSync(gz).equals(Buffer.from(body))).toBe(true);
    const z = await compress(body, 'deflate');
    expect(inflateSync(z).equals(Buffer.from(body))).toBe(true);
    if (body === large) expect(gz.length).toBeLessThan(body.length / 3);
  });

  it('negotiates as Prometheus: the first of gzip or deflate, taken literally', () => {
    expect(handlerEncoding('gzip, deflate')).toBe('gzip');
    expect(handlerEncoding('br, deflate, gzip')).toBe('deflate');
    expect(handlerEncoding('gzip;q=0')).toBeUndefined();
    expect(handlerEncoding(undefined)).toBeUndefined();
  });
});
