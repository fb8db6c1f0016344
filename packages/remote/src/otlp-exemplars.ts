// Prometheus: storage/remote/otlptranslator/prometheusremotewrite/helper.go getPromExemplars: the
// exemplars of an OTLP data point as Remote Write exemplars, with trace_id and span_id labels.
import { anyValueString, int64ToNumber, nanosToMs, type OTLPExemplar } from './otlp-types.js';
import type { PbExemplar, PbLabel } from './write-request.js';

/** Prometheus: maxExemplarRunes: filtered attributes are dropped past this many runes of labels. */
const MAX_EXEMPLAR_RUNES = 128;

/** An exemplar with neither an int nor a double value. */
export class UnsupportedExemplarValueError extends Error {
  override readonly name = 'UnsupportedExemplarValueError';
  constructor() {
    super('unsupported exemplar value type: Empty');
  }
}

function runes(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/**
 * Prometheus: getPromExemplars. Value from as_int or as_double, the timestamp in ms, trace_id and
 * span_id (lowercase hex) when set, then the filtered attributes unless the labels would pass 128
 * runes. Throws UnsupportedExemplarValueError for an exemplar without a value.
 */
export function otlpExemplars(exemplars: readonly OTLPExemplar[] | null | undefined): PbExemplar[] {
  const out: PbExemplar[] = [];
  for (const e of exemplars ?? []) {
    let value: number;
    if (e.asDouble !== null && e.asDouble !== undefined) value = e.asDouble;
    else if (e.asInt !== null && e.asInt !== undefined) value = int64ToNumber(e.asInt);
    else throw new UnsupportedExemplarValueError();
    const labels: PbLabel[] = [];
    let n = 0;
    for (const [name, id] of [
      ['trace_id', e.traceId],
      ['span_id', e.spanId],
    ] as const) {
      if (id === null || id === undefined || id.length === 0 || id.every((b) => b === 0)) continue;
      const v = Buffer.from(id).toString('hex');
      n += runes(name) + runes(v);
      labels.push({ name, value: v });
    }
    const attrs: PbLabel[] = [];
    for (const kv of e.filteredAttributes ?? []) {
      const v = anyValueString(kv.value);
      n += runes(kv.key) + runes(v);
      attrs.push({ name: kv.key, value: v });
    }
    if (n <= MAX_EXEMPLAR_RUNES) labels.push(...attrs);
    out.push({ labels, value, timestamp: nanosToMs(e.timeUnixNano) });
  }
  return out;
}
