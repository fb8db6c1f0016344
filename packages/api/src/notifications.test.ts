import { Engine } from '@tsprom/promql';
import { DB } from '@tsprom/tsdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAPIHandler } from './api.js';
import { CONFIGURATION_UNSUCCESSFUL, type Notification, Notifications, SHUTTING_DOWN } from './notifications.js';

let db: DB;
beforeAll(async () => {
  db = await DB.open();
});
afterAll(async () => {
  await db.close();
});

const T = Date.UTC(2024, 9, 7, 10, 33, 8, 551);

describe('Notifications', () => {
  it('adds, refreshes and deletes, telling subscribers', () => {
    let now = T;
    const ns = new Notifications({ now: () => now });
    const seen: Notification[] = [];
    ns.add(SHUTTING_DOWN);
    const unsub = ns.subscribe((n) => {
      seen.push(n);
      return true;
    })!;
    expect(seen).toEqual([{ text: SHUTTING_DOWN, date: T, active: true }]); // The active ones first.
    now += 1000;
    ns.add(CONFIGURATION_UNSUCCESSFUL);
    now += 1000;
    ns.add(CONFIGURATION_UNSUCCESSFUL); // Exists: only its date changes.
    expect(ns.get()).toEqual([
      { text: SHUTTING_DOWN, date: T, active: true },
      { text: CONFIGURATION_UNSUCCESSFUL, date: T + 2000, active: true },
    ]);
    ns.delete(CONFIGURATION_UNSUCCESSFUL);
    ns.delete('not there');
    expect(seen.slice(1)).toEqual([
      { text: CONFIGURATION_UNSUCCESSFUL, date: T + 1000, active: true },
      { text: CONFIGURATION_UNSUCCESSFUL, date: T + 2000, active: true },
      { text: CONFIGURATION_UNSUCCESSFUL, date: T + 2000, active: false },
    ]);
    expect(ns.get()).toEqual([{ text: SHUTTING_DOWN, date: T, active: true }]);
    expect(ns.updatesSent).toBe(3);
    unsub();
    ns.add('x');
    expect(seen).toHaveLength(4);
    expect(ns.activeSubscribers).toBe(0);
  });

  it('refuses subscribers past the limit and counts updates a full subscriber drops', () => {
    const ns = new Notifications({ maxSubscribers: 1 });
    expect(ns.subscribe(() => false)).toBeDefined();
    expect(ns.subscribe(() => true)).toBeUndefined();
    ns.add('a');
    expect([ns.updatesSent, ns.updatesDropped]).toEqual([1, 1]);
  });
});

describe('GET /api/v1/notifications', () => {
  it('answers the active notifications, even before ready', async () => {
    const ns = new Notifications({ now: () => T });
    ns.add(SHUTTING_DOWN);
    const h = createAPIHandler({ queryable: db, engine: new Engine(), notifications: ns, isReady: () => false });
    const res = await h(new Request('http://localhost/api/v1/notifications'));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(
      '{"status":"success","data":[{"text":"Prometheus is shutting down and gracefully stopping all operations.","date":"2024-10-07T10:33:08.551Z","active":true}]}',
    );
  });

  it('answers an empty list without notifications', async () => {
    const h = createAPIHandler({ queryable: db, engine: new Engine() });
    expect(await (await h(new Request('http://localhost/api/v1/notifications'))).text()).toBe(
      '{"status":"success","data":[]}',
    );
  });
});

describe('GET /api/v1/notifications/live', () => {
  it('streams the active notifications, then updates, until the client goes away', async () => {
    const ns = new Notifications({ now: () => T });
    ns.add('first');
    const h = createAPIHandler({ queryable: db, engine: new Engine(), notifications: ns });
    const client = new AbortController();
    const res = await h(new Request('http://localhost/api/v1/notifications/live', { signal: client.signal }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const reader = res.body!.getReader();
    const dec = new TextDecoder();
    const read = async (): Promise<string> => dec.decode((await reader.read()).value);
    expect(await read()).toBe('data: {"text":"first","date":"2024-10-07T10:33:08.551Z","active":true}\n\n');
    ns.delete('first');
    expect(await read()).toBe('data: {"text":"first","date":"2024-10-07T10:33:08.551Z","active":false}\n\n');
    expect(ns.activeSubscribers).toBe(1);
    client.abort();
    expect((await reader.read()).done).toBe(true);
    expect(ns.activeSubscribers).toBe(0);
  });

  it('ends the stream when the notifications close (the server stops)', async () => {
    const ns = new Notifications({ now: () => T });
    const h = createAPIHandler({ queryable: db, engine: new Engine(), notifications: ns });
    const res = await h(new Request('http://localhost/api/v1/notifications/live'));
    const reader = res.body!.getReader();
    ns.add(SHUTTING_DOWN);
    ns.close();
    expect(new TextDecoder().decode((await reader.read()).value)).toContain('"active":true');
    expect((await reader.read()).done).toBe(true);
    const after = await h(new Request('http://localhost/api/v1/notifications/live'));
    expect(after.status).toBe(204);
  });

  it('answers 204 when the subscriber limit is reached', async () => {
    const ns = new Notifications({ maxSubscribers: 0 });
    const h = createAPIHandler({ queryable: db, engine: new Engine(), notifications: ns });
    const res = await h(new Request('http://localhost/api/v1/notifications/live'));
    expect(res.status).toBe(204);
    expect(res.body).toBeNull();
  });
});
