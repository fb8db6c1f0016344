// Prometheus: storage/interface.go Storage
import type { Appendable, AppendableV2 } from './appender.js';
import type { ChunkQueryable, Queryable } from './querier.js';

/** A storage: read and write access to series. */
export interface Storage extends Queryable, ChunkQueryable, Appendable, AppendableV2 {
  /** The oldest timestamp stored, in ms (Infinity when there is no data yet). */
  startTime(): Promise<number>;
  /** Flushes and releases everything. The storage must not be used after. */
  close(): Promise<void>;
}
