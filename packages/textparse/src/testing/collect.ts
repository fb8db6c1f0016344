// Test helper: reads every entry of a parser into plain records that tables can compare.
import { Entry, type Parser } from '../parser.js';

/** One entry as the tests compare it. Values are kept as numbers; compare floats by bits. */
export type Collected =
  | { help: [string, string] }
  | { type: [string, string] }
  | { unit: [string, string] }
  | { comment: string }
  | {
      series: string;
      labels: string;
      value: number;
      t?: number;
      ct?: number;
      exemplar?: { labels: string; value: number; ts?: number };
    }
  | { histogram: string; labels: string; h: unknown; t?: number; ct?: number; exemplars?: number };

/** Reads `p` to the end. */
export function collect(p: Parser): Collected[] {
  const out: Collected[] = [];
  for (let e = p.next(); e !== Entry.EOF; e = p.next()) {
    switch (e) {
      case Entry.Help:
        out.push({ help: [p.metadataName(), p.help()] });
        break;
      case Entry.Type:
        out.push({ type: [p.metadataName(), p.type()] });
        break;
      case Entry.Unit:
        out.push({ unit: [p.metadataName(), p.unit()] });
        break;
      case Entry.Comment:
        out.push({ comment: p.comment() });
        break;
      case Entry.Series: {
        const rec: Collected = { series: p.series(), labels: p.labels().toString(), value: p.value() };
        const t = p.timestamp();
        if (t !== undefined) rec.t = t;
        const ct = p.createdTimestamp();
        if (ct !== undefined) rec.ct = ct;
        const ex = p.exemplar();
        if (ex !== undefined) {
          rec.exemplar = { labels: ex.labels.toString(), value: ex.value };
          if (ex.hasTs) rec.exemplar.ts = ex.ts;
        }
        out.push(rec);
        break;
      }
      case Entry.Histogram: {
        const rec: Collected = {
          histogram: p.series(),
          labels: p.labels().toString(),
          h: p.histogram() ?? p.floatHistogram(),
        };
        const t = p.timestamp();
        if (t !== undefined) rec.t = t;
        const ct = p.createdTimestamp();
        if (ct !== undefined) rec.ct = ct;
        let n = 0;
        while (p.exemplar() !== undefined) n++;
        if (n > 0) rec.exemplars = n;
        out.push(rec);
        break;
      }
    }
  }
  return out;
}

/** The error `fn` throws (fails the test if it throws nothing). */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error, none was thrown');
}

/** The 64 bits of a double, as a bigint (NaN payloads and -0 included). */
export function f64Bits(v: number): bigint {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, v);
  return dv.getBigUint64(0);
}
