import { Engine } from '@tsprom/promql';
import { DB } from '@tsprom/tsdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { apiRoutes, createAPIHandler } from './api.js';
import { openAPIDocument, openAPIPaths, toYAML } from './openapi.js';

let db: DB;
beforeAll(async () => {
  db = await DB.open();
});
afterAll(async () => {
  await db.close();
});

// biome-ignore lint/suspicious/noExplicitAny: the parsed OpenAPI document, read by field.
type Doc = any;

async function fetchSpec(query = ''): Promise<{ status: number; type: string | null; doc: Doc; text: string }> {
  const h = createAPIHandler({ queryable: db, engine: new Engine(), isReady: () => false });
  const res = await h(new Request(`http://localhost/api/v1/openapi.yaml${query}`));
  const text = await res.text();
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    doc: res.status === 200 ? parse(text) : undefined,
    text,
  };
}

describe('openapi.yaml', () => {
  it('serves OpenAPI 3.1 YAML that parses back to the document', async () => {
    const r = await fetchSpec();
    expect(r.status).toBe(200);
    expect(r.type).toBe('application/yaml; charset=utf-8');
    expect(r.doc).toEqual(JSON.parse(JSON.stringify(openAPIDocument('3.1', '/api/v1'))));
    expect(r.doc.openapi).toBe('3.1.0');
    expect(r.doc.servers).toEqual([{ url: '/api/v1' }]);
    // Server-sent events need 3.2's itemSchema: left out of 3.1.
    expect(r.doc.paths['/notifications/live']).toBeUndefined();
  });

  it('serves OpenAPI 3.2 with the live notifications on request', async () => {
    const r = await fetchSpec('?openapi_version=3.2');
    expect(r.doc.openapi).toBe('3.2.0');
    const live = r.doc.paths['/notifications/live'].get;
    expect(live.responses['200'].content['text/event-stream'].itemSchema).toEqual({
      $ref: '#/components/schemas/Notification',
    });
  });

  it('rejects another version', async () => {
    const r = await fetchSpec('?openapi_version=2.0');
    expect(r.status).toBe(400);
    expect(JSON.parse(r.text).errorType).toBe('bad_data');
  });

  it('describes every route with its methods, and no route that does not exist', () => {
    const routes = apiRoutes({ queryable: db, engine: new Engine(), enableSearchAPI: true });
    const described = new Map(openAPIPaths().map((e) => [e.path, e]));
    for (const [path, route] of routes) {
      const e = described.get(path);
      expect(e, path).toBeDefined();
      expect([...e!.methods].map((m) => m.toUpperCase()).sort(), path).toEqual([...route.methods].sort());
    }
    for (const path of described.keys()) {
      if (path === '/label/{name}/values') continue; // Matched by pattern, not in the table.
      expect(routes.has(path), path).toBe(true);
    }
  });

  it('refers only to schemas it defines, and gives each operation an id of its own', async () => {
    const { doc } = await fetchSpec('?openapi_version=3.2');
    const refs = [...JSON.stringify(doc).matchAll(/"#\/components\/(schemas|responses)\/(\w+)"/g)];
    expect(refs.length).toBeGreaterThan(10);
    for (const [, kind, name] of refs) expect(doc.components[kind!][name!], `${kind}/${name}`).toBeDefined();
    const ids = Object.values(doc.paths).flatMap((item) =>
      Object.values(item as object).map((op: Doc) => op.operationId),
    );
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('toYAML', () => {
  it('writes plain data that the yaml package reads back unchanged', () => {
    const v = {
      a: 'plain',
      'needs: quoting': ['true', 'x y', '', '-1', '200', 3.5, false, null],
      nested: [{ k: [1, [2, 3]], e: {}, f: [] }, 'é"\\\n'],
      $ref: '#/x',
    };
    expect(parse(toYAML(v))).toEqual(v);
  });
});
