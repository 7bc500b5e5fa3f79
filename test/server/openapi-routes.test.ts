// The document and the router agree: every route the app mounts is an operation in
// /openapi.json, and every operation there is mounted. Static files of our own pages are the
// only exceptions, each with its reason.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { UNDOCUMENTED_PATHS } from '../helpers/response-check.js';

/** Hono's `/v1/keys/:id` or `/p/assets/:file{.+}` as the document writes it: `/v1/keys/{id}`. */
const asTemplate = (path: string) => path.replace(/:([A-Za-z0-9_]+)(\{[^}]*\})?/g, '{$1}');

describe('/openapi.json and the mounted routes', () => {
  let t: TestApp;
  let documented: Set<string>;
  let mounted: Set<string>;
  beforeAll(async () => {
    t = await startTestApp('sqlite');
    const doc = (await (await t.app.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, unknown>>;
    };
    documented = new Set(
      Object.entries(doc.paths).flatMap(([path, methods]) =>
        Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`),
      ),
    );
    mounted = new Set(
      t.app.routes
        // Middleware is registered as ALL; HEAD and OPTIONS are answered for the GETs and preflights.
        .filter((r) => r.method !== 'ALL' && r.method !== 'OPTIONS' && r.method !== 'HEAD')
        .filter((r) => !UNDOCUMENTED_PATHS.some((u) => u.pattern.test(r.path)))
        .map((r) => `${r.method} ${asTemplate(r.path)}`),
    );
  });
  afterAll(async () => {
    await t.close();
  });

  it('every mounted route is documented', () => {
    expect([...mounted].filter((route) => !documented.has(route))).toEqual([]);
  });

  it('every documented operation is mounted', () => {
    expect([...documented].filter((route) => !mounted.has(route))).toEqual([]);
  });

  it('every operation has a unique camelCase operationId, a tag and a summary', async () => {
    const doc = (await (await t.app.request('/openapi.json')).json()) as {
      paths: Record<
        string,
        Record<string, { operationId: string; tags: string[]; summary: string }>
      >;
      tags: { name: string; description: string }[];
    };
    const operations = Object.values(doc.paths).flatMap((methods) => Object.values(methods));
    const ids = operations.map((op) => op.operationId);
    expect(ids.filter((id) => !/^[a-z][A-Za-z0-9]*$/.test(id))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
    const tagNames = new Set(doc.tags.map((tag) => tag.name));
    expect(
      operations.filter((op) => op.tags.length !== 1 || !tagNames.has(op.tags[0]) || !op.summary),
    ).toEqual([]);
    expect(doc.tags.every((tag) => tag.description.length > 0)).toBe(true);
  });

  it('is served with an ETag, and a client that has it gets 304 and no body', async () => {
    const first = await t.app.request('/openapi.json');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
    expect(first.headers.get('content-type')).toMatch(/^application\/json/);
    const again = await t.app.request('/openapi.json', {
      headers: { 'if-none-match': `W/"other", ${etag}` },
    });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    const stale = await t.app.request('/openapi.json', { headers: { 'if-none-match': '"other"' } });
    expect(stale.status).toBe(200);
    expect(await stale.text()).toBe(await first.text());
  });
});
