import { expect, it } from 'vitest';
import { isULID, newULID, ulidTime } from './ulid.js';

it('makes ULIDs Prometheus parses: 26 Crockford characters, the time in front, sorted when made in order', () => {
  // A ULID promtool wrote (create-blocks-from at 2026-12-06T19:59:08.501Z).
  expect(isULID('01M96F0N6N78FBZ7C7MJWBBQ5E')).toBe(true);
  expect(ulidTime('01M96F0N6N78FBZ7C7MJWBBQ5E')).toBe(Date.UTC(2026, 11, 6, 19, 59, 8, 501));
  const ms = Date.UTC(2024, 0, 2, 3, 4, 5, 6);
  const ids = Array.from({ length: 1000 }, () => newULID(ms));
  for (const id of ids) {
    expect(isULID(id)).toBe(true);
    expect(ulidTime(id)).toBe(ms);
  }
  expect([...ids].sort()).toEqual(ids);
  expect(new Set(ids).size).toBe(ids.length);
  expect(ulidTime(newULID(2 ** 48 - 1))).toBe(2 ** 48 - 1);
  expect(newULID(0).slice(0, 10)).toBe('0000000000');
  expect(isULID('81M96F0N6N78FBZ7C7MJWBBQ5E')).toBe(false);
  expect(isULID('01M96F0N6N78FBZ7C7MJWBBQ5')).toBe(false);
  expect(isULID('01M96F0N6N78FBZ7C7MJWBBQ5U')).toBe(false);
});
