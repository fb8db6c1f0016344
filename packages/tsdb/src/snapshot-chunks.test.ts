import { XORChunk } from '@tsprom/chunkenc';
import { describe, expect, it } from 'vitest';
import { SnapshotChunks } from './snapshot-chunks.js';

describe('SnapshotChunks', () => {
  it('lists the entries pushed as only a chunk-store ref, past its initial capacity', () => {
    const table = new SnapshotChunks(2);
    const want: number[] = [];
    for (let k = 0; k < 50; k++) {
      if (k % 3 === 0)
        table.push(new XORChunk(), 0, k, k, 0); // In memory.
      else if (k % 3 === 1) {
        table.push(undefined, 1000 + k, k, k, 0); // Stored.
        want.push(k);
      } else table.push(undefined, 0, k, k, 0); // An open chunk whose bytes are set below.
    }
    expect(Array.from(table.storedEntries())).toEqual(want);
    for (const k of want) {
      expect(table.unread(k)).toBe(true);
      expect(table.ref(k)).toBe(1000 + k);
    }
  });
});
