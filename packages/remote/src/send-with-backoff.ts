// Prometheus: storage/remote/queue_manager.go sendWriteRequestWithBackoff: tries a send until it
// succeeds, fails for good, or the queue stops; recoverable failures wait min_backoff, doubling up
// to max_backoff, or what the server's Retry-After asked for.
import type { QueueClock } from './queue-clock.js';
import { RecoverableError, type StoreFn } from './write-client.js';

/** How a send ended. */
export const SendOutcome = { Sent: 0, Failed: 1 } as const;
export type SendOutcome = (typeof SendOutcome)[keyof typeof SendOutcome];

/** What {@link sendWithBackoff} needs besides the body. */
export interface BackoffOptions {
  minBackoffMs: number;
  maxBackoffMs: number;
  clock: QueueClock;
  /** Each attempt's duration (s), successful or not. */
  onAttempt(seconds: number): void;
  /** Before waiting `delayMs` to try again after `err`. */
  onRetry(err: RecoverableError, delayMs: number): void;
  /** A failure that is not retried (a 4xx status, or an error that is not recoverable). */
  onFailure(err: unknown): void;
}

/**
 * Sends `body` with `store` until it is accepted (Sent) or refused for good (Failed). Rejects only
 * when `signal` aborts (the queue stops): the data then stays unsent.
 */
export async function sendWithBackoff(
  store: StoreFn,
  body: Uint8Array,
  o: BackoffOptions,
  signal: AbortSignal,
): Promise<SendOutcome> {
  let backoff = o.minBackoffMs;
  for (;;) {
    signal.throwIfAborted();
    const t0 = performance.now();
    try {
      await store(body, signal);
      o.onAttempt((performance.now() - t0) / 1000);
      return SendOutcome.Sent;
    } catch (err) {
      o.onAttempt((performance.now() - t0) / 1000);
      signal.throwIfAborted();
      if (!(err instanceof RecoverableError)) {
        o.onFailure(err);
        return SendOutcome.Failed;
      }
      const delay = err.retryAfterMs > 0 ? err.retryAfterMs : backoff;
      o.onRetry(err, delay);
      await o.clock.sleep(delay, signal);
      backoff = Math.min(backoff * 2, o.maxBackoffMs);
    }
  }
}
