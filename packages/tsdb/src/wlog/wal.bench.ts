// WAL write and replay throughput: `vitest bench --run src/wlog`. On the dev machine (2 shared
// cores, 100k samples of one scrape round): encode + log ~24 M samples/s uncompressed, ~10 M/s
// snappy; read + decode from memory ~55 M/s uncompressed, ~16 M/s snappy. With 30 rounds through
// real files (readFileSync per segment) replay measured ~10 M/s uncompressed, ~5.5 M/s snappy.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, bench, describe } from 'vitest';
import { RecordDecoder } from '../record/record-decoder.js';
import { RecordEncoder } from '../record/record-encoder.js';
import { newRefSamples } from '../record/ref-types.js';
import { WL } from './wl.js';
import { WLReader } from './wl-reader.js';

const N = 100_000; // Series per scrape round; one round = 20 records of 5000 samples.
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

for (const compression of ['none', 'snappy'] as const) {
  describe(`WAL ${compression}: 100k samples per iteration`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'walbench-'));
    dirs.push(dir);
    const enc = new RecordEncoder();
    const cols = newRefSamples(N);
    for (let i = 0; i < N; i++) {
      cols.refs[i] = i + 1;
      cols.ts[i] = 1_700_000_000_000;
      cols.vs[i] = i * 0.5;
    }
    cols.length = N;
    const w = await WL.open(dir, { compression });
    bench('encode + log', () => {
      const recs: Uint8Array[] = [];
      for (let from = 0; from < N; from += 5000) recs.push(enc.samplesColumnar(cols, from, from + 5000));
      w.logSync(recs);
    });
    const dec = new RecordDecoder();
    const out = newRefSamples(8192);
    const segment = { index: 0, bytes: new Uint8Array(0) };
    bench(
      'read + decode (replay)',
      () => {
        const r = new WLReader([segment]);
        while (r.next()) {
          out.length = 0;
          dec.samplesInto(r.record(), out);
        }
      },
      {
        async setup() {
          // One round logged and closed, then read from memory.
          const d = mkdtempSync(join(tmpdir(), 'walbench-r-'));
          dirs.push(d);
          const w2 = await WL.open(d, { compression });
          const recs: Uint8Array[] = [];
          for (let from = 0; from < N; from += 5000) recs.push(enc.samplesColumnar(cols, from, from + 5000));
          w2.logSync(recs);
          await w2.close();
          segment.bytes = new Uint8Array(readFileSync(join(d, '00000000')));
        },
      },
    );
  });
}
