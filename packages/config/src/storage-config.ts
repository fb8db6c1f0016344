// Prometheus: config/config.go StorageConfig, TSDBConfig, TSDBRetentionConfig, ExemplarsConfig
// (the runtime-reloadable storage settings).
import type { YamlReader, YamlValue } from './yaml-reader.js';

/** `storage.tsdb.retention`: overrides the --storage.tsdb.retention.* flags when set. */
export interface TSDBRetentionConfig {
  /** Time retention (ms); `undefined` when not set. 0 disables time-based retention. */
  readonly timeMs: number | undefined;
  /** Size retention (bytes), 0 = off. */
  readonly sizeBytes: number;
  /** Percent of the disk the blocks may use, 0 = off. */
  readonly percentage: number;
}

/** `storage.tsdb`. */
export interface TSDBConfig {
  /** How far behind the newest sample out-of-order samples are still accepted (ms). */
  readonly outOfOrderTimeWindowMs: number;
  /** Ratio of stale series in the head that triggers their compaction, 0 = off. */
  readonly staleSeriesCompactionThreshold: number;
  readonly retention: TSDBRetentionConfig | undefined;
  /** `chunk_encoding.floats`: `xor` or `xor2`; `undefined` when not set. */
  readonly floatChunkEncoding: 'xor' | 'xor2' | undefined;
}

/** `storage.exemplars`. */
export interface ExemplarsConfig {
  /** Size of the circular exemplar buffer (default 100000). */
  readonly maxExemplars: number;
}

/** The `storage` section; each part `undefined` when not configured. */
export interface StorageConfig {
  readonly tsdb: TSDBConfig | undefined;
  readonly exemplars: ExemplarsConfig | undefined;
}

/** Nothing configured. */
export const DefaultStorageConfig: StorageConfig = { tsdb: undefined, exemplars: undefined };

/** Prometheus: config.DefaultExemplarsConfig. */
export const DefaultExemplarsConfig: ExemplarsConfig = { maxExemplars: 100_000 };

const KEYS: ReadonlySet<string> = new Set(['tsdb', 'exemplars']);
const TSDB_KEYS: ReadonlySet<string> = new Set([
  'out_of_order_time_window',
  'stale_series_compaction_threshold',
  'retention',
  'chunk_encoding',
]);

/** Loads the `storage` section. */
export function loadStorageConfig(r: YamlReader, v: YamlValue): StorageConfig {
  const m = r.map(v, 'config.StorageConfig', KEYS);
  const tv = m.get('tsdb');
  const ev = m.get('exemplars');
  let exemplars: ExemplarsConfig | undefined;
  if (ev.node !== null) {
    const em = r.map(ev, 'config.ExemplarsConfig', new Set(['max_exemplars']));
    exemplars = { maxExemplars: r.int(em.get('max_exemplars')) ?? DefaultExemplarsConfig.maxExemplars };
  }
  return { tsdb: tv.node === null ? undefined : loadTSDBConfig(r, tv), exemplars };
}

function loadTSDBConfig(r: YamlReader, v: YamlValue): TSDBConfig {
  const m = r.map(v, 'config.TSDBConfig', TSDB_KEYS);
  const threshold = r.float(m.get('stale_series_compaction_threshold')) ?? 0;
  if (threshold < 0 || threshold > 1) {
    r.fail(m.get('stale_series_compaction_threshold'), 'stale_series_compaction_threshold must be between 0.0 and 1.0');
  }
  let retention: TSDBRetentionConfig | undefined;
  const rv = m.get('retention');
  if (rv.node !== null) {
    const rm = r.map(rv, 'config.TSDBRetentionConfig', new Set(['time', 'size', 'percentage']));
    retention = {
      timeMs: r.duration(rm.get('time')),
      sizeBytes: r.size(rm.get('size')) ?? 0,
      percentage: r.uint(rm.get('percentage')) ?? 0,
    };
  }
  let floatChunkEncoding: 'xor' | 'xor2' | undefined;
  const cv = m.get('chunk_encoding');
  if (cv.node !== null) {
    const cm = r.map(cv, 'config.ChunkEncodingConfig', new Set(['floats']));
    const f = r.str(cm.get('floats'));
    if (f !== undefined && f !== 'xor' && f !== 'xor2') {
      r.fail(cm.get('floats'), `invalid float chunk encoding ${JSON.stringify(f)}, must be "xor" or "xor2"`);
    }
    floatChunkEncoding = f as 'xor' | 'xor2' | undefined;
  }
  return {
    outOfOrderTimeWindowMs: r.duration(m.get('out_of_order_time_window')) ?? 0,
    staleSeriesCompactionThreshold: threshold,
    retention,
    floatChunkEncoding,
  };
}
