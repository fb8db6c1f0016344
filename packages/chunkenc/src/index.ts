export { chunkFromBytes, isSupportedEncoding, newChunk } from './chunk-factory.js';
export { crc32c } from './crc32c.js';
export { ChunkEncodingError, encodingName, HistogramNotAppendableError, UnknownEncodingError } from './errors.js';
export { float64Bits, float64FromBits } from './float-bits.js';
export { FloatHistogramAppender } from './float-histogram-appender.js';
export { FloatHistogramChunk } from './float-histogram-chunk.js';
export { FloatHistogramIterator } from './float-histogram-iterator.js';
export { HistogramAppender } from './histogram-appender.js';
export { HistogramChunk } from './histogram-chunk.js';
export { HistogramIterator } from './histogram-iterator.js';
export { CounterResetHeader, type HistogramLayout } from './histogram-layout.js';
export {
  type BigVarintResult,
  MAX_VARINT_LEN64,
  putUvarint,
  putUvarintBig,
  putVarint,
  putVarintBig,
  uvarint,
  uvarintBig,
  uvarintSize,
  type VarintResult,
  varint,
  varintBig,
  varintSize,
} from './varint.js';
export type { XORAppender } from './xor-appender.js';
export { type FromBytesOptions, XORChunk } from './xor-chunk.js';
export { XORIterator } from './xor-iterator.js';
export type { XOR2Appender } from './xor2-appender.js';
export { XOR2Chunk } from './xor2-chunk.js';
export { XOR2Iterator } from './xor2-iterator.js';
