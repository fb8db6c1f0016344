// client-go's Reflector and Store, as Prometheus's informers use them: list a collection, keep
// its objects by `namespace/name`, watch from the list's resourceVersion and apply each event;
// relist when the resourceVersion expired (410 Gone); after any other failure wait and watch
// again (relist when there is no resourceVersion yet). The store keeps its objects across failures,
// so the targets built from it stay.
import type { KubeClient } from './kubernetes-client.js';
import { ResourceExpiredError } from './kubernetes-errors.js';
import { type KubeObject, objectKey } from './kubernetes-objects.js';

/** Called with the key, the object before (undefined: added) and after (undefined: deleted). */
export type InformerHandler = (key: string, before: KubeObject | undefined, after: KubeObject | undefined) => void;

/** A collection to follow. */
export interface InformerOptions {
  /** The collection's path: `/api/v1/namespaces/default/pods`, `/apis/discovery.k8s.io/v1/endpointslices`. */
  readonly path: string;
  /** `labelSelector` and `fieldSelector` of every request. */
  readonly label: string;
  readonly field: string;
  readonly onChange: InformerHandler;
  /** A failed list or watch, reported before the wait and retry. */
  readonly onFailure: (err: unknown, path: string) => void;
  /** The wait after a failure (ms). */
  readonly retryMs: number;
  /** How long the server keeps a watch open (`timeoutSeconds`); client-go picks 5 to 10 min. */
  readonly watchTimeoutS?: number;
}

/** Follows one collection of the API into a store. */
export class Informer {
  readonly #store = new Map<string, KubeObject>();
  #synced = false;
  readonly #syncWaiters: (() => void)[] = [];

  constructor(
    readonly client: KubeClient,
    readonly options: InformerOptions,
  ) {}

  /** The object stored under `key` (`namespace/name`, or `name` for cluster-scoped objects). */
  get(key: string): KubeObject | undefined {
    return this.#store.get(key);
  }

  /** Every stored object. */
  values(): IterableIterator<KubeObject> {
    return this.#store.values();
  }

  /** Whether the first list has been stored. */
  get synced(): boolean {
    return this.#synced;
  }

  /** Resolves once the first list has been stored (or at once when it was). */
  waitSynced(): Promise<void> {
    if (this.#synced) return Promise.resolve();
    return new Promise((resolve) => this.#syncWaiters.push(resolve));
  }

  /** Lists and watches until `signal` aborts. Never rejects: failures are reported and retried. */
  async run(signal: AbortSignal): Promise<void> {
    const o = this.options;
    let rv = '';
    while (!signal.aborted) {
      try {
        if (rv === '') rv = await this.#list(signal);
        const [t0, from] = [Date.now(), rv];
        rv = await this.#watch(rv, signal);
        // A server that ends every watch at once, with nothing in it, is not asked again at once.
        if (rv === from && Date.now() - t0 < 1000) await sleep(o.retryMs, signal);
      } catch (err) {
        if (signal.aborted) return;
        if (err instanceof ResourceExpiredError) {
          rv = ''; // client-go relists at once when its resourceVersion expired.
          continue;
        }
        o.onFailure(err, o.path);
        await sleep(o.retryMs, signal);
      }
    }
  }

  #query(): URLSearchParams {
    const q = new URLSearchParams();
    if (this.options.label !== '') q.set('labelSelector', this.options.label);
    if (this.options.field !== '') q.set('fieldSelector', this.options.field);
    return q;
  }

  /** Lists and replaces the store (client-go Replace: deletes for what is gone), returning the list's resourceVersion. */
  async #list(signal: AbortSignal): Promise<string> {
    const list = await this.client.list(this.options.path, this.#query(), signal);
    const seen = new Set<string>();
    for (const item of list.items ?? []) {
      const key = objectKey(item);
      seen.add(key);
      const before = this.#store.get(key);
      this.#store.set(key, item);
      if (
        before?.metadata?.resourceVersion === undefined ||
        before.metadata.resourceVersion !== item.metadata?.resourceVersion
      ) {
        this.options.onChange(key, before, item);
      }
    }
    for (const [key, before] of [...this.#store]) {
      if (seen.has(key)) continue;
      this.#store.delete(key);
      this.options.onChange(key, before, undefined);
    }
    if (!this.#synced) {
      this.#synced = true;
      for (const w of this.#syncWaiters.splice(0)) w();
    }
    return list.metadata?.resourceVersion ?? '0';
  }

  /** Watches from `rv` until the server ends the watch; returns the last resourceVersion seen. */
  async #watch(rv: string, signal: AbortSignal): Promise<string> {
    const q = this.#query();
    const timeoutS = this.options.watchTimeoutS ?? 300 + Math.floor(Math.random() * 300);
    q.set('resourceVersion', rv);
    q.set('timeoutSeconds', String(timeoutS));
    // A connection that died silently ends with the watch's own timeout, plus a margin.
    const s = AbortSignal.any([signal, AbortSignal.timeout((timeoutS + 60) * 1000)]);
    let last = rv;
    for await (const ev of this.client.watch(this.options.path, q, s)) {
      if (ev.type === 'ERROR') {
        const code = ev.object?.code ?? 0;
        const msg = `watch ${this.options.path}: ${code} ${ev.object?.message ?? ''}`.trimEnd();
        if (code === 410) throw new ResourceExpiredError(msg);
        throw new Error(msg);
      }
      const nextRV = ev.object?.metadata?.resourceVersion;
      if (nextRV !== undefined && nextRV !== '') last = nextRV;
      if (ev.type === 'BOOKMARK') continue;
      const key = objectKey(ev.object);
      const before = this.#store.get(key);
      if (ev.type === 'DELETED') {
        this.#store.delete(key);
        this.options.onChange(key, before ?? ev.object, undefined);
      } else {
        this.#store.set(key, ev.object);
        this.options.onChange(key, before, ev.object);
      }
    }
    return last;
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted || ms <= 0) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
