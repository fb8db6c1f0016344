// Prometheus: util/notifications/notifications.go: the server's notifications (config reload
// failed, starting up, shutting down) that the web UI shows, with live subscribers.

/** Prometheus notifications.ConfigurationUnsuccessful: shown while the last reload failed. */
export const CONFIGURATION_UNSUCCESSFUL = 'Configuration reload has failed.';
/** Prometheus notifications.StartingUp: shown while the TSDB opens and replays its WAL. */
export const STARTING_UP = 'Prometheus is starting and replaying the write-ahead log (WAL).';
/** Prometheus notifications.ShuttingDown: shown from the start of a graceful shutdown. */
export const SHUTTING_DOWN = 'Prometheus is shutting down and gracefully stopping all operations.';

/** One notification (Prometheus notifications.Notification). `date` in ms since the epoch. */
export interface Notification {
  readonly text: string;
  readonly date: number;
  /** False only in the update that tells subscribers a notification went away. */
  readonly active: boolean;
}

/**
 * Receives notification updates; returns false when it could not take one (its buffer is full),
 * which counts the update as dropped.
 */
export type NotificationListener = (n: Notification) => boolean;

/** Default of `--web.max-notifications-subscribers`. */
export const DEFAULT_MAX_NOTIFICATION_SUBSCRIBERS = 16;

/**
 * The active notifications and their live subscribers (Prometheus notifications.Notifications).
 * Adding a notification that exists refreshes its date; every change is sent to every subscriber.
 */
export class Notifications {
  readonly #maxSubscribers: number;
  readonly #now: () => number;
  #notifications: Notification[] = [];
  /** Each subscriber with what ends its subscription from this side. */
  readonly #subscribers = new Map<NotificationListener, (() => void) | undefined>();
  #closed = false;
  #sent = 0;
  #dropped = 0;

  constructor(opts: { maxSubscribers?: number; now?: () => number } = {}) {
    this.#maxSubscribers = opts.maxSubscribers ?? DEFAULT_MAX_NOTIFICATION_SUBSCRIBERS;
    this.#now = opts.now ?? Date.now;
  }

  /** Prometheus AddNotification: adds `text`, or refreshes its date if it is active already. */
  add(text: string): void {
    const i = this.#notifications.findIndex((n) => n.text === text);
    const n: Notification = { text, date: this.#now(), active: true };
    if (i >= 0) this.#notifications[i] = n;
    else this.#notifications.push(n);
    this.#notify(n);
  }

  /** Prometheus DeleteNotification: removes `text`; subscribers get it with `active: false`. */
  delete(text: string): void {
    const i = this.#notifications.findIndex((n) => n.text === text);
    if (i < 0) return;
    const n = this.#notifications[i]!;
    this.#notifications.splice(i, 1);
    this.#notify({ ...n, active: false });
  }

  /** The active notifications, oldest first (a copy). */
  get(): Notification[] {
    return [...this.#notifications];
  }

  /**
   * Prometheus Sub: subscribes `listener`, which first gets every active notification. Returns
   * the unsubscribe function, or undefined when the subscriber limit is reached or after
   * `close()`. `onClose` is called if `close()` ends the subscription.
   */
  subscribe(listener: NotificationListener, onClose?: () => void): (() => void) | undefined {
    if (this.#closed || this.#subscribers.size >= this.#maxSubscribers) return undefined;
    this.#subscribers.set(listener, onClose);
    for (const n of this.#notifications) listener(n);
    return () => {
      this.#subscribers.delete(listener);
    };
  }

  /**
   * Ends every subscription (each `onClose` is called) and refuses new ones: a server that stops
   * ends its live streams once they have the shutdown notification, so its connections can close.
   */
  close(): void {
    this.#closed = true;
    const ends = [...this.#subscribers.values()];
    this.#subscribers.clear();
    for (const end of ends) end?.();
  }

  /** prometheus_api_notification_active_subscribers */
  get activeSubscribers(): number {
    return this.#subscribers.size;
  }

  /** prometheus_api_notification_updates_sent_total */
  get updatesSent(): number {
    return this.#sent;
  }

  /** prometheus_api_notification_updates_dropped_total */
  get updatesDropped(): number {
    return this.#dropped;
  }

  #notify(n: Notification): void {
    for (const sub of this.#subscribers.keys()) {
      this.#sent++;
      if (!sub(n)) this.#dropped++; // A slow subscriber misses updates, as Prometheus's full channel.
    }
  }
}
