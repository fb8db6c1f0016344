// Data dirs for the `tsdb dump` failure tests: a WAL written by tsprom, then damaged the ways the
// issue's reproducers do (cut short, a flipped bit, garbage, a zeroed page, a checksum-valid
// record that does not decode, timestamps beyond 2^53), plus a checkpoint and a WBL to damage.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Labels } from '@tsprom/labels';
import { DB } from '@tsprom/tsdb';

const PAGE_SIZE = 32 * 1024;

/**
 * Writes 20 series x 800 samples (one commit per timestamp, 1 s apart) into `dir`. Options: the
 * segment size (default 128 KiB: two segments), a checkpoint (head truncated at 400 s), and 300
 * out-of-order samples per series (WBL). Records are not compressed.
 */
export async function writeDataDir(
  dir: string,
  opts: { segmentSize?: number; checkpoint?: boolean; outOfOrder?: boolean } = {},
): Promise<void> {
  const db = await DB.open(dir, {
    walSegmentSizeBytes: opts.segmentSize ?? 4 * PAGE_SIZE,
    outOfOrderTimeWindowMs: opts.outOfOrder ? 3600_000 : 0,
    // Uncompressed, so the WAL's size and the offsets the damage lands at do not depend on snappy.
    walCompression: 'none',
    logger: () => {},
  });
  const refs = new Array<number>(20).fill(0);
  for (let j = 0; j < 800; j++) {
    const app = db.appender();
    for (let i = 0; i < 20; i++) {
      refs[i] = app.append(refs[i]!, Labels.fromStrings('__name__', 'm', 'i', String(i)), j * 1000, j);
    }
    await app.commit();
  }
  if (opts.outOfOrder) {
    for (let j = 0; j < 300; j++) {
      const app = db.appender();
      for (let i = 0; i < 20; i++)
        app.append(0, Labels.fromStrings('__name__', 'm', 'i', String(i)), j * 1000 + 500, j);
      await app.commit();
    }
  }
  if (opts.checkpoint) await db.truncateHead(400_000);
  await db.close();
  // Only the WAL: full chunks in chunks_head/ would hide what the damage cost.
  await rm(join(dir, 'chunks_head'), { recursive: true, force: true });
}

/** Flips bit 6 of byte `offset` of `file`. */
export async function flipByte(file: string, offset: number): Promise<void> {
  const b = await readFile(file);
  b[offset]! ^= 0x40;
  await writeFile(file, b);
}

/** Overwrites `file` with the same number of pseudo-random bytes. */
export async function garbage(file: string): Promise<void> {
  const b = await readFile(file);
  for (let i = 0; i < b.length; i++) b[i] = ((i * 2654435761) >>> 13) & 0xff;
  await writeFile(file, b);
}

/** Zeroes page `page` (32 KiB) of `file`. */
export async function zeroPage(file: string, page: number): Promise<void> {
  const b = await readFile(file);
  b.fill(0, page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
  await writeFile(file, b);
}

// CRC32C (Castagnoli), as WAL fragments carry it.
const crcTable = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32c(b: Uint8Array): number {
  let c = 0xffffffff;
  for (const x of b) c = crcTable[(c ^ x) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A one-page WAL segment holding one Full fragment with `payload`: checksum-valid, whatever it holds. */
export function segmentWithRecord(payload: Uint8Array): Uint8Array {
  const seg = new Uint8Array(PAGE_SIZE);
  seg[0] = 1;
  seg[1] = payload.length >> 8;
  seg[2] = payload.length & 0xff;
  new DataView(seg.buffer).setUint32(3, crc32c(payload));
  seg.set(payload, 7);
  return seg;
}

/** A samples record of series ref 1 at time 2^60 ms, which no double holds exactly. */
export function unsafeTimestampRecord(): Uint8Array {
  const p = new Uint8Array(27);
  const dv = new DataView(p.buffer);
  p[0] = 2;
  dv.setBigUint64(1, 1n);
  dv.setBigInt64(9, 1n << 60n);
  dv.setFloat64(19, 1.5);
  return p;
}
