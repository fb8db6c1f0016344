// Benchmarks for @tsprom/chunkenc: XOR (and XOR2) append and XOR iterate over realistic scrape data (120-sample
// chunks, 15s intervals with a few ms of jitter, slowly changing values), the shape Prometheus's
// head writes and queries read.
import { XOR2Chunk, XORChunk, type XORIterator } from '@tsprom/chunkenc';
import { ValueType } from '@tsprom/storage-interfaces';
import { type BenchCase, runSuite } from './harness.js';

const SAMPLES_PER_CHUNK = 120;
const CHUNKS = 64;

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

interface ChunkData {
  ts: Float64Array;
  vs: Float64Array;
}

// Per chunk: a counter, a gauge drifting slowly, or a constant, like a mix of scraped series.
function makeData(): ChunkData[] {
  const r = lcg(7);
  const out: ChunkData[] = [];
  for (let c = 0; c < CHUNKS; c++) {
    const ts = new Float64Array(SAMPLES_PER_CHUNK);
    const vs = new Float64Array(SAMPLES_PER_CHUNK);
    let t = 1_700_000_000_000 + c * 1_800_000;
    let v = c % 3 === 0 ? 1000 : 42.5;
    for (let i = 0; i < SAMPLES_PER_CHUNK; i++) {
      ts[i] = t;
      vs[i] = v;
      t += 15_000 + Math.floor((r() - 0.5) * 10); // Scrape jitter of a few ms.
      if (c % 3 === 0) v += Math.floor(r() * 20);
      else if (c % 3 === 1) v = Math.round((v + (r() - 0.5) * 0.2) * 1000) / 1000;
    }
    out.push({ ts, vs });
  }
  return out;
}

export function run(): void {
  const data = makeData();
  const chunks = data.map(({ ts, vs }) => {
    const c = new XORChunk();
    const app = c.appender();
    for (let i = 0; i < ts.length; i++) app.append(ts[i]!, vs[i]!);
    return c;
  });
  let next = 0;
  let it: XORIterator | undefined;
  const cases: BenchCase[] = [
    {
      name: 'chunkenc: XOR append (120-sample chunks)',
      unitsPerOp: SAMPLES_PER_CHUNK,
      unit: 'samples',
      fn: () => {
        const { ts, vs } = data[next++ % CHUNKS]!;
        const c = new XORChunk();
        const app = c.appender();
        for (let i = 0; i < SAMPLES_PER_CHUNK; i++) app.append(ts[i]!, vs[i]!);
        return c;
      },
    },
    {
      // The head's path: append to the open chunk and check its size for a cut, per sample.
      name: 'chunkenc: XOR2 append + byteLength (the head, xor2)',
      unitsPerOp: SAMPLES_PER_CHUNK,
      unit: 'samples',
      fn: () => {
        const { ts, vs } = data[next++ % CHUNKS]!;
        const c = new XOR2Chunk();
        let size = 0;
        for (let i = 0; i < SAMPLES_PER_CHUNK; i++) {
          c.append(ts[i]!, vs[i]!, 0);
          size += c.byteLength();
        }
        return size;
      },
    },
    {
      name: 'chunkenc: XOR iterate (next/atT/atV)',
      unitsPerOp: SAMPLES_PER_CHUNK * CHUNKS,
      unit: 'samples',
      fn: () => {
        let sum = 0;
        for (let c = 0; c < CHUNKS; c++) {
          it = chunks[c]!.iterator(it);
          while (it.next() === ValueType.Float) sum += it.atV() + it.atT();
        }
        return sum;
      },
    },
    {
      name: 'chunkenc: XOR iterate with seek (every 4th sample)',
      unitsPerOp: SAMPLES_PER_CHUNK * CHUNKS,
      unit: 'samples',
      fn: () => {
        let sum = 0;
        for (let c = 0; c < CHUNKS; c++) {
          const ts = data[c]!.ts;
          it = chunks[c]!.iterator(it);
          // Like a range query stepping 60s over 15s data: seek, read, seek further.
          for (let i = 0; i < SAMPLES_PER_CHUNK; i += 4) {
            if (it.seek(ts[i]! - 1000) !== ValueType.Float) break;
            sum += it.atV();
          }
        }
        return sum;
      },
    },
  ];
  runSuite('chunkenc', cases);
}
