// Prometheus: model/relabel/relabel.go Process, ProcessBuilder, relabel.
import { isValidLabelName, type Labels, LabelsBuilder } from '@tsprom/labels';
import { goToLower, goToUpper } from './go-case.js';
import { md5 } from './md5.js';
import { DefaultRegexp, type RelabelConfig } from './relabel-config.js';

const utf8 = new TextEncoder();

/**
 * Applies `configs` in order to `labels` (Prometheus relabel.Process): the resulting label set, or
 * `null` when a keep/drop/keepequal/dropequal step dropped it. Labels with empty values are
 * removed from the result, as Prometheus's builder does.
 */
export function relabel(labels: Labels, configs: readonly RelabelConfig[]): Labels | null {
  const lb = new LabelsBuilder(labels);
  if (!processBuilder(lb, configs)) return null;
  return lb.labels();
}

/**
 * Applies `configs` to a builder in place (Prometheus relabel.ProcessBuilder); false when the
 * label set is dropped (the builder is then left as the dropping step found it).
 */
export function processBuilder(lb: LabelsBuilder, configs: readonly RelabelConfig[]): boolean {
  for (const cfg of configs) {
    if (!relabelStep(cfg, lb)) return false;
  }
  return true;
}

function relabelStep(cfg: RelabelConfig, lb: LabelsBuilder): boolean {
  let val = '';
  const src = cfg.sourceLabels;
  if (src !== undefined) {
    for (let i = 0; i < src.length; i++) {
      if (i > 0) val += cfg.separator;
      val += lb.get(src[i]!);
    }
  }
  switch (cfg.action) {
    case 'drop':
      return !cfg.regex.matchString(val);
    case 'keep':
      return cfg.regex.matchString(val);
    case 'dropequal':
      return lb.get(cfg.targetLabel) !== val;
    case 'keepequal':
      return lb.get(cfg.targetLabel) === val;
    case 'replace': {
      // Fast path to add or delete a label pair.
      if (
        val === '' &&
        cfg.regex === DefaultRegexp &&
        !cfg.targetLabel.includes('$') &&
        !cfg.replacement.includes('$')
      ) {
        lb.set(cfg.targetLabel, cfg.replacement);
        return true;
      }
      const r = cfg.regex.expandMatch2(val, cfg.targetLabel, cfg.replacement);
      if (r === undefined) return true; // No match, no replacement.
      const [target, res] = r;
      if (!isValidLabelName(target, cfg.nameValidationScheme)) return true;
      if (res === '') lb.del(target);
      else lb.set(target, res);
      return true;
    }
    case 'lowercase':
      lb.set(cfg.targetLabel, goToLower(val));
      return true;
    case 'uppercase':
      lb.set(cfg.targetLabel, goToUpper(val));
      return true;
    case 'hashmod':
      lb.set(cfg.targetLabel, hashMod(val, cfg.modulus).toString());
      return true;
    case 'labelmap':
      lb.range((name, value) => {
        // Anchored, so Go's ReplaceAllString replaces the whole name or nothing.
        const res = cfg.regex.expandMatch(name, cfg.replacement);
        if (res !== undefined) lb.set(res, value);
      });
      return true;
    case 'labeldrop':
      lb.range((name) => {
        if (cfg.regex.matchString(name)) lb.del(name);
      });
      return true;
    case 'labelkeep':
      lb.range((name) => {
        if (!cfg.regex.matchString(name)) lb.del(name);
      });
      return true;
  }
}

/**
 * Prometheus's hashmod: the last 8 bytes of the MD5 of `val` as a big-endian unsigned 64-bit
 * integer, modulo `modulus` (kept so for the results of Prometheus's earlier versions).
 */
export function hashMod(val: string, modulus: number): bigint {
  const sum = md5(utf8.encode(val));
  const v = new DataView(sum.buffer).getBigUint64(8, false);
  return v % BigInt(modulus);
}
