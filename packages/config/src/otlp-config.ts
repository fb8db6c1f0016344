// Prometheus: config/config.go OTLPConfig, DefaultOTLPConfig, OTLPConfig.UnmarshalYAML,
// sanitizeAttributes, and the translation strategy check of config.Load.
import type { ValidationScheme } from '@tsprom/labels';
import type { YamlReader, YamlValue } from './yaml-reader.js';

/** How OTLP metric names are translated into Prometheus names. */
export type TranslationStrategy =
  | 'UnderscoreEscapingWithSuffixes'
  | 'UnderscoreEscapingWithoutSuffixes'
  | 'NoUTF8EscapingWithSuffixes'
  | 'NoTranslation';

/** The `otlp` section: the OTLP receiver's translation settings. */
export interface OTLPConfig {
  readonly promoteAllResourceAttributes: boolean;
  readonly promoteResourceAttributes: readonly string[];
  readonly ignoreResourceAttributes: readonly string[];
  readonly translationStrategy: TranslationStrategy;
  readonly keepIdentifyingResourceAttributes: boolean;
  readonly convertHistogramsToNHCB: boolean;
  readonly promoteScopeMetadata: boolean;
  readonly labelNameUnderscoreSanitization: boolean;
  readonly labelNamePreserveMultipleUnderscores: boolean;
}

/** Prometheus: config.DefaultOTLPConfig. */
export const DefaultOTLPConfig: OTLPConfig = {
  promoteAllResourceAttributes: false,
  promoteResourceAttributes: [],
  ignoreResourceAttributes: [],
  translationStrategy: 'UnderscoreEscapingWithSuffixes',
  keepIdentifyingResourceAttributes: false,
  convertHistogramsToNHCB: false,
  promoteScopeMetadata: false,
  labelNameUnderscoreSanitization: true,
  labelNamePreserveMultipleUnderscores: true,
};

const KEYS: ReadonlySet<string> = new Set([
  'promote_all_resource_attributes',
  'promote_resource_attributes',
  'ignore_resource_attributes',
  'translation_strategy',
  'keep_identifying_resource_attributes',
  'convert_histograms_to_nhcb',
  'promote_scope_metadata',
  'label_name_underscore_sanitization',
  'label_name_preserve_multiple_underscores',
]);

/** Loads the `otlp` section; `scheme` is the global name validation scheme. */
export function loadOTLPConfig(r: YamlReader, v: YamlValue, scheme: ValidationScheme): OTLPConfig {
  const m = r.map(v, 'config.OTLPConfig', KEYS);
  const d = DefaultOTLPConfig;
  const promoteAll = r.bool(m.get('promote_all_resource_attributes')) ?? false;
  const pv = m.get('promote_resource_attributes');
  const iv = m.get('ignore_resource_attributes');
  const promote = r.strList(pv) ?? [];
  const ignore = r.strList(iv) ?? [];
  if (promoteAll) {
    if (promote.length > 0) {
      r.fail(
        pv,
        "'promote_all_resource_attributes' and 'promote_resource_attributes' cannot be configured simultaneously",
      );
    }
    sanitize(r, iv, ignore, 'ignored', "invalid 'ignore_resource_attributes'");
  } else {
    if (ignore.length > 0) {
      r.fail(iv, "'ignore_resource_attributes' cannot be configured unless 'promote_all_resource_attributes' is true");
    }
    sanitize(r, pv, promote, 'promoted', "invalid 'promote_resource_attributes'");
  }
  const tv = m.get('translation_strategy');
  const strategy = r.str(tv) || d.translationStrategy;
  switch (strategy) {
    case 'UnderscoreEscapingWithSuffixes':
    case 'UnderscoreEscapingWithoutSuffixes':
      break;
    case 'NoTranslation':
    case 'NoUTF8EscapingWithSuffixes':
      if (scheme === 'legacy') {
        r.fail(tv, `OTLP translation strategy ${JSON.stringify(strategy)} is not allowed when UTF8 is disabled`);
      }
      break;
    default:
      r.fail(tv, `unsupported OTLP translation strategy ${JSON.stringify(strategy)}`);
  }
  return {
    promoteAllResourceAttributes: promoteAll,
    promoteResourceAttributes: promote.map((a) => a.trim()),
    ignoreResourceAttributes: ignore.map((a) => a.trim()),
    translationStrategy: strategy as TranslationStrategy,
    keepIdentifyingResourceAttributes: r.bool(m.get('keep_identifying_resource_attributes')) ?? false,
    convertHistogramsToNHCB: r.bool(m.get('convert_histograms_to_nhcb')) ?? false,
    promoteScopeMetadata: r.bool(m.get('promote_scope_metadata')) ?? false,
    labelNameUnderscoreSanitization: r.bool(m.get('label_name_underscore_sanitization')) ?? true,
    labelNamePreserveMultipleUnderscores: r.bool(m.get('label_name_preserve_multiple_underscores')) ?? true,
  };
}

function sanitize(r: YamlReader, v: YamlValue, attrs: readonly string[], adjective: string, prefix: string): void {
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const raw of attrs) {
    const a = raw.trim();
    if (a === '') problems.push(`empty ${adjective} OTel resource attribute`);
    else if (seen.has(a)) problems.push(`duplicated ${adjective} OTel resource attribute ${JSON.stringify(a)}`);
    seen.add(a);
  }
  if (problems.length > 0) r.fail(v, `${prefix}: ${problems.join('\n')}`);
}
