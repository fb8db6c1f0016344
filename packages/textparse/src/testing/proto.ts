// Test helper: encodes io.prometheus.client.MetricFamily messages with protobufjs's reflection,
// from the schema in ../shared/reference/proto (an encoder independent of the package's decoder).
// The schema text is imported raw by vite, so this helper needs no Node built-in either.
import protobuf from 'protobufjs';
import schema from '../../../../../shared/reference/proto/client_model_metrics.proto?raw';

let mfType: protobuf.Type | undefined;

/** The MetricFamily type, loaded once. */
export function metricFamilyType(): protobuf.Type {
  if (mfType === undefined) {
    const root = new protobuf.Root();
    root.addJSON(protobuf.common.get('google/protobuf/timestamp.proto')!.nested!);
    protobuf.parse(schema.replace(/^import .*$/m, ''), root, { keepCase: true });
    mfType = root.lookupType('io.prometheus.client.MetricFamily');
  }
  return mfType;
}

/** Encodes families as a delimited protobuf body. Objects use the proto's field names. */
export function encodeFamilies(families: object[]): Uint8Array {
  const t = metricFamilyType();
  const w = protobuf.Writer.create();
  for (const f of families) {
    const err = t.verify(f);
    if (err !== null) throw new Error(`bad test family: ${err}`);
    t.encodeDelimited(t.fromObject(f), w);
  }
  return w.finish();
}
