// Every documented endpoint, called with tenant A's credentials and tenant
// B's identifiers, finds nothing of B (404, never 403, so ids reveal nothing), changes
// nothing of B, and no answer to A carries B's data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects } from '../helpers/db.js';
import { createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.js';

const B_EMAIL = 'b-person@tenant-b.example';
const B_EXTERNAL = 'b-external-7f3a';
const B_VISITOR = 'v_BBBBBBBBBBBBBBBBBBBBBBBBBBBB';

/** Operations not reachable with a tenant's credentials, or public by design. */
const outOfScope = (method: string, path: string) =>
  path.startsWith('/v1/admin/') ||
  ['/p/', '/u/', '/c/', '/dev/', '/console/'].some((p) => path.startsWith(p)) ||
  (path === '/v1/tenant' && method === 'DELETE');

const createsOwnSubject = (method: string, path: string) =>
  (method === 'PUT' && path === '/v1/subjects/{externalId}') ||
  (method === 'POST' &&
    ['/v1/subjects/{externalId}/consents', '/v1/subjects/{externalId}/records/{dataset}'].includes(
      path,
    )) ||
  // Purpose keys are per tenant too: A's PUT makes A's own DPIA record of that purpose.
  (method === 'PUT' && path === '/v1/dpias/{purpose}');

/** Bodies that pass validation, so the call reaches the tenant check. */
const bodies: Record<string, unknown> = {
  'POST /v1/requests/{id}/extend': { reason: 'More time is needed to collect the records.' },
  'POST /v1/requests/{id}/refuse': {
    ground: 'excessive',
    explanation: 'The same request was answered last week.',
  },
  'POST /v1/subjects/{externalId}/consents': {
    decisions: { newsletter: { email: true } },
    source: 'api',
    configVersion: 1,
  },
  'POST /v1/subjects/{externalId}/records/{dataset}': [{ order: 1 }],
  'POST /v1/subjects/{externalId}/links': { kind: 'preferences' },
  'PATCH /v1/breaches/{id}': { measures: 'Passwords were reset.' },
  'POST /v1/breaches/{id}/communications': { externalIds: [B_EXTERNAL] },
  'PUT /v1/processors/{id}': {
    name: 'Host',
    role: 'hosting',
    purposes: [],
    dataCategories: [],
    location: 'NL',
  },
  'PUT /v1/staff/{id}': { role: 'viewer' },
  'POST /v1/requests/{id}/identity-check': { method: 'document' },
  'PATCH /v1/webhooks/{id}': { paused: true },
};

describe.each(dialects)('tenant isolation on %s', (dialect) => {
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  const bIds: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestApp(dialect);
    a = await createTestTenant(t);
    b = await createTestTenant(t);
    // Give tenant B one of everything.
    bIds.tenant = b.tenantId;
    await t.call('PUT', `/v1/subjects/${B_EXTERNAL}`, {
      token: b.secretKey,
      body: { email: B_EMAIL, visitorIds: [B_VISITOR] },
    });
    await t.call('POST', '/v1/consents', {
      headers: { origin: 'https://shop.example' },
      body: {
        key: b.publicKey,
        visitorId: B_VISITOR,
        decisions: { analytics: true },
        configVersion: 1,
        locale: 'nl',
        source: 'banner',
        gpc: false,
        clientEventId: 'tenant-b-event-1',
      },
    });
    const request = await (
      await t.call('POST', '/v1/requests', {
        token: b.secretKey,
        body: { subject: B_EXTERNAL, type: 'access', scope: {} },
      })
    ).json();
    bIds.request = request.id;
    const webhook = await (
      await t.call('POST', '/v1/webhooks', {
        token: b.secretKey,
        body: { url: 'http://127.0.0.1:9/hook', types: [] },
      })
    ).json();
    bIds.webhook = webhook.id;
    bIds.key = (await (await t.call('GET', '/v1/keys', { token: b.secretKey })).json()).keys[0].id;
    const bConfig = (
      await (await t.call('GET', '/v1/config/versions/1', { token: b.secretKey })).json()
    ).config;
    const republished = await (
      await t.call('PUT', '/v1/config', {
        token: b.secretKey,
        body: { ...bConfig, controllerName: 'Tenant B BV' },
      })
    ).json();
    bIds.configVersion = String(republished.version);
    expect(bIds.configVersion).toBe('2');
    bIds.breach = (
      await (
        await t.call('POST', '/v1/breaches', {
          token: b.secretKey,
          body: {
            awareAt: new Date().toISOString(),
            nature: 'A lost backup tape.',
            subjectCategories: ['customers'],
            dataCategories: ['e-mail address'],
            approxSubjects: 10,
            approxRecords: 10,
            likelyConsequences: 'Phishing.',
            measures: 'None yet.',
          },
        })
      ).json()
    ).id;
    bIds.processor = (
      await (
        await t.call('POST', '/v1/processors', {
          token: b.secretKey,
          body: {
            name: 'B Host',
            role: 'hosting',
            purposes: ['newsletter'],
            dataCategories: ['e-mail address'],
            location: 'NL',
          },
        })
      ).json()
    ).id;
    await t.call('PUT', '/v1/dpias/newsletter', {
      token: b.secretKey,
      body: { criteria: ['profiling'] },
    });
    bIds.staff = (
      await (
        await t.call('POST', '/v1/staff', {
          token: b.secretKey,
          body: { email: 'b-staff@tenant-b.example', role: 'viewer' },
        })
      ).json()
    ).id;
  });
  afterAll(async () => {
    await t.close();
  });

  function valueFor(path: string, param: string): string {
    if (param === 'externalId') return B_EXTERNAL;
    if (param === 'visitorId') return B_VISITOR;
    if (param === 'dataset') return 'orders';
    // B's webhook has no delivery yet; its id is what must not be reachable.
    if (param === 'deliveryId') return 'msg_of_tenant_b';
    if (param === 'id' && path.startsWith('/v1/requests/')) return bIds.request;
    if (param === 'id' && path.startsWith('/v1/webhooks/')) return bIds.webhook;
    if (param === 'id' && path.startsWith('/v1/keys/')) return bIds.key;
    if (param === 'id' && path.startsWith('/v1/breaches/')) return bIds.breach;
    if (param === 'id' && path.startsWith('/v1/processors/')) return bIds.processor;
    if (param === 'purpose' && path.startsWith('/v1/dpias/')) return 'newsletter';
    if (param === 'id' && path.startsWith('/v1/staff/')) return bIds.staff;
    // Versions are numbered per tenant: B has a version 2, A has only its first.
    if (param === 'version') return bIds.configVersion;
    throw new Error(`tenant-isolation test: no tenant-B value for {${param}} in ${path}; add one`);
  }

  it("finds nothing of tenant B through any endpoint with tenant A's credentials", async () => {
    const doc = await (await t.call('GET', '/openapi.json')).json();
    const leaks: string[] = [];
    let checked = 0;
    for (const [path, methods] of Object.entries<any>(doc.paths)) {
      for (const method of Object.keys(methods).map((m) => m.toUpperCase())) {
        // Writes by externalId make or reach A's own subject of that name (ids are per tenant):
        // checked below by seeing that B's subject is untouched.
        if (outOfScope(method, path) || createsOwnSubject(method, path)) continue;
        const params = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
        const url = path.replace(/\{([^}]+)\}/g, (_, p) => encodeURIComponent(valueFor(path, p)));
        const query = new URLSearchParams({
          key: a.publicKey,
          subject: B_EXTERNAL,
          purpose: 'analytics',
          format: 'json',
          email: B_EMAIL,
        });
        const res = await t.call(method, `${url}?${query}`, {
          token: a.secretKey,
          headers: { origin: 'https://shop.example' },
          body:
            method === 'GET' || method === 'DELETE'
              ? undefined
              : (bodies[`${method} ${path}`] ?? {}),
        });
        const text = await res.text();
        checked += 1;
        if (params.length > 0 && res.status !== 404)
          leaks.push(`${method} ${path}: ${res.status} (expected 404)`);
        for (const secret of [B_EMAIL, b.tenantId, b.secretKey, 'b-staff@tenant-b.example']) {
          if (text.includes(secret))
            leaks.push(`${method} ${path}: answer contains tenant B's ${secret}`);
        }
      }
    }
    expect(leaks).toEqual([]);
    expect(checked).toBeGreaterThan(20);
  });

  it('left everything of tenant B as it was, also after A made a subject with the same externalId', async () => {
    for (const [method, path] of [
      ['PUT', ''],
      ['POST', '/consents'],
      ['POST', '/records/orders'],
    ]) {
      const body = bodies[
        `${method} /v1/subjects/{externalId}${path.replace('orders', '{dataset}')}`
      ] ?? { email: 'a-person@tenant-a.example' };
      const own = await t.call(method, `/v1/subjects/${B_EXTERNAL}${path}`, {
        token: a.secretKey,
        body,
      });
      expect(own.status).toBeLessThan(300);
      expect(await own.text()).not.toContain(B_EMAIL);
    }
    const bView = await (
      await t.call('GET', `/v1/subjects/${B_EXTERNAL}`, { token: b.secretKey })
    ).json();
    expect(JSON.stringify(bView)).not.toContain('orders');
    expect(JSON.stringify(bView.consents ?? bView.state ?? {})).not.toContain('newsletter');
    const subject = await t.call('GET', `/v1/subjects/${B_EXTERNAL}`, { token: b.secretKey });
    expect(subject.status).toBe(200);
    expect(await subject.text()).toContain(B_EMAIL);
    const request = await (
      await t.call('GET', `/v1/requests/${bIds.request}`, { token: b.secretKey })
    ).json();
    expect(request.status).not.toBe('cancelled');
    expect((await t.call('GET', '/v1/keys', { token: b.secretKey })).status).toBe(200);
    const webhooks = await (await t.call('GET', '/v1/webhooks', { token: b.secretKey })).text();
    expect(webhooks).toContain(bIds.webhook);
    const consents = await (
      await t.call('GET', `/v1/consents/${B_VISITOR}?key=${b.publicKey}`)
    ).json();
    expect(consents.state.analytics).toBe('granted');
  });
});
