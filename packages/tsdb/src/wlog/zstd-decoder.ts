// Zstandard decompression (RFC 8878), for WAL records Prometheus 2.51+ writes with
// `--storage.tsdb.wal-compression-type=zstd` (github.com/klauspost/compress/zstd EncodeAll).
// Frames, raw/RLE/compressed blocks, Huffman literals (1 or 4 streams), FSE sequences with
// predefined, RLE, compressed and repeated tables. Dictionaries are not supported (Prometheus
// uses none); the optional content checksum is not verified (the WAL fragments carry a CRC32C).

import {
  BackBits,
  buildFse,
  decodeHufStream,
  type FseTable,
  type HufTable,
  readFseTable,
  readHuffman,
  rleFse,
} from './zstd-entropy.js';
import { ZstdError } from './zstd-error.js';

const MAGIC = 0xfd2fb528;
const MAX_BLOCK_SIZE = 128 * 1024;

// RFC 8878 3.1.1.3.2.2: predefined distributions and accuracy logs.
const LL_DEFAULT = [
  4, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 3, 2, 1, 1, 1, 1, 1, -1, -1, -1, -1,
];
const ML_DEFAULT = [
  1, 4, 3, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
  1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1, -1, -1,
];
const OF_DEFAULT = [1, 1, 1, 1, 1, 1, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, -1, -1, -1, -1, -1];

// RFC 8878 3.1.1.3.2.1.1: literal length and match length codes.
const LL_BASE = [
  0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 20, 22, 24, 28, 32, 40, 48, 64, 128, 256, 512, 1024,
  2048, 4096, 8192, 16384, 32768, 65536,
];
const LL_BITS = [
  0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 3, 3, 4, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
];
const ML_BASE: number[] = [];
const ML_BITS: number[] = [];
for (let i = 0; i < 32; i++) {
  ML_BASE.push(i + 3);
  ML_BITS.push(0);
}
ML_BASE.push(35, 37, 39, 41, 43, 47, 51, 59, 67, 83, 99, 131, 259, 515, 1027, 2051, 4099, 8195, 16387, 32771, 65539);
ML_BITS.push(1, 1, 1, 1, 2, 2, 3, 3, 4, 4, 5, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16);

const LL_PREDEFINED = buildFse(LL_DEFAULT, 6);
const ML_PREDEFINED = buildFse(ML_DEFAULT, 6);
const OF_PREDEFINED = buildFse(OF_DEFAULT, 5);

/** Per-frame state carried from block to block. */
interface FrameState {
  huf: HufTable | undefined;
  ll: FseTable | undefined;
  of: FseTable | undefined;
  ml: FseTable | undefined;
  rep: [number, number, number];
}

/** A growable output buffer. */
class Out {
  b: Uint8Array;
  len = 0;
  constructor(cap: number) {
    this.b = new Uint8Array(Math.max(cap, 64));
  }
  ensure(n: number): void {
    if (this.len + n <= this.b.length) return;
    let cap = this.b.length * 2;
    while (cap < this.len + n) cap *= 2;
    const nb = new Uint8Array(cap);
    nb.set(this.b.subarray(0, this.len));
    this.b = nb;
  }
}

function readLiterals(src: Uint8Array, pos: number, end: number, st: FrameState): [Uint8Array, number] {
  const b0 = src[pos]!;
  const type = b0 & 3;
  const sf = (b0 >> 2) & 3;
  if (type <= 1) {
    let regen: number;
    let hl: number;
    if ((sf & 1) === 0) {
      regen = b0 >> 3;
      hl = 1;
    } else if (sf === 1) {
      regen = (b0 >> 4) + (src[pos + 1]! << 4);
      hl = 2;
    } else {
      regen = (b0 >> 4) + (src[pos + 1]! << 4) + (src[pos + 2]! << 12);
      hl = 3;
    }
    if (type === 0) {
      if (pos + hl + regen > end) throw new ZstdError('raw literals cut off');
      return [src.subarray(pos + hl, pos + hl + regen), hl + regen];
    }
    if (pos + hl >= end) throw new ZstdError('RLE literals cut off');
    return [new Uint8Array(regen).fill(src[pos + hl]!), hl + 1];
  }
  let regen: number;
  let comp: number;
  let hl: number;
  const streams = sf === 0 ? 1 : 4;
  if (sf <= 1) {
    const v = (b0 | (src[pos + 1]! << 8) | (src[pos + 2]! << 16)) >>> 4;
    regen = v & 0x3ff;
    comp = v >>> 10;
    hl = 3;
  } else if (sf === 2) {
    const v = (b0 | (src[pos + 1]! << 8) | (src[pos + 2]! << 16) | (src[pos + 3]! << 24)) >>> 4;
    regen = v & 0x3fff;
    comp = v >>> 14;
    hl = 4;
  } else {
    const v =
      ((b0 | (src[pos + 1]! << 8) | (src[pos + 2]! << 16) | (src[pos + 3]! << 24)) >>> 4) + src[pos + 4]! * 2 ** 28;
    regen = v % 2 ** 18;
    comp = Math.floor(v / 2 ** 18);
    hl = 5;
  }
  let p = pos + hl;
  const cend = p + comp;
  if (cend > end) throw new ZstdError('compressed literals cut off');
  if (type === 2) {
    const [t, used] = readHuffman(src, p, cend);
    st.huf = t;
    p += used;
  } else if (st.huf === undefined) {
    throw new ZstdError('treeless literals without a previous Huffman table');
  }
  const huf = st.huf!;
  const out = new Uint8Array(regen);
  if (streams === 1) {
    decodeHufStream(huf, src, p, cend, out, 0, regen);
  } else {
    if (p + 6 > cend) throw new ZstdError('literals jump table cut off');
    const s1 = src[p]! | (src[p + 1]! << 8);
    const s2 = src[p + 2]! | (src[p + 3]! << 8);
    const s3 = src[p + 4]! | (src[p + 5]! << 8);
    p += 6;
    const seg = Math.floor((regen + 3) / 4);
    const a = p + s1;
    const b = a + s2;
    const c = b + s3;
    if (c > cend) throw new ZstdError('literals streams overflow');
    decodeHufStream(huf, src, p, a, out, 0, seg);
    decodeHufStream(huf, src, a, b, out, seg, 2 * seg);
    decodeHufStream(huf, src, b, c, out, 2 * seg, 3 * seg);
    decodeHufStream(huf, src, c, cend, out, 3 * seg, regen);
  }
  return [out, cend - pos];
}

function pickTable(
  mode: number,
  src: Uint8Array,
  pos: number,
  end: number,
  predefined: FseTable,
  prev: FseTable | undefined,
  maxSymbol: number,
  maxLog: number,
): [FseTable, number] {
  switch (mode) {
    case 0:
      return [predefined, 0];
    case 1:
      if (pos >= end) throw new ZstdError('RLE table cut off');
      if (src[pos]! > maxSymbol) throw new ZstdError('RLE symbol out of range');
      return [rleFse(src[pos]!), 1];
    case 2:
      return readFseTable(src, pos, end, maxSymbol, maxLog);
    default:
      if (prev === undefined) throw new ZstdError('repeat table mode without a previous table');
      return [prev, 0];
  }
}

function decompressBlock(src: Uint8Array, pos: number, end: number, st: FrameState, out: Out): void {
  const [lits, litLen] = readLiterals(src, pos, end, st);
  let p = pos + litLen;
  if (p >= end) throw new ZstdError('sequences section missing');
  let nbSeq = src[p]!;
  if (nbSeq === 0) {
    p++;
  } else if (nbSeq < 128) {
    p++;
  } else if (nbSeq < 255) {
    nbSeq = ((nbSeq - 128) << 8) + src[p + 1]!;
    p += 2;
  } else {
    nbSeq = src[p + 1]! + (src[p + 2]! << 8) + 0x7f00;
    p += 3;
  }
  if (nbSeq === 0) {
    if (p !== end) throw new ZstdError('unexpected bytes after an empty sequences section');
    out.ensure(lits.length);
    out.b.set(lits, out.len);
    out.len += lits.length;
    return;
  }
  const modes = src[p++]!;
  if (modes & 3) throw new ZstdError('reserved bits set in sequence modes');
  let used: number;
  [st.ll, used] = pickTable(modes >> 6, src, p, end, LL_PREDEFINED, st.ll, 35, 9);
  p += used;
  [st.of, used] = pickTable((modes >> 4) & 3, src, p, end, OF_PREDEFINED, st.of, 31, 8);
  p += used;
  [st.ml, used] = pickTable((modes >> 2) & 3, src, p, end, ML_PREDEFINED, st.ml, 52, 9);
  p += used;
  const ll = st.ll;
  const of = st.of;
  const ml = st.ml;
  const bits = new BackBits(src, p, end);
  let sLL = bits.read(ll.log);
  let sOF = bits.read(of.log);
  let sML = bits.read(ml.log);
  const rep = st.rep;
  let litPos = 0;
  for (let i = 0; i < nbSeq; i++) {
    const ofCode = of.symbol[sOF]!;
    const llCode = ll.symbol[sLL]!;
    const mlCode = ml.symbol[sML]!;
    if (ofCode > 31 || llCode > 35 || mlCode > 52) throw new ZstdError('invalid sequence code');
    const ofValue = 2 ** ofCode + bits.read(ofCode);
    const matchLen = ML_BASE[mlCode]! + bits.read(ML_BITS[mlCode]!);
    const litLenN = LL_BASE[llCode]! + bits.read(LL_BITS[llCode]!);
    let offset: number;
    if (ofValue > 3) {
      offset = ofValue - 3;
      rep[2] = rep[1];
      rep[1] = rep[0];
      rep[0] = offset;
    } else {
      const idx = ofValue - 1 + (litLenN === 0 ? 1 : 0);
      if (idx === 0) offset = rep[0];
      else if (idx === 1) {
        offset = rep[1];
        rep[1] = rep[0];
        rep[0] = offset;
      } else {
        offset = idx === 2 ? rep[2] : rep[0] - 1;
        rep[2] = rep[1];
        rep[1] = rep[0];
        rep[0] = offset;
      }
    }
    if (i < nbSeq - 1) {
      sLL = ll.newState[sLL]! + bits.read(ll.nbBits[sLL]!);
      sML = ml.newState[sML]! + bits.read(ml.nbBits[sML]!);
      sOF = of.newState[sOF]! + bits.read(of.nbBits[sOF]!);
    }
    if (litPos + litLenN > lits.length) throw new ZstdError('sequence reads past the literals');
    out.ensure(litLenN + matchLen);
    const ob = out.b;
    ob.set(lits.subarray(litPos, litPos + litLenN), out.len);
    out.len += litLenN;
    litPos += litLenN;
    if (offset <= 0 || offset > out.len) throw new ZstdError('match offset out of range');
    let from = out.len - offset;
    let to = out.len;
    for (let k = 0; k < matchLen; k++) ob[to++] = ob[from++]!;
    out.len = to;
  }
  if (bits.pos !== 0) throw new ZstdError('sequence bit stream not fully consumed');
  const rest = lits.length - litPos;
  out.ensure(rest);
  out.b.set(lits.subarray(litPos), out.len);
  out.len += rest;
}

/** Decompresses one or more concatenated zstd frames (skippable frames are skipped). */
export function zstdDecode(src: Uint8Array, maxLength = 0x7fffffff): Uint8Array {
  const out = new Out(src.length * 4);
  let p = 0;
  const dv = new DataView(src.buffer, src.byteOffset, src.byteLength);
  while (p < src.length) {
    if (p + 4 > src.length) throw new ZstdError('truncated frame magic');
    const magic = dv.getUint32(p, true);
    if ((magic & 0xfffffff0) === 0x184d2a50) {
      if (p + 8 > src.length) throw new ZstdError('truncated skippable frame');
      p += 8 + dv.getUint32(p + 4, true);
      continue;
    }
    if (magic !== MAGIC) throw new ZstdError(`bad frame magic ${magic.toString(16)}`);
    p += 4;
    const fhd = src[p++]!;
    if (fhd === undefined) throw new ZstdError('truncated frame header');
    const fcsFlag = fhd >> 6;
    const single = (fhd >> 5) & 1;
    if (fhd & 8) throw new ZstdError('reserved frame header bit set');
    const checksum = (fhd >> 2) & 1;
    const dictFlag = fhd & 3;
    if (!single) p++; // Window descriptor: the whole frame is decoded into one buffer anyway.
    const dictBytes = [0, 1, 2, 4][dictFlag]!;
    let dictId = 0;
    for (let i = 0; i < dictBytes; i++) dictId += src[p + i]! * 256 ** i;
    if (dictId !== 0) throw new ZstdError('zstd dictionaries are not supported');
    p += dictBytes;
    const fcsBytes = fcsFlag === 0 ? (single ? 1 : 0) : [0, 2, 4, 8][fcsFlag]!;
    let fcs = -1;
    if (fcsBytes > 0) {
      fcs = 0;
      for (let i = 0; i < fcsBytes; i++) fcs += src[p + i]! * 256 ** i;
      if (fcsBytes === 2) fcs += 256;
      p += fcsBytes;
      if (fcs > maxLength) throw new ZstdError(`frame content size ${fcs} exceeds ${maxLength}`);
      out.ensure(fcs);
    }
    if (p > src.length) throw new ZstdError('truncated frame header');
    const frameStart = out.len;
    const st: FrameState = { huf: undefined, ll: undefined, of: undefined, ml: undefined, rep: [1, 4, 8] };
    for (;;) {
      if (p + 3 > src.length) throw new ZstdError('truncated block header');
      const bh = src[p]! | (src[p + 1]! << 8) | (src[p + 2]! << 16);
      p += 3;
      const last = bh & 1;
      const type = (bh >> 1) & 3;
      const size = bh >>> 3;
      if (type === 1) {
        if (p + 1 > src.length) throw new ZstdError('truncated RLE block');
        out.ensure(size);
        out.b.fill(src[p]!, out.len, out.len + size);
        out.len += size;
        p += 1;
      } else {
        if (size > MAX_BLOCK_SIZE || p + size > src.length) throw new ZstdError('block size out of range');
        if (type === 0) {
          out.ensure(size);
          out.b.set(src.subarray(p, p + size), out.len);
          out.len += size;
        } else if (type === 2) {
          decompressBlock(src, p, p + size, st, out);
        } else throw new ZstdError('reserved block type');
        p += size;
      }
      if (out.len > maxLength) throw new ZstdError(`decompressed size exceeds ${maxLength}`);
      if (last) break;
    }
    if (fcs >= 0 && out.len - frameStart !== fcs) throw new ZstdError('frame content size mismatch');
    if (checksum) p += 4;
    if (p > src.length) throw new ZstdError('truncated frame checksum');
  }
  return out.b.slice(0, out.len);
}
