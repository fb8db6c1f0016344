// Prometheus: template/template.go AlertTemplateData: the `$value` of an alert whose sample is a
// native histogram is the *histogram.FloatHistogram itself, printed by its String method, with its
// fields (Count, Sum, Schema, ZeroThreshold, ZeroCount) readable in templates.
import { floatHistogramString } from '@tsprom/histogram';
import type { FloatHistogram } from '@tsprom/storage-interfaces';
import type { GoMethod, GoNamed } from '@tsprom/template';

/** `h` as the Go value alert templates see. `h` is kept by reference: the caller must not change it. */
export function histogramTemplateValue(h: FloatHistogram): GoNamed {
  const str = (): string => floatHistogramString(h);
  const field = (v: () => number): GoMethod => ({ params: [], call: v });
  return {
    goType: () => '*histogram.FloatHistogram',
    toString: str,
    method(name: string): GoMethod | undefined {
      switch (name) {
        case 'String':
          return { params: [], call: str };
        case 'Count':
          return field(() => h.count);
        case 'Sum':
          return field(() => h.sum);
        case 'Schema':
          return field(() => h.schema);
        case 'ZeroThreshold':
          return field(() => h.zeroThreshold);
        case 'ZeroCount':
          return field(() => h.zeroCount);
        default:
          return undefined;
      }
    },
  };
}
