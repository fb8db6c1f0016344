// labelRunsWellFormed lets a refused request skip the reference decoding: wherever it holds on a
// scanned body, the reference decoder (write-request.ts) must take the body.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { labelRunsWellFormed, scanUsualV1 } from './receive-v1-scan.js';
import { decodeWriteRequest, encodeWriteRequest } from './write-request.js';

const text = fc.oneof(fc.constantFrom('__name__', 'job', 'up', '', 'é'), fc.string({ maxLength: 5 }));
const request = fc.array(
  fc.record({
    labels: fc.array(fc.record({ name: text, value: text }), { maxLength: 3 }),
    samples: fc.array(fc.record({ timestamp: fc.integer(), value: fc.double() }), { maxLength: 2 }),
  }),
  { maxLength: 4 },
);
/** Damage: bytes replaced at positions, or inserted (a Label field of any bytes, say). */
const edits = fc.array(fc.tuple(fc.boolean(), fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 6 })), {
  maxLength: 3,
});

function decodes(buf: Uint8Array): boolean {
  try {
    decodeWriteRequest(buf);
    return true;
  } catch {
    return false;
  }
}

describe('labelRunsWellFormed', () => {
  it('holds on intact bodies', () => {
    fc.assert(
      fc.property(request, (ts) => {
        const body = encodeWriteRequest({
          timeseries: ts.map((t) => ({ ...t, exemplars: [], histograms: [] })),
          metadata: [],
        });
        const scan = scanUsualV1(body);
        expect(scan).toBeDefined();
        expect(labelRunsWellFormed(body, scan!)).toBe(true);
      }),
    );
  });

  it('holds only on bodies the reference decoder takes', () => {
    let held = 0;
    let refused = 0;
    fc.assert(
      fc.property(request, edits, (ts, ed) => {
        let body = encodeWriteRequest({
          timeseries: ts.map((t) => ({ ...t, exemplars: [], histograms: [] })),
          metadata: [],
        });
        for (const [insert, at, bytes] of ed) {
          const p = body.length === 0 ? 0 : at % body.length;
          if (insert) body = new Uint8Array([...body.subarray(0, p), ...bytes, ...body.subarray(p)]);
          else {
            body = body.slice();
            body.set(bytes.subarray(0, body.length - p), p);
          }
        }
        const scan = scanUsualV1(body);
        if (scan === undefined) return;
        if (labelRunsWellFormed(body, scan)) {
          held++;
          expect(decodes(body)).toBe(true);
        } else if (!decodes(body)) refused++;
      }),
      { numRuns: 2000 },
    );
    // The property saw both outcomes.
    expect(held).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });
});
