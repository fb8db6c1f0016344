// The WebAssembly decode kernel of XORIterator's batch loop (xor-decode-kernel.wat): instantiated
// on first use, synchronously (the module is under 2 KiB, well below the 4 KiB browsers allow
// compiling on the main thread), or not at all where WebAssembly is missing or refused (a content
// security policy) or the platform is big-endian (the kernel's outputs are little-endian words
// copied as they are); the iterator decodes in JavaScript then.
import { XOR_DECODE_KERNEL_HEX } from './xor-decode-kernel.js';

/** Byte offsets in the kernel's memory (see xor-decode-kernel.wat). */
export const K_T = 0; // f64 slot 0
export const K_TDELTA = 1; // f64 slot 1
export const K_STOP_T = 2; // f64 slot 2
export const K_VALUE_LO = 6; // i32 slot of the value's low word (byte 24)
export const K_VALUE_HI = 7;
export const K_LEADING = 8;
export const K_TRAILING = 9;
export const K_WINDOW = 10;
export const K_POS = 11;
export const K_END_BITS = 12;
export const K_STATUS = 13;
export const K_READ = 14;
export const K_NUM_READ = 15;
/** f64 index of the first time out; the value bits out start at i32 index K_OUT_V. */
export const K_OUT_T = 64 / 8;
export const K_OUT_V = 8256 / 4;
/** Samples one decode call stores at most. */
export const K_OUT_CAP = 1024;
/** Chunk bytes the kernel takes at most. */
export const K_MAX_BYTES = 32768;
/** Byte offset where the caller copies the chunk bytes for `load`. */
export const K_STAGE = 65536;

/** Status of a decode call. */
export const K_DONE = 0;
export const K_STOPPED = 1;
export const K_ENDED = 2;
export const K_WIDE_DOD = 3;

/** The instantiated kernel: its decode function and views of its memory. */
export interface XORDecodeKernel {
  /** Takes the first `len` bytes at K_STAGE as the chunk to decode. */
  load(len: number): void;
  /**
   * Decodes until `count` samples are stored (stride 8) or skipped (stride 0); returns those
   * stored. `load` (unless -1) is a `load` call to make first.
   */
  decode(count: number, stride: number, load: number): number;
  readonly f64: Float64Array;
  readonly i32: Int32Array;
  readonly u8: Uint8Array;
  /** Views of the first n times out (index n), made on first use. */
  readonly outTimes: Float64Array[];
  /** Views of the first n values out as words (index n), made on first use. */
  readonly outWords: Int32Array[];
}

// The part of the WebAssembly API used here, typed locally: Node's types do not declare it, and the
// package's universal build does not take the DOM's.
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

let kernel: XORDecodeKernel | null | undefined;

/** The kernel, instantiated on the first call; null where it cannot run. */
export function xorDecodeKernel(): XORDecodeKernel | null {
  if (kernel === undefined) kernel = instantiate();
  return kernel;
}

function instantiate(): XORDecodeKernel | null {
  const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (!littleEndian || wasm === undefined) return null;
  const hex = XOR_DECODE_KERNEL_HEX;
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  try {
    const instance = new wasm.Instance(new wasm.Module(bytes), {});
    const buffer = (instance.exports['memory'] as { buffer: ArrayBuffer }).buffer;
    const load = instance.exports['load'] as (len: number) => void;
    const decode = instance.exports['decode'] as (count: number, stride: number, load: number) => number;
    const outTimes: Float64Array[] = [];
    const outWords: Int32Array[] = [];
    for (let n = 0; n <= K_OUT_CAP; n++) {
      outTimes.push(new Float64Array(buffer, K_OUT_T * 8, n));
      outWords.push(new Int32Array(buffer, K_OUT_V * 4, 2 * n));
    }
    return {
      load,
      decode,
      f64: new Float64Array(buffer),
      i32: new Int32Array(buffer),
      u8: new Uint8Array(buffer),
      outTimes,
      outWords,
    };
  } catch {
    return null; // WebAssembly refused here (a content security policy, say): decode in JavaScript.
  }
}
