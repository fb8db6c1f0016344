// The entropy coders of Zstandard (RFC 8878 section 4) that zstd-decoder.ts uses: FSE tables,
// backward bit streams and Huffman literal tables.
import { ZstdError } from './zstd-error.js';

/** An FSE decoding table: per state, the symbol, bits to read and the base of the next state. */
export interface FseTable {
  log: number;
  symbol: Uint8Array;
  nbBits: Uint8Array;
  newState: Uint16Array;
}

/** A Huffman decoding table indexed by the next `maxBits` bits. */
export interface HufTable {
  maxBits: number;
  symbol: Uint8Array;
  nbBits: Uint8Array;
}

/** Index of the highest set bit. */
export function highBit(x: number): number {
  return 31 - Math.clz32(x);
}

/** Prometheus's zstd counterpart of FSE_buildDTable. `counts` are normalized, -1 = "less than 1". */
export function buildFse(counts: readonly number[], log: number): FseTable {
  const size = 1 << log;
  const symbol = new Uint8Array(size);
  const nbBits = new Uint8Array(size);
  const newState = new Uint16Array(size);
  const next = new Array<number>(counts.length);
  let high = size - 1;
  for (let s = 0; s < counts.length; s++) {
    if (counts[s] === -1) {
      symbol[high--] = s;
      next[s] = 1;
    } else next[s] = counts[s]!;
  }
  const step = (size >> 1) + (size >> 3) + 3;
  const mask = size - 1;
  let pos = 0;
  for (let s = 0; s < counts.length; s++) {
    for (let i = 0; i < counts[s]!; i++) {
      symbol[pos] = s;
      do pos = (pos + step) & mask;
      while (pos > high);
    }
  }
  if (pos !== 0) throw new ZstdError('invalid FSE distribution');
  for (let u = 0; u < size; u++) {
    const s = symbol[u]!;
    const ns = next[s]!++;
    const nb = log - highBit(ns);
    nbBits[u] = nb;
    newState[u] = (ns << nb) - size;
  }
  return { log, symbol, nbBits, newState };
}

export function rleFse(sym: number): FseTable {
  return { log: 0, symbol: Uint8Array.of(sym), nbBits: Uint8Array.of(0), newState: Uint16Array.of(0) };
}

/** Reads an FSE table description (RFC 8878 4.1.1) at `pos`; returns the table and bytes used. */
export function readFseTable(
  src: Uint8Array,
  pos: number,
  end: number,
  maxSymbol: number,
  maxLog: number,
): [FseTable, number] {
  let bit = 0;
  const bits = (n: number): number => {
    // Forward little-endian bit reading; bytes past `end` read as zero (checked below).
    let v = 0;
    for (let i = 0; i < n; i++) {
      const b = bit + i;
      const byte = pos + (b >> 3);
      if (byte < end && (src[byte]! >> (b & 7)) & 1) v += 2 ** i;
    }
    return v;
  };
  const log = bits(4) + 5;
  bit = 4;
  if (log > maxLog) throw new ZstdError(`FSE accuracy log ${log} too large`);
  let remaining = (1 << log) + 1;
  let threshold = 1 << log;
  let nb = log + 1;
  const counts: number[] = [];
  let previous0 = false;
  while (remaining > 1 && counts.length <= maxSymbol) {
    if (previous0) {
      let n0 = counts.length;
      for (;;) {
        const r = bits(2);
        bit += 2;
        n0 += r;
        if (r !== 3) break;
      }
      if (n0 > maxSymbol + 1) throw new ZstdError('FSE table: too many symbols');
      while (counts.length < n0) counts.push(0);
      if (counts.length > maxSymbol) break;
    }
    const max = 2 * threshold - 1 - remaining;
    let count: number;
    const low = bits(nb - 1);
    if (low < max) {
      count = low;
      bit += nb - 1;
    } else {
      count = bits(nb);
      if (count >= threshold) count -= max;
      bit += nb;
    }
    count--;
    remaining -= count < 0 ? -count : count;
    counts.push(count);
    previous0 = count === 0;
    while (remaining < threshold) {
      nb--;
      threshold >>= 1;
    }
  }
  const used = (bit + 7) >> 3;
  if (remaining !== 1 || pos + used > end) throw new ZstdError('corrupt FSE table description');
  return [buildFse(counts, log), used];
}

/**
 * A backward bit stream (RFC 8878 4.1: read from the end, after the padding marker). Bits past the
 * start read as zero; `overflowed()` tells whether that happened.
 */
export class BackBits {
  #b: Uint8Array;
  #start: number;
  /** Bits not yet consumed, counted from the start of the stream. */
  pos: number;

  constructor(b: Uint8Array, start: number, end: number) {
    if (end <= start) throw new ZstdError('empty bit stream');
    const last = b[end - 1]!;
    if (last === 0) throw new ZstdError('bit stream without end marker');
    this.#b = b;
    this.#start = start;
    this.pos = (end - start - 1) * 8 + highBit(last);
  }

  /** The next `n` (≤ 32) bits without consuming them, the first bit read being the most significant. */
  peek(n: number): number {
    if (n === 0) return 0;
    let lo = this.pos - n;
    let shiftUp = 0;
    if (lo < 0) {
      shiftUp = -lo;
      lo = 0;
    }
    const width = this.pos - lo;
    if (width <= 0) return 0;
    const b = this.#b;
    const first = this.#start + (lo >> 3);
    const sh = lo & 7;
    // Up to 40 bits: exact in a double.
    let v = 0;
    let mul = 1;
    const lastByte = this.#start + ((this.pos - 1) >> 3);
    for (let i = first; i <= lastByte; i++) {
      v += b[i]! * mul;
      mul *= 256;
    }
    v = Math.floor(v / 2 ** sh) % 2 ** width;
    return v * 2 ** shiftUp;
  }

  read(n: number): number {
    const v = this.peek(n);
    this.pos -= n;
    return v;
  }

  overflowed(): boolean {
    return this.pos < 0;
  }
}

/** Reads a Huffman tree description at `pos`; returns the table and bytes used. */
export function readHuffman(src: Uint8Array, pos: number, end: number): [HufTable, number] {
  if (pos >= end) throw new ZstdError('missing Huffman tree description');
  const header = src[pos]!;
  const weights: number[] = [];
  let used: number;
  if (header >= 128) {
    const n = header - 127;
    used = 1 + ((n + 1) >> 1);
    if (pos + used > end) throw new ZstdError('Huffman weights cut off');
    for (let i = 0; i < n; i++) {
      const byte = src[pos + 1 + (i >> 1)]!;
      weights.push(i % 2 === 0 ? byte >> 4 : byte & 0xf);
    }
  } else {
    used = 1 + header;
    if (pos + used > end) throw new ZstdError('Huffman weights cut off');
    const [fse, fseLen] = readFseTable(src, pos + 1, pos + used, 255, 6);
    const bits = new BackBits(src, pos + 1 + fseLen, pos + used);
    let s1 = bits.read(fse.log);
    let s2 = bits.read(fse.log);
    for (;;) {
      if (weights.length > 255) throw new ZstdError('too many Huffman weights');
      weights.push(fse.symbol[s1]!);
      s1 = fse.newState[s1]! + bits.read(fse.nbBits[s1]!);
      if (bits.overflowed()) {
        weights.push(fse.symbol[s2]!);
        break;
      }
      weights.push(fse.symbol[s2]!);
      s2 = fse.newState[s2]! + bits.read(fse.nbBits[s2]!);
      if (bits.overflowed()) {
        weights.push(fse.symbol[s1]!);
        break;
      }
    }
  }
  let sum = 0;
  for (const w of weights) {
    if (w > 11) throw new ZstdError('Huffman weight too large');
    if (w > 0) sum += 1 << (w - 1);
  }
  if (sum === 0) throw new ZstdError('Huffman weights all zero');
  const maxBits = highBit(sum) + 1;
  const leftover = (1 << maxBits) - sum;
  if (leftover & (leftover - 1)) throw new ZstdError('Huffman weights do not complete a tree');
  weights.push(highBit(leftover) + 1);
  if (maxBits > 11) throw new ZstdError('Huffman code too long');
  const size = 1 << maxBits;
  const symbol = new Uint8Array(size);
  const nbBits = new Uint8Array(size);
  // Codes are assigned by increasing weight, then symbol: rank starts per weight.
  const rankCount = new Array<number>(maxBits + 2).fill(0);
  for (const w of weights) rankCount[w]!++;
  const rankStart = new Array<number>(maxBits + 2).fill(0);
  let next = 0;
  for (let w = 1; w <= maxBits; w++) {
    rankStart[w] = next;
    next += rankCount[w]! << (w - 1);
  }
  for (let s = 0; s < weights.length; s++) {
    const w = weights[s]!;
    if (w === 0) continue;
    const len = 1 << (w - 1);
    const start = rankStart[w]!;
    symbol.fill(s, start, start + len);
    nbBits.fill(maxBits + 1 - w, start, start + len);
    rankStart[w] = start + len;
  }
  return [{ maxBits, symbol, nbBits }, used];
}

export function decodeHufStream(
  t: HufTable,
  src: Uint8Array,
  start: number,
  end: number,
  out: Uint8Array,
  from: number,
  to: number,
): void {
  const bits = new BackBits(src, start, end);
  const { maxBits, symbol, nbBits } = t;
  for (let i = from; i < to; i++) {
    const idx = bits.peek(maxBits);
    out[i] = symbol[idx]!;
    bits.pos -= nbBits[idx]!;
  }
  if (bits.pos !== 0) throw new ZstdError('Huffman stream not fully consumed');
}
