import { DB } from '@tsprom/tsdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type APIHandler, createAPIHandler } from './api.js';

let db: DB;
let h: APIHandler;
beforeAll(async () => {
  db = await DB.open();
  // An agent has no engine: the query endpoints never reach one.
  h = createAPIHandler({
    queryable: db,
    isAgent: true,
    enableAdmin: true,
    status: { flags: () => ({ agent: 'true' }) },
  });
});
afterAll(async () => {
  await db.close();
});

const refused = '{"status":"error","errorType":"execution","error":"unavailable with Prometheus Agent"}';

describe('agent mode', () => {
  it.each([
    ['GET', '/query?query=up'],
    ['POST', '/query_range'],
    ['GET', '/query_exemplars?query=up'],
    ['GET', '/format_query?query=up'],
    ['GET', '/labels'],
    ['GET', '/label/job/values'],
    ['GET', '/series?match[]=up'],
    ['GET', '/alerts'],
    ['GET', '/rules'],
    ['GET', '/alertmanagers'],
    ['GET', '/status/tsdb'],
    ['POST', '/admin/tsdb/snapshot'],
    ['POST', '/admin/tsdb/delete_series?match[]=up'],
  ])('%s %s answers 422 as Prometheus agent does', async (method, path) => {
    const res = await h(new Request(`http://localhost/api/v1${path}`, { method }));
    expect(res.status).toBe(422);
    expect(await res.text()).toBe(refused);
  });

  it('serves the status endpoints, targets and metadata', async () => {
    for (const path of ['/status/flags', '/status/walreplay', '/targets', '/metadata']) {
      const res = await h(new Request(`http://localhost/api/v1${path}`));
      expect(res.status, path).toBe(200);
    }
    const flags = await h(new Request('http://localhost/api/v1/status/flags'));
    expect(await flags.text()).toBe('{"status":"success","data":{"agent":"true"}}');
  });
});
