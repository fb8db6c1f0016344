// Benchmarks for @tsprom/chunkenc: XOR (and XOR2) append and XOR iterate over realistic scrape data (120-sample
// chunks, 15s intervals with a few ms of jitter, slowly changing values), the shape Prometheus's
// head writes and queries read; and the same for native histograms (integer and float histogram
// chunks: 120 samples of a schema-3 counter histogram with 20 buckets in 3 spans).
import {
  FloatHistogramChunk,
  type FloatHistogramIterator,
  HistogramChunk,
  type HistogramIterator,
  XOR2Chunk,
  XORChunk,
  type XORIterator,
} from '@tsprom/chunkenc';
import { CounterResetHint, type FloatHistogram, type Histogram, ValueType } from '@tsprom/storage-interfaces';
import { type BenchCase, formatRate, report, runSuite } from './harness.js';

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

interface HistogramData {
  ts: Float64Array;
  hs: Histogram[];
  fhs: FloatHistogram[];
}

// Per chunk: a counter histogram whose buckets grow a little each scrape, as a latency histogram
// under steady load does (20 buckets: spans of 8, 7 and 5, gaps of 2 and 1).
function makeHistogramData(): HistogramData[] {
  const r = lcg(11);
  const out: HistogramData[] = [];
  const positiveSpans = [
    { offset: -4, length: 8 },
    { offset: 2, length: 7 },
    { offset: 1, length: 5 },
  ];
  for (let c = 0; c < CHUNKS; c++) {
    const ts = new Float64Array(SAMPLES_PER_CHUNK);
    const hs: Histogram[] = [];
    const fhs: FloatHistogram[] = [];
    const abs = new Array<number>(20).fill(0).map((_, i) => 100 * (i + 1));
    let t = 1_700_000_000_000 + c * 1_800_000;
    let zero = 5;
    let sum = 1234.5;
    for (let i = 0; i < SAMPLES_PER_CHUNK; i++) {
      ts[i] = t;
      t += 15_000 + Math.floor((r() - 0.5) * 10);
      for (let b = 0; b < abs.length; b++) abs[b]! += Math.floor(r() * (b < 10 ? 12 : 3));
      zero += Math.floor(r() * 2);
      sum += r() * 50;
      let count = zero;
      const deltas = new Array<number>(abs.length);
      for (let b = 0; b < abs.length; b++) {
        count += abs[b]!;
        deltas[b] = abs[b]! - (b > 0 ? abs[b - 1]! : 0);
      }
      const h: Histogram = {
        counterResetHint: CounterResetHint.Unknown,
        schema: 3,
        zeroThreshold: 2 ** -128,
        zeroCount: zero,
        count,
        sum,
        positiveSpans,
        negativeSpans: [],
        positiveBuckets: deltas,
        negativeBuckets: [],
      };
      hs.push(h);
      fhs.push({ ...h, positiveBuckets: abs.map((v) => v * 0.5), zeroCount: zero * 0.5, count: count * 0.5 });
    }
    out.push({ ts, hs, fhs });
  }
  return out;
}

function histogramCases(): BenchCase[] {
  const data = makeHistogramData();
  const chunks = data.map(({ ts, hs }) => {
    const c = new HistogramChunk();
    for (let i = 0; i < ts.length; i++) c.appendHistogram(ts[i]!, hs[i]!);
    return c;
  });
  const fchunks = data.map(({ ts, fhs }) => {
    const c = new FloatHistogramChunk();
    for (let i = 0; i < ts.length; i++) c.appendFloatHistogram(ts[i]!, fhs[i]!);
    return c;
  });
  let next = 0;
  let it: HistogramIterator | undefined;
  let fit: FloatHistogramIterator | undefined;
  return [
    {
      name: 'chunkenc: histogram append (120 samples, 20 buckets)',
      unitsPerOp: SAMPLES_PER_CHUNK,
      unit: 'histograms',
      fn: () => {
        const { ts, hs } = data[next++ % CHUNKS]!;
        const c = new HistogramChunk();
        for (let i = 0; i < SAMPLES_PER_CHUNK; i++) c.appendHistogram(ts[i]!, hs[i]!);
        return c;
      },
    },
    {
      name: 'chunkenc: histogram iterate (next/atHistogram)',
      unitsPerOp: SAMPLES_PER_CHUNK * CHUNKS,
      unit: 'histograms',
      fn: () => {
        let sum = 0;
        for (let c = 0; c < CHUNKS; c++) {
          it = chunks[c]!.iterator(it);
          while (it.next() === ValueType.Histogram) sum += it.atHistogram().count + it.atT();
        }
        return sum;
      },
    },
    {
      name: 'chunkenc: histogram iterate as float (atFloatHistogram)',
      unitsPerOp: SAMPLES_PER_CHUNK * CHUNKS,
      unit: 'histograms',
      fn: () => {
        let sum = 0;
        for (let c = 0; c < CHUNKS; c++) {
          it = chunks[c]!.iterator(it);
          while (it.next() === ValueType.Histogram) sum += it.atFloatHistogram().positiveBuckets[19]!;
        }
        return sum;
      },
    },
    {
      name: 'chunkenc: float histogram append (120 samples, 20 buckets)',
      unitsPerOp: SAMPLES_PER_CHUNK,
      unit: 'histograms',
      fn: () => {
        const { ts, fhs } = data[next++ % CHUNKS]!;
        const c = new FloatHistogramChunk();
        for (let i = 0; i < SAMPLES_PER_CHUNK; i++) c.appendFloatHistogram(ts[i]!, fhs[i]!);
        return c;
      },
    },
    {
      name: 'chunkenc: float histogram iterate (next/atFloatHistogram)',
      unitsPerOp: SAMPLES_PER_CHUNK * CHUNKS,
      unit: 'histograms',
      fn: () => {
        let sum = 0;
        for (let c = 0; c < CHUNKS; c++) {
          fit = fchunks[c]!.iterator(fit);
          while (fit.next() === ValueType.FloatHistogram) sum += fit.atFloatHistogram().count + fit.atT();
        }
        return sum;
      },
    },
  ];
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
  const batchTs = new Float64Array(SAMPLES_PER_CHUNK);
  const batchVs = new Float64Array(SAMPLES_PER_CHUNK);
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
      // A chunk that is kept (a head's completed chunk): compact() moves its bytes out of the slab
      // new chunks share into an exact-size buffer of their own.
      name: 'chunkenc: XOR append + compact (a chunk kept)',
      unitsPerOp: SAMPLES_PER_CHUNK,
      unit: 'samples',
      fn: () => {
        const { ts, vs } = data[next++ % CHUNKS]!;
        const c = new XORChunk();
        const app = c.appender();
        for (let i = 0; i < SAMPLES_PER_CHUNK; i++) app.append(ts[i]!, vs[i]!);
        c.compact();
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
      // The batch path a query evaluator uses: whole chunks into caller-owned arrays.
      name: 'chunkenc: XOR decodeInto (whole chunks, batch)',
      unitsPerOp: SAMPLES_PER_CHUNK * CHUNKS,
      unit: 'samples',
      fn: () => {
        let sum = 0;
        for (let c = 0; c < CHUNKS; c++) {
          it = chunks[c]!.iterator(it);
          const n = it.decodeInto(batchTs, batchVs);
          sum += batchTs[n - 1]! + batchVs[n - 1]!;
        }
        return sum;
      },
    },
    {
      // A lookback window near a chunk's end: the skip loop decodes without materialising values.
      name: 'chunkenc: XOR seek to the last sample (skip)',
      unitsPerOp: SAMPLES_PER_CHUNK * CHUNKS,
      unit: 'samples',
      fn: () => {
        let sum = 0;
        for (let c = 0; c < CHUNKS; c++) {
          it = chunks[c]!.iterator(it);
          if (it.seek(data[c]!.ts[SAMPLES_PER_CHUNK - 1]!) === ValueType.Float) sum += it.atV();
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
    ...histogramCases(),
  ];
  runSuite('chunkenc', cases);
  // The same XOR cases by CPU time (process.cpuUsage), which other processes on a shared machine
  // disturb less than the wall clock above.
  for (const c of cases) {
    if (!c.name.includes('XOR') || c.name.includes('XOR2')) continue;
    report(`${c.name.replace('chunkenc: ', 'cpu: ')}`, formatRate(cpuRate(c), c.unit));
  }
  if (typeof cpuSink === 'symbol') report('chunkenc', 'sink'); // Keeps the results observable.
}

let cpuSink: unknown;

// Best of 5 rounds of ~200 ms each: units per second of CPU time used by this process.
function cpuRate(c: BenchCase): number {
  for (let i = 0; i < 50; i++) cpuSink = c.fn();
  let best = 0;
  for (let r = 0; r < 5; r++) {
    const start = process.cpuUsage();
    const wallStart = performance.now();
    let ops = 0;
    do {
      cpuSink = c.fn();
      ops++;
    } while (performance.now() - wallStart < 200);
    const used = process.cpuUsage(start);
    const seconds = (used.user + used.system) / 1e6;
    if (seconds > 0) best = Math.max(best, (ops * c.unitsPerOp) / seconds);
  }
  return best;
}
