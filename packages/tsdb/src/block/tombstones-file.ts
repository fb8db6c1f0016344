// Prometheus: tsdb/tombstones/tombstones.go WriteFile, ReadTombstones, Encode, Decode: a block's
// `tombstones` file (magic, format byte, one entry per deleted interval, CRC32C).
import { open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32c } from '@tsprom/chunkenc';
import { DecBuf } from '../record/dec-buf.js';
import { EncBuf } from '../record/enc-buf.js';
import { RecordDecodeError } from '../record/errors.js';
import { MemTombstones } from '../tombstones.js';
import { CorruptBlockError } from './errors.js';

/** Name of a block's tombstones file. */
export const TOMBSTONES_FILENAME = 'tombstones';
/** Magic number at the start of a tombstones file. */
export const MAGIC_TOMBSTONE = 0x0130ba30;
const TOMBSTONE_FORMAT_V1 = 1;
/** Magic (4) and format version (1). */
const HEADER_SIZE = 5;
const CRC_SIZE = 4;

/**
 * Prometheus: tombstones.Encode and the framing of WriteFile. Series are written in ref order (the
 * order is free in the format; sorted makes files reproducible).
 */
export function encodeTombstones(tr: MemTombstones): Uint8Array {
  const b = new EncBuf(64);
  b.putBE32(MAGIC_TOMBSTONE);
  b.putByte(TOMBSTONE_FORMAT_V1);
  const stones = tr.stones().sort((x, y) => x.ref - y.ref);
  for (const s of stones) {
    for (const iv of s.intervals) {
      b.putUvarint(s.ref);
      b.putVarint(iv.mint);
      b.putVarint(iv.maxt);
    }
  }
  // The checksum leaves out the magic and the format byte, as Prometheus's does.
  b.putBE32(crc32c(b.view().subarray(HEADER_SIZE)));
  return b.bytes();
}

/** Prometheus: ReadTombstones' decoding. `dir` and the file name are for error messages. */
export function decodeTombstones(b: Uint8Array, dir: string): MemTombstones {
  const fail = (off: number, reason: string, cause?: unknown): CorruptBlockError =>
    new CorruptBlockError(dir, TOMBSTONES_FILENAME, off, reason, cause === undefined ? undefined : { cause });
  if (b.length < HEADER_SIZE + CRC_SIZE) throw fail(0, `tombstones header: invalid size ${b.length}`);
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const magic = dv.getUint32(0);
  if (magic !== MAGIC_TOMBSTONE) throw fail(0, `invalid magic number ${magic.toString(16)}`);
  const body = b.subarray(HEADER_SIZE, b.length - CRC_SIZE);
  if (dv.getUint32(b.length - CRC_SIZE) !== crc32c(body)) throw fail(b.length - CRC_SIZE, 'checksum did not match');
  if (b[4] !== TOMBSTONE_FORMAT_V1) throw fail(4, `invalid tombstone format ${b[4]}`);
  const d = new DecBuf(body);
  const out = new MemTombstones();
  try {
    while (d.remaining() > 0) {
      const ref = d.uvarint();
      const mint = d.varint();
      const maxt = d.varint();
      out.addInterval(ref, { mint, maxt });
    }
  } catch (err) {
    if (!(err instanceof RecordDecodeError)) throw err;
    throw fail(HEADER_SIZE + d.pos, err.message, err);
  }
  return out;
}

/**
 * Prometheus: tombstones.ReadTombstones. The tombstones of the block in `dir` and the file's size;
 * a missing file means none (size 0).
 */
export async function readTombstonesFile(dir: string): Promise<{ tombstones: MemTombstones; sizeBytes: number }> {
  let b: Buffer;
  try {
    b = await readFile(join(dir, TOMBSTONES_FILENAME));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { tombstones: new MemTombstones(), sizeBytes: 0 };
    throw err;
  }
  return { tombstones: decodeTombstones(new Uint8Array(b.buffer, b.byteOffset, b.length), dir), sizeBytes: b.length };
}

/**
 * Prometheus: tombstones.WriteFile. Writes the tombstones file of the block in `dir` atomically
 * (tombstones.tmp, fsync, rename). Returns its size.
 */
export async function writeTombstonesFile(dir: string, tr: MemTombstones): Promise<number> {
  const path = join(dir, TOMBSTONES_FILENAME);
  const tmp = `${path}.tmp`;
  const data = encodeTombstones(tr);
  const fh = await open(tmp, 'w', 0o666);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
  return data.length;
}
