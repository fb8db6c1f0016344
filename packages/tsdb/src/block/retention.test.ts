import { expect, it } from 'vitest';
import type { BlockMeta } from './block-meta.js';
import { deletableBlocks, overlappingBlocks, type RetentionBlock } from './retention.js';

function blk(ulid: string, minTime: number, maxTime: number, sizeBytes = 100, deletable = false): RetentionBlock {
  const meta: BlockMeta = { ulid, minTime, maxTime, stats: {}, compaction: { level: 1, deletable }, version: 1 };
  return { meta, sizeBytes };
}

it('deletes by time from the newest block end, by size newest first counting the head, and what was compacted', () => {
  const bs = [blk('a', 0, 100), blk('b', 100, 200), blk('c', 200, 300), blk('d', 300, 400, 100, true)];
  expect(deletableBlocks(bs, { retentionMs: 0, maxBytes: 0, headBytes: 0 })).toEqual(new Map([['d', 'compacted']]));
  // d ends at 400: a (ends 100) is 300 back, b 200, c 100.
  expect(deletableBlocks(bs, { retentionMs: 250, maxBytes: 0, headBytes: 0 })).toEqual(
    new Map([
      ['d', 'compacted'],
      ['a', 'time'],
    ]),
  );
  expect(deletableBlocks(bs, { retentionMs: 200, maxBytes: 0, headBytes: 0 }).get('a')).toBe('time');
  expect(deletableBlocks(bs, { retentionMs: 200, maxBytes: 0, headBytes: 0 }).has('b')).toBe(false);
  // Size: d 100, c 200, b 300 > 250 with 0 head bytes; with 60 head bytes c already exceeds.
  expect([...deletableBlocks(bs, { retentionMs: 0, maxBytes: 250, headBytes: 0 })]).toEqual([
    ['d', 'compacted'],
    ['b', 'size'],
    ['a', 'size'],
  ]);
  expect(deletableBlocks(bs, { retentionMs: 0, maxBytes: 250, headBytes: 60 }).get('c')).toBe('size');
  expect(deletableBlocks([], { retentionMs: 1, maxBytes: 1, headBytes: 10 }).size).toBe(0);
});

it('finds the ranges where blocks overlap', () => {
  const m = (ulid: string, a: number, b: number): BlockMeta => blk(ulid, a, b).meta;
  expect(overlappingBlocks([m('a', 0, 10), m('b', 10, 20)])).toEqual([]);
  const o = overlappingBlocks([m('b', 5, 15), m('a', 0, 10), m('c', 30, 40), m('d', 35, 50)]);
  expect(o.map((x) => [x.minTime, x.maxTime, x.blocks.map((b) => b.ulid)])).toEqual([
    [5, 10, ['a', 'b']],
    [35, 40, ['c', 'd']],
  ]);
});
