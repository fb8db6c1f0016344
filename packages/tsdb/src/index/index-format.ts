// Prometheus: tsdb/index/index.go MagicIndex, FormatV2, TOC, NewTOCFromByteSlice, the constants of
// the index file (../shared/reference/tsdb-format/index.md).
import { crc32c } from '@tsprom/chunkenc';

/** Magic number at the start of an index file. */
export const MAGIC_INDEX = 0xbaaad700;
/** The index format written and read (v1, from Prometheus before 2.1, is not supported). */
export const INDEX_FORMAT_V2 = 2;
/** Magic (4) and version (1). */
export const INDEX_HEADER_SIZE = 5;
/** Six 8-byte section offsets and a CRC32. */
export const INDEX_TOC_SIZE = 6 * 8 + 4;
/** Prometheus: symbolFactor. Every 32nd symbol and postings offset entry is kept in memory. */
export const SAMPLE_FACTOR = 32;
/** Series entries start at multiples of 16; a series' ID (its ref) is its offset / 16. */
export const SERIES_ALIGNMENT = 16;

const TWO_32 = 4294967296;

/** Prometheus: index.TOC. File offsets of the sections; 0 means the section is absent. */
export interface IndexTOC {
  symbols: number;
  series: number;
  labelIndices: number;
  labelIndicesTable: number;
  postings: number;
  postingsTable: number;
}

/** Encodes the TOC with its CRC32C. */
export function encodeTOC(toc: IndexTOC): Uint8Array {
  const b = new Uint8Array(INDEX_TOC_SIZE);
  const dv = new DataView(b.buffer);
  const vals = [toc.symbols, toc.series, toc.labelIndices, toc.labelIndicesTable, toc.postings, toc.postingsTable];
  for (let i = 0; i < 6; i++) {
    const v = vals[i]!;
    dv.setUint32(i * 8, Math.floor(v / TWO_32));
    dv.setUint32(i * 8 + 4, v % TWO_32);
  }
  dv.setUint32(48, crc32c(b.subarray(0, 48)));
  return b;
}

/** Decodes a TOC (the last 52 bytes of the file); undefined when its checksum does not match. */
export function decodeTOC(b: Uint8Array): IndexTOC | undefined {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (dv.getUint32(48) !== crc32c(b.subarray(0, 48))) return undefined;
  const v = (i: number): number => dv.getUint32(i * 8) * TWO_32 + dv.getUint32(i * 8 + 4);
  return {
    symbols: v(0),
    series: v(1),
    labelIndices: v(2),
    labelIndicesTable: v(3),
    postings: v(4),
    postingsTable: v(5),
  };
}
