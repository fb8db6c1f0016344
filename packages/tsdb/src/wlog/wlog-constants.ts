// Prometheus: tsdb/wlog/wlog.go constants (pageSize, recordHeaderSize, DefaultSegmentSize, recType).

/** Size of a WAL page in bytes; fragments never cross a page. */
export const PAGE_SIZE = 32 * 1024;
/** Fragment header: type (1 byte), length (2 bytes, BE), CRC32C of the data (4 bytes, BE). */
export const RECORD_HEADER_SIZE = 7;
/** Prometheus: wlog.DefaultSegmentSize, 128 MiB. */
export const DEFAULT_SEGMENT_SIZE = 128 * 1024 * 1024;

/** Fragment types (the low 3 bits of a fragment's type byte). */
export const FragmentType = {
  /** Rest of the page is zero padding. */
  PageTerm: 0,
  Full: 1,
  First: 2,
  Middle: 3,
  Last: 4,
} as const;
/** A value of {@link FragmentType}. */
export type FragmentType = (typeof FragmentType)[keyof typeof FragmentType];

/** Bit 3 of the type byte: the record's fragments carry snappy-compressed (block format) data. */
export const SNAPPY_MASK = 1 << 3;
/** Bit 4 of the type byte: zstd-compressed data (written by Prometheus 2.51+ when configured; read only). */
export const ZSTD_MASK = 1 << 4;
/** Low 3 bits of the type byte: the fragment type. */
export const FRAGMENT_TYPE_MASK = 7;

/** How records are compressed when written. Prometheus 2.42 knows 'none' and 'snappy'. */
export type WalCompression = 'none' | 'snappy';
