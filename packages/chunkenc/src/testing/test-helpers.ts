// Helpers shared by the package's tests. Test-only: not exported from the package.
import type { SampleIterator } from '@tsprom/storage-interfaces';
import { ValueType } from '@tsprom/storage-interfaces';
import { expect } from 'vitest';
import { ChunkEncodingError } from '../errors.js';

/** Lower-case hex of `b`, two digits a byte. */
export const hex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');

/** The bytes of a hex string (two digits a byte). */
export const unhex = (s: string): Uint8Array => Uint8Array.from(s.match(/../g) ?? [], (x) => Number.parseInt(x, 16));

/**
 * Iterates a chunk of malformed (truncated) bytes read without validation and checks the failure
 * surfaces as Prometheus's iterators report it: through err(), the iterator then staying at its
 * end, and appender() throwing. Returns how many samples came out before the failure.
 */
export function expectDecodeFailure(c: { iterator(): SampleIterator; appender(): unknown }): number {
  const it = c.iterator();
  let n = 0;
  while (it.next() === ValueType.Float) n++;
  expect(it.err()).toBeInstanceOf(ChunkEncodingError);
  expect(it.next()).toBe(ValueType.None);
  expect(it.seek(0)).toBe(ValueType.None);
  expect(() => c.appender()).toThrow(ChunkEncodingError);
  return n;
}
