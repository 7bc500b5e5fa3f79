// /openapi.json and /docs: the API described from the same schemas that validate it.
// The docs page is rendered on the server with no script, so it needs no CDN and
// passes a strict Content-Security-Policy.
import { Hono } from 'hono';
import { html } from 'hono/html';
import type { AppContext } from '../context.js';
import { buildOpenApi } from '../openapi/document.js';
import type { Operation } from '../openapi/operation.js';

export const docsOperations: Operation[] = [
  { method: 'get', path: '/openapi.json', tag: 'Operations', auth: 'none', summary: 'This OpenAPI document', responses: { 200: 'OpenAPI 3.1' } },
  { method: 'get', path: '/docs', tag: 'Operations', auth: 'none', summary: 'The API reference as a page', responses: { 200: { description: 'HTML', contentType: 'text/html' } } },
];

// A stylesheet of its own, so the page needs no 'unsafe-inline' in its CSP.
const docsStyle = 'body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}'
  + 'code,pre{font:14px ui-monospace,monospace}pre{background:#f4f4f4;padding:.75rem;overflow:auto}'
  + 'section{border-top:1px solid #ddd;padding:.5rem 0}h3{margin:.5rem 0}';

type Doc = { paths: Record<string, Record<string, { summary: string; description: string; tags: string[]; requestBody?: unknown; parameters: unknown[] }>> };

export function docsRoutes(ctx: AppContext, operations: () => Operation[]) {
  let cached: ReturnType<typeof buildOpenApi> | null = null;
  const document = () => (cached ??= buildOpenApi(operations(), ctx.config.publicUrl));
  return new Hono()
    .get('/openapi.json', (c) => c.json(document()))
    .get('/docs.css', (c) => c.body(docsStyle, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=3600' }))
    .get('/docs', (c) => {
      const doc = document() as unknown as Doc;
      const rows = Object.entries(doc.paths).flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, op]) => html`
          <section>
            <h3><code>${method.toUpperCase()} ${path}</code></h3>
            <p>${op.summary}</p>${op.description ? html`<p>${op.description}</p>` : ''}
            ${op.requestBody ? html`<details><summary>Request body</summary><pre>${JSON.stringify(op.requestBody, null, 2)}</pre></details>` : ''}
            ${op.parameters.length ? html`<details><summary>Parameters</summary><pre>${JSON.stringify(op.parameters, null, 2)}</pre></details>` : ''}
          </section>`),
      );
      return c.html(html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Akkoord API</title>
<link rel="stylesheet" href="/docs.css">
</head><body><main><h1>Akkoord API</h1><p>The machine-readable document is at <a href="/openapi.json">/openapi.json</a>.</p>${rows}</main></body></html>`);
    });
}
