// Prometheus: web/api/v1/api.go notifications and notificationsSSE: the active notifications, and
// their updates as server-sent events (one JSON notification per `data:` event).
import { corsHeaders } from './respond.js';
import { formatGoTime } from './go-time.js';
import { goJSONString } from './go-json.js';
import type { Notification } from './notifications.js';
import type { RequestContext } from './request-context.js';
import type { APIResult } from './respond.js';

/** Prometheus's subscriber channel holds 10 updates; past that, updates to it are dropped. */
const SUBSCRIBER_BUFFER = 10;

/** A notification as Prometheus marshals it (`text`, `date` as Go's time JSON, `active`). */
export function notificationJSON(n: Notification): string {
  return `{"text":${goJSONString(n.text)},"date":"${formatGoTime(n.date)}","active":${n.active}}`;
}

/** GET /api/v1/notifications */
export function notifications(c: RequestContext): APIResult {
  const ns = c.opts.notifications?.get() ?? [];
  return { json: `[${ns.map(notificationJSON).join(',')}]` };
}

/**
 * GET /api/v1/notifications/live: an event stream that first sends the active notifications,
 * then every update, until the client goes away; 204 when no subscriber can be added.
 */
export function notificationsLive(c: RequestContext): Response {
  const headers = corsHeaders(c.req, c.opts.corsOrigin);
  const ns = c.opts.notifications;
  if (ns === undefined || c.signal.aborted) return new Response(null, { status: 204, headers });
  const enc = new TextEncoder();
  let unsubscribe: (() => void) | undefined;
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const close = (): void => {
    unsubscribe?.();
    unsubscribe = undefined;
    try {
      controller.close();
    } catch {
      // Already closed or canceled by the reader: nothing left to end.
    }
  };
  const body = new ReadableStream<Uint8Array>(
    {
      start(ctrl) {
        controller = ctrl;
      },
      cancel() {
        unsubscribe?.();
        unsubscribe = undefined;
      },
    },
    new CountQueuingStrategy({ highWaterMark: SUBSCRIBER_BUFFER }),
  );
  unsubscribe = ns.subscribe((n) => {
    if ((controller.desiredSize ?? 0) <= 0) return false;
    controller.enqueue(enc.encode(`data: ${notificationJSON(n)}\n\n`));
    return true;
  }, close);
  if (unsubscribe === undefined) return new Response(null, { status: 204, headers });
  c.signal.addEventListener('abort', close, { once: true });
  headers.set('Content-Type', 'text/event-stream');
  headers.set('Cache-Control', 'no-cache');
  return new Response(body, { status: 200, headers });
}
