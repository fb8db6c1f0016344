// Prometheus: storage/remote/ewma.go ewmaRate and storage/remote/queue_manager.go
// calculateDesiredShards: how many shards a queue needs, from the measured rates.

/** Prometheus: shardUpdateDuration. How often the desired shards are computed (ms). */
export const ShardUpdateDurationMs = 10_000;
/** Prometheus: shardToleranceFraction. Changes within ±30% of the current shards are ignored. */
export const ShardToleranceFraction = 0.3;
const EWMA_WEIGHT = 0.2;

/** Prometheus: ewmaRate. An exponentially weighted moving rate per second, ticked every interval. */
export class EwmaRate {
  #new = 0;
  #rate = 0;
  #init = false;
  readonly #intervalS: number;

  constructor(intervalMs = ShardUpdateDurationMs) {
    this.#intervalS = intervalMs / 1000;
  }

  /** The rate per second. */
  rate(): number {
    return this.#rate;
  }

  /** Counts `n` events. */
  incr(n: number): void {
    this.#new += n;
  }

  /** Folds the events of the interval into the rate. */
  tick(): void {
    const instant = this.#new / this.#intervalS;
    this.#new = 0;
    if (this.#init) this.#rate += EWMA_WEIGHT * (instant - this.#rate);
    else if (instant !== 0) {
      this.#init = true;
      this.#rate = instant;
    }
  }
}

/** The inputs of {@link calculateDesiredShards}, as rates per second and seconds. */
export interface ShardRates {
  /** Samples read from the WAL per second. */
  dataInRate: number;
  /** Samples sent per second. */
  dataOutRate: number;
  /** Samples dropped per second. */
  dataDroppedRate: number;
  /** Seconds spent sending, per second (all shards). */
  dataOutDuration: number;
  /** Highest timestamp read, and highest sent (s). */
  highestRecv: number;
  highestSent: number;
}

/** Shard limits of the queue. */
export interface ShardLimits {
  numShards: number;
  minShards: number;
  maxShards: number;
}

/**
 * Prometheus: QueueManager.calculateDesiredShards. Returns `[shards to run, desired shards before
 * rounding and bounds]`: the time to send one sample times the samples to send per second (the
 * input rate, minus drops, plus 5% of the backlog per second); unchanged within ±30%, no
 * downsharding while more than 10 s behind, bounded by min/max shards.
 */
export function calculateDesiredShards(r: ShardRates, l: ShardLimits): [number, number] {
  if (r.dataOutRate <= 0) return [l.numShards, l.numShards];
  const dataKeptRatio = r.dataOutRate / (r.dataDroppedRate + r.dataOutRate);
  const delay = r.highestRecv - r.highestSent;
  const dataPending = delay * r.dataInRate * dataKeptRatio;
  const backlogCatchup = 0.05 * dataPending;
  const timePerSample = r.dataOutDuration / r.dataOutRate;
  const desired = timePerSample * (r.dataInRate * dataKeptRatio + backlogCatchup);
  const lower = l.numShards * (1 - ShardToleranceFraction);
  const upper = l.numShards * (1 + ShardToleranceFraction);
  const rounded = Math.ceil(desired);
  if (lower <= rounded && rounded <= upper) return [l.numShards, desired];
  let n = rounded;
  if (n < l.numShards && delay > 10) return [l.numShards, desired];
  if (n > l.maxShards) n = l.maxShards;
  else if (n < l.minShards) n = l.minShards;
  return [n, desired];
}
