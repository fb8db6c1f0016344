// Prometheus: tsdb/index/index.go ReadOffsetTable and the sampled postings offsets the v2 Reader
// keeps (NewFileReader: every 32nd value of each label name, plus its first and last).
import { crc32c } from '@tsprom/chunkenc';
import type { PagedFile } from '../block/paged-file.js';
import type { TimeSlicer } from '../time-slicer.js';
import { FileCursor, FormatError } from './file-cursor.js';
import { SAMPLE_FACTOR } from './index-format.js';

/**
 * The sampled postings offset entries of one label name: `values[i]`'s entry starts at file offset
 * `offs[i]`; the last element is the name's last value.
 */
export interface SampledPostings {
  values: string[];
  offs: number[];
}

const CRC_PIECE = 1 << 20;

/**
 * Checks the CRC32C of the section at `at` (4-byte length, content, CRC of the content); returns
 * where its content starts and ends. Reads the content piece by piece, never whole.
 */
export function checkSectionCrc(file: PagedFile, at: number): { contentStart: number; contentEnd: number } {
  const lb = file.read(at, 4);
  const len = ((lb[0]! << 24) | (lb[1]! << 16) | (lb[2]! << 8) | lb[3]!) >>> 0;
  const contentStart = at + 4;
  const contentEnd = contentStart + len;
  if (contentEnd + 4 > file.size) throw new FormatError(at, `section length ${len} is beyond the end of the file`);
  let crc = 0;
  for (let p = contentStart; p < contentEnd; p += CRC_PIECE) {
    crc = crc32c(file.read(p, Math.min(CRC_PIECE, contentEnd - p)), crc);
  }
  const sb = file.read(contentEnd, 4);
  const sum = ((sb[0]! << 24) | (sb[1]! << 16) | (sb[2]! << 8) | sb[3]!) >>> 0;
  if (sum !== crc) throw new FormatError(at, 'invalid checksum');
  return { contentStart, contentEnd };
}

/**
 * Reads the postings offset table at `at` after checking its checksum, keeping for each label name
 * every 32nd entry and its last. Gives the event loop turns as `slicer` says.
 */
export async function readSampledPostingsTable(
  file: PagedFile,
  at: number,
  slicer: TimeSlicer,
  signal: AbortSignal | undefined,
): Promise<Map<string, SampledPostings>> {
  const { contentStart, contentEnd } = checkSectionCrc(file, at);
  const c = new FileCursor(file, contentStart, contentEnd, { sequential: true });
  const n = c.be32();
  const out = new Map<string, SampledPostings>();
  let cur: SampledPostings | undefined;
  let curName: string | undefined;
  let count = 0;
  let lastValue: string | undefined;
  let lastOff = 0;
  for (let i = 0; i < n; i++) {
    if (i % 4096 === 0 && slicer.due()) {
      signal?.throwIfAborted();
      await slicer.yield();
    }
    const off = c.pos;
    const keys = c.uvarint();
    if (keys !== 2) throw new FormatError(off, `unexpected key length for posting table ${keys}`);
    const name = c.uvarintStr();
    const value = c.uvarintStr();
    c.uvarint();
    if (name !== curName) {
      if (cur !== undefined && lastValue !== undefined) {
        cur.values.push(lastValue);
        cur.offs.push(lastOff);
      }
      if (out.has(name))
        throw new FormatError(off, `postings offset table: label name ${JSON.stringify(name)} not contiguous`);
      cur = { values: [], offs: [] };
      out.set(name, cur);
      curName = name;
      count = 0;
      lastValue = undefined;
    }
    if (count % SAMPLE_FACTOR === 0) {
      cur!.values.push(value);
      cur!.offs.push(off);
      lastValue = undefined;
    } else {
      lastValue = value;
      lastOff = off;
    }
    count++;
  }
  if (cur !== undefined && lastValue !== undefined) {
    cur.values.push(lastValue);
    cur.offs.push(lastOff);
  }
  return out;
}
