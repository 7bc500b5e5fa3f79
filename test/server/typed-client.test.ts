// The document is usable by a tool builder: a client generated from /openapi.json with
// openapi-typescript type-checks a consent flow under strict settings, and openapi-fetch runs
// that flow against a real server (admin creates a tenant, the config is published, a visitor's
// choice is recorded and read back, and the feed carries it).
import fs from 'node:fs';
import path from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoConfig } from '../../server/services/config/demo.js';
import { ADMIN_TOKEN } from '../helpers/app.js';
import { serveTestApp, type ServedApp } from '../helpers/server.js';

// Inside node_modules, so the generated flow resolves openapi-fetch like any module of ours.
const dir = path.resolve('node_modules/.cache/akkoord-typed-client');

const flowSource = `
import createClient from 'openapi-fetch';
import type { paths } from './api';

type TenantConfig = paths['/v1/config']['put']['requestBody']['content']['application/json'];

export async function consentFlow(baseUrl: string, adminToken: string, config: TenantConfig) {
  const client = createClient<paths>({ baseUrl });
  const created = await client.POST('/v1/admin/tenants', {
    headers: { authorization: \`Bearer \${adminToken}\` },
    body: { name: 'Typed Client BV', allowedOrigins: ['https://shop.example'] },
  });
  if (!created.data) throw new Error(\`tenant: \${created.error?.error.message}\`);
  const { publicKey, secretKey } = created.data;
  const auth = { authorization: \`Bearer \${secretKey}\` };
  const published = await client.PUT('/v1/config', { headers: auth, body: config });
  if (!published.data) throw new Error(\`config: \${published.error?.error.message}\`);
  const visitorId = 'v_' + 'A'.repeat(22);
  const recorded = await client.POST('/v1/consents', {
    body: { key: publicKey, visitorId, decisions: { analytics: true }, configVersion: published.data.version, clientEventId: 'ce_typed_client_1' },
  });
  if (!recorded.data) throw new Error(\`consent: \${recorded.error?.error.message}\`);
  const read = await client.GET('/v1/consents/{visitorId}', { params: { path: { visitorId }, query: { key: publicKey } } });
  const feed = await client.GET('/v1/feed', { headers: auth, params: { query: {} } });
  const unknown = await client.GET('/v1/consents/{visitorId}', { params: { path: { visitorId: 'v_' + 'B'.repeat(22) }, query: { key: publicKey } } });
  return {
    receipt: recorded.data.receipt,
    analytics: read.data?.state.analytics,
    history: read.data?.history.length,
    feedTypes: feed.data?.events.map((event) => event.type) ?? [],
    unknownCode: unknown.error?.error.code,
  };
}
`;

describe('a client generated from /openapi.json', () => {
  let served: ServedApp;
  beforeAll(async () => {
    served = await serveTestApp();
    const doc = await (await fetch(`${served.url}/openapi.json`)).json();
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'api.d.ts'), astToString(await openapiTS(doc)));
    fs.writeFileSync(path.join(dir, 'flow.ts'), flowSource);
  });
  afterAll(async () => {
    await served.close();
  });

  it('type-checks a consent flow in strict mode', () => {
    const program = ts.createProgram([path.join(dir, 'flow.ts')], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      skipLibCheck: true,
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .map(
        (d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`,
      );
    expect(problems).toEqual([]);
  });

  it('runs the flow against a real server', async () => {
    const { consentFlow } = (await import(path.join(dir, 'flow.ts'))) as {
      consentFlow: (...args: unknown[]) => Promise<Record<string, unknown>>;
    };
    const result = await consentFlow(served.url, ADMIN_TOKEN, demoConfig('https://shop.example'));
    expect(result).toMatchObject({ analytics: 'granted', history: 1, unknownCode: 'NOT_FOUND' });
    expect(String(result.receipt).split('.')).toHaveLength(3);
    expect(result.feedTypes).toContain('consent.updated');
  });
});
