// /openapi.json and /docs: the API described from the same schemas that validate it.
// The docs page is rendered on the server with no script, so it needs no CDN and
// passes a strict Content-Security-Policy.
import { Hono } from 'hono';
import { html, raw } from 'hono/html';
import type { AppContext } from '../context.js';
import { etagOf, matchesEtag } from '../http/etag.js';
import { describe } from '../openapi/describe.js';
import { buildOpenApi } from '../openapi/document.js';
import { FAVICON_LINK } from './favicon.js';
import type { Operation } from '../openapi/operation.js';
import { typescriptExample, type DocOperation } from '../openapi/typescript-example.js';
import { scopeTable } from '../openapi/scope-table.js';

// A stylesheet of its own, so the page needs no 'unsafe-inline' in its CSP.
const docsStyle =
  'body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}' +
  'code,pre{font:14px ui-monospace,monospace}pre{background:#f4f4f4;padding:.75rem;overflow:auto}' +
  'section.op{border-top:1px solid #ddd;padding:.5rem 0}h3{margin:.5rem 0}h4{margin:.75rem 0 .25rem;font-size:1rem}' +
  'nav ul ul{margin:0 0 .5rem}nav li{margin:.1rem 0}' +
  'table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}';

type Doc = {
  tags: { name: string; description: string }[];
  paths: Record<string, Record<string, DocOperation>>;
};

const authText: Record<string, string> = {
  secretKey: 'A tenant secret key as Bearer token',
  adminToken: 'The operator bootstrap token as Bearer token',
  publicKey: 'The tenant public key as ?key=',
  session: 'The preference-center session cookie',
};

const tagAnchor = (name: string) => `tag-${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;

/** The reference page: a table of contents, then per tag its operations, each with a TypeScript call. */
function renderDocs(doc: Doc, scopes: ReturnType<typeof scopeTable>) {
  const operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ path, method, op })),
  );
  const groups = doc.tags
    .map((tag) => ({ tag, ops: operations.filter((o) => o.op.tags[0] === tag.name) }))
    .filter((g) => g.ops.length > 0);
  const toc = groups.map(
    ({ tag, ops }) =>
      html`<li><a href="#${tagAnchor(tag.name)}">${tag.name}</a><ul>${ops.map(
        ({ path, method, op }) =>
          html`<li><a href="#${op.operationId}"><code>${method.toUpperCase()} ${path}</code></a>: ${op.summary}</li>`,
      )}</ul></li>`,
  );
  const sections = groups.map(
    ({ tag, ops }) => html`
<section aria-labelledby="${tagAnchor(tag.name)}"><h2 id="${tagAnchor(tag.name)}">${tag.name}</h2><p>${tag.description}</p>
${ops.map(({ path, method, op }) => {
  const scheme = Object.keys(op.security?.[0] ?? {})[0];
  const responses = Object.entries(op.responses).map(
    ([status, r]) =>
      html`<li><code>${status}</code> ${r.description}${r.content ? html` (${Object.keys(r.content).join(', ')})` : ' (no body)'}</li>`,
  );
  return html`
<section class="op" aria-labelledby="${op.operationId}"><h3 id="${op.operationId}"><code>${method.toUpperCase()} ${path}</code></h3>
<p>${op.summary}</p>${op.description ? html`<p>${op.description}</p>` : ''}
<p>Operation id <code>${op.operationId}</code>. Authentication: ${scheme ? (authText[scheme] ?? scheme) : 'none'}.</p>
${op.parameters.length ? html`<details><summary>Parameters</summary><pre tabindex="0">${JSON.stringify(op.parameters, null, 2)}</pre></details>` : ''}
${op.requestBody ? html`<details><summary>Request body</summary><pre tabindex="0">${JSON.stringify(op.requestBody, null, 2)}</pre></details>` : ''}
<h4>Answers</h4><ul>${responses}</ul>
<h4>TypeScript</h4><pre tabindex="0"><code>${typescriptExample(method, path, op)}</code></pre>
</section>`;
})}
</section>`,
  );
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Akkoord API</title>
<link rel="stylesheet" href="/docs.css">
${raw(FAVICON_LINK)}
</head><body><main><h1>Akkoord API</h1>
<p>The machine-readable document is at <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1). Each example assumes
<code>baseUrl</code> and the credential it names (<code>secretKey</code>, <code>adminToken</code> or the preference center's <code>csrfToken</code>).</p>
<nav aria-labelledby="toc"><h2 id="toc">Contents</h2><ul><li><a href="#scopes">Scopes of secret keys</a></li>${toc}</ul></nav>
<section aria-labelledby="scopes"><h2 id="scopes">Scopes of secret keys</h2>
<table><thead><tr><th>Scope</th><th>What it is for</th><th>Operations that accept it</th></tr></thead><tbody>${scopes.map(
    (row) => html`
<tr><td><code>${row.scope}</code></td><td>${row.purpose}</td><td>${row.operations.map((op) => html`<code>${op}</code><br>`)}</td></tr>`,
  )}</tbody></table>
</section>
${sections}
</main></body></html>`;
}

export function docsRoutes(ctx: AppContext, operations: () => Operation[]) {
  let cached: ReturnType<typeof buildOpenApi> | null = null;
  const document = () => (cached ??= buildOpenApi(operations(), ctx.config.publicUrl));
  // The document does not change while the server runs: serialised once, as bytes (a string
  // body is converted again on every answer), with an ETag, so a client that has it gets a 304.
  let served: { body: Uint8Array<ArrayBuffer>; etag: string } | null = null;
  const servedDocument = () => {
    if (!served) {
      const body = new TextEncoder().encode(JSON.stringify(document()));
      served = { body, etag: etagOf(body) };
    }
    return served;
  };
  return new Hono()
    .get(
      '/openapi.json',
      describe({
        tag: 'Operations',
        auth: 'none',
        summary: 'This OpenAPI document (ETag and If-None-Match)',
        responses: {
          200: {
            description: 'OpenAPI 3.1',
            // An OpenAPI document, whose own schema is published by the OpenAPI Initiative.
            schema: {
              type: 'object',
              required: ['openapi', 'info', 'paths'],
              properties: {
                openapi: { type: 'string', const: '3.1.0' },
                info: { type: 'object' },
                paths: { type: 'object' },
              },
              additionalProperties: true,
            },
          },
          304: 'Not modified',
        },
      }),
      (c) => {
        const { body, etag } = servedDocument();
        const headers = { 'content-type': 'application/json', etag };
        if (matchesEtag(c.req.header('if-none-match'), etag)) return c.body(null, 304, headers);
        return c.body(body, 200, headers);
      },
    )
    .get('/docs.css', (c) =>
      c.body(docsStyle, 200, {
        'content-type': 'text/css; charset=utf-8',
        'cache-control': 'public, max-age=3600',
      }),
    )
    .get(
      '/docs',
      describe({
        tag: 'Operations',
        auth: 'none',
        summary: 'The API reference as a page',
        responses: { 200: { description: 'HTML', contentType: 'text/html' } },
      }),
      (c) => c.html(renderDocs(document() as unknown as Doc, scopeTable(operations()))),
    );
}
