// The README's example.
import { Engine } from '@tsprom/promql';
import { DB } from '@tsprom/tsdb';
import { expect, it } from 'vitest';
import { createAPIHandler } from './index.js';

it('answers the README query', async () => {
  const db = await DB.open();
  const handler = createAPIHandler({ queryable: db, engine: new Engine({ timeoutMs: 120_000 }) });
  const res = await handler(new Request('http://localhost/api/v1/query?query=1%2B1&time=10'));
  expect(res.status).toBe(200);
  expect(await res.text()).toBe('{"status":"success","data":{"resultType":"scalar","result":[10,"2"]}}');
  await db.close();
});
