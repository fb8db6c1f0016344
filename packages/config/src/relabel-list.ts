// Relabel config lists inside prometheus.yml (relabel_configs, metric_relabel_configs,
// alert_relabel_configs, write_relabel_configs), loaded through @tsprom/relabel with the position
// of the offending rule in every error.
import type { ValidationScheme } from '@tsprom/labels';
import { loadRelabelConfig, type RelabelConfig } from '@tsprom/relabel';
import type { YamlReader, YamlValue } from './yaml-reader.js';

const RELABEL_KEYS: ReadonlySet<string> = new Set([
  'source_labels',
  'separator',
  'regex',
  'modulus',
  'target_label',
  'replacement',
  'action',
]);

/**
 * Loads a list of relabel rules; a null entry fails with `nullMessage` (Prometheus's message for
 * that list), a bad rule with @tsprom/relabel's message, both at the rule's position.
 */
export function loadRelabelList(
  r: YamlReader,
  v: YamlValue,
  scheme: ValidationScheme,
  nullMessage: string,
): RelabelConfig[] {
  const out: RelabelConfig[] = [];
  for (const e of r.seq(v, '[]*relabel.Config')) {
    if (e.node === null) r.fail(e, nullMessage);
    const y = toRelabelYaml(r, e);
    try {
      out.push(loadRelabelConfig(y, scheme));
    } catch (err) {
      r.fail(e, (err as Error).message, err);
    }
  }
  return out;
}

/**
 * A relabel rule as the object @tsprom/relabel loads: scalars as yaml.v2 decodes them into the Go
 * struct (strings keep their text, so `regex: 1` is the regex "1").
 */
function toRelabelYaml(r: YamlReader, v: YamlValue): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, kv] of r.rawMap(v, 'relabel.Config').entries()) {
    if (!RELABEL_KEYS.has(k))
      out[k] = null; // Unknown: the relabel loader names it.
    else if (k === 'source_labels') out[k] = r.strList(kv) ?? null;
    else if (k === 'modulus') out[k] = r.uint(kv) ?? null;
    else out[k] = r.str(kv) ?? null;
  }
  return out;
}
