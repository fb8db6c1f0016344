// How a long evaluation lets the event loop run: wait for the next macrotask, on any runtime.

interface MessagePortLike {
  onmessage: ((ev: unknown) => void) | null;
  postMessage(message: unknown): void;
  close(): void;
}

/** The globals {@link macrotaskYield} may use (typed here: the package assumes no DOM or Node types). */
export interface MacrotaskHost {
  setImmediate?: (cb: () => void) => unknown;
  MessageChannel?: new () => { readonly port1: MessagePortLike; readonly port2: MessagePortLike };
  setTimeout?: (cb: () => void, ms: number) => unknown;
}

/**
 * A function that resolves once the event loop has run the tasks queued before it (timers, I/O,
 * messages): `setImmediate` where it exists (Node, Bun), else a `MessageChannel` message (browsers,
 * Deno, workers). Not `setTimeout(0)` unless nothing else exists: browsers clamp nested timers to
 * 4 ms, which would make every yield cost that much.
 */
export function macrotaskYield(host: MacrotaskHost): () => Promise<void> {
  const immediate = host.setImmediate?.bind(host);
  if (immediate !== undefined) {
    return () => new Promise<void>((resolve) => void immediate(resolve));
  }
  const Channel = host.MessageChannel;
  if (typeof Channel === 'function') {
    return () =>
      new Promise<void>((resolve) => {
        // A channel per yield, closed once used: a port left listening keeps some runtimes alive.
        const ch = new Channel();
        ch.port1.onmessage = () => {
          ch.port1.close();
          resolve();
        };
        ch.port2.postMessage(null);
      });
  }
  const timeout = host.setTimeout?.bind(host);
  if (timeout !== undefined) return () => new Promise<void>((resolve) => void timeout(resolve, 0));
  throw new Error('no way to wait for a macrotask: setImmediate, MessageChannel and setTimeout are all missing');
}

/** Resolves on the next macrotask of this runtime (see {@link macrotaskYield}). */
export const nextMacrotask: () => Promise<void> = /* @__PURE__ */ macrotaskYield(
  globalThis as unknown as MacrotaskHost,
);
