// Webhooks (docs/webhooks.md; GDPR-36, Art. 19: every recipient is told, and the telling
// is recorded): Standard Webhooks signatures checked by a real receiver on 127.0.0.1,
// retries with backoff, the 24-hour give-up, survival of a restart, tenants apart.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterEach, beforeEach, describe, expect } from 'vitest';
import { createApp, createContext } from '../../server/app.js';
import { createStore } from '../../server/db/create-db.js';
import { dispatchFeed } from '../../server/services/webhooks/webhook-dispatch.js';
import {
  retryDelayMs,
  runDueDeliveries,
  startWebhookWorker,
} from '../../server/services/webhooks/webhook-delivery.js';
import { dialects } from '../helpers/db.js';
import { createTestTenant, fixedClock, type TestApp, type TestTenant } from '../helpers/app.js';
import { it } from '../helpers/app-fixture.js';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A receiver that answers with the next status of `statuses` (the last one repeats). */
async function startReceiver(statuses: number[] = [200]) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.statusCode = statuses[Math.min(received.length - 1, statuses.length - 1)];
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Verifies with the standardwebhooks package, exactly as a receiver would. */
function verify(secret: string, message: Received): any {
  return new Webhook(secret).verify(message.body, {
    'webhook-id': String(message.headers['webhook-id']),
    'webhook-timestamp': String(message.headers['webhook-timestamp']),
    'webhook-signature': String(message.headers['webhook-signature']),
  });
}

describe.each(dialects)('webhooks on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  const clock = fixedClock(new Date());
  const closers: Array<() => Promise<void>> = [];
  beforeEach(() => {
    clock.set(new Date());
  });
  it.override({ dialect, appOptions: { clock } });
  it.beforeEach(({ app, tenant: made }) => {
    t = app;
    tenant = made;
  });
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  async function receiver(statuses?: number[]) {
    const r = await startReceiver(statuses);
    closers.push(r.close);
    return r;
  }
  async function register(url: string, types?: string[], token = tenant.secretKey) {
    const res = await t.call('POST', '/v1/webhooks', {
      token,
      body: { url, ...(types ? { types } : {}) },
    });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string; secret: string };
  }
  const consent = (externalId: string, decisions: Record<string, unknown> = { analytics: true }) =>
    t.call('POST', `/v1/subjects/${externalId}/consents`, {
      token: tenant.secretKey,
      body: { decisions },
    });
  const deliveries = async (id: string) =>
    (
      (await (
        await t.call('GET', `/v1/webhooks/${id}/deliveries`, { token: tenant.secretKey })
      ).json()) as any
    ).deliveries;

  it('registers with a whsec_ secret that is stored encrypted and never listed', async () => {
    const hook = await register('https://tool.example/hooks', ['consent.updated']);
    expect(hook.id).toMatch(/^wh_/);
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
    const row = await t.ctx.db.selectFrom('webhooks').selectAll().executeTakeFirstOrThrow();
    expect(row.secret_enc).not.toContain(hook.secret.slice(6));
    const list = await (await t.call('GET', '/v1/webhooks', { token: tenant.secretKey })).text();
    expect(list).toContain(hook.id);
    expect(list).not.toContain(hook.secret);
  });

  it('refuses non-http(s) URLs and unknown event types', async () => {
    for (const body of [
      { url: 'ftp://tool.example/x' },
      { url: 'javascript:alert(1)' },
      { url: 'not a url' },
      { url: 'https://tool.example', types: ['consent.deleted'] },
    ]) {
      const res = await t.call('POST', '/v1/webhooks', { token: tenant.secretKey, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
  });

  it('GDPR-36: delivers each event signed per Standard Webhooks; the receiver verifies every signature', async () => {
    const r = await receiver();
    const hook = await register(r.url);
    await t.call('PUT', '/v1/subjects/crm-1', {
      token: tenant.secretKey,
      body: { email: 'anna@example.nl' },
    });
    await consent('crm-1');
    await consent('crm-2', { newsletter: { email: true } });
    const result = await runDueDeliveries(t.ctx);
    expect(result).toMatchObject({ dispatched: 2, attempted: 2, delivered: 2 });
    expect(r.received).toHaveLength(2);
    const feed = (
      (await (await t.call('GET', '/v1/feed', { token: tenant.secretKey })).json()) as any
    ).events;
    const bodies = r.received.map((m) => verify(hook.secret, m));
    expect(bodies.map((b) => b.data)).toEqual(expect.arrayContaining(feed));
    expect(bodies[0]).toMatchObject({
      type: 'consent.updated',
      timestamp: feed.find((e: any) => e.id === bodies[0].data.id).occurredAt,
    });
    for (const m of r.received) {
      expect(m.headers['webhook-id']).toMatch(/^msg_/);
      expect(m.body).not.toContain('@');
    }
    // A tampered body does not verify.
    expect(() =>
      verify(hook.secret, {
        ...r.received[0],
        body: r.received[0].body.replace('granted', 'denied'),
      }),
    ).toThrow();
    const log = await deliveries(hook.id);
    expect(log.map((d: any) => [d.status, d.lastStatusCode, d.attempts.length])).toEqual([
      ['delivered', 200, 1],
      ['delivered', 200, 1],
    ]);
    expect((await runDueDeliveries(t.ctx)).attempted).toBe(0);
  });

  it('a receiver that fails twice then succeeds gets the event on the third attempt, with the same webhook-id', async () => {
    const r = await receiver([500, 503, 204]);
    const hook = await register(r.url);
    await consent('crm-1');
    expect((await runDueDeliveries(t.ctx)).attempted).toBe(1);
    // Not due again until its backoff has passed.
    expect((await runDueDeliveries(t.ctx)).attempted).toBe(0);
    clock.advance(60_000);
    expect((await runDueDeliveries(t.ctx)).attempted).toBe(1);
    clock.advance(10 * 60_000);
    expect(await runDueDeliveries(t.ctx)).toMatchObject({ attempted: 1, delivered: 1 });
    expect(r.received).toHaveLength(3);
    expect(new Set(r.received.map((m) => m.headers['webhook-id'])).size).toBe(1);
    for (const m of r.received) verify(hook.secret, m);
    const [delivery] = await deliveries(hook.id);
    expect(delivery.status).toBe('delivered');
    expect(delivery.attempts.map((a: any) => a.statusCode)).toEqual([500, 503, 204]);
    expect(delivery.attempts.map((a: any) => a.attemptedAt)).toEqual(
      [...delivery.attempts.map((a: any) => a.attemptedAt)].sort(),
    );
    expect(new Set(delivery.attempts.map((a: any) => a.attemptedAt)).size).toBe(3);
  });

  it('retries with exponential backoff and jitter for at least 24 hours, then marks the delivery failed', async () => {
    const delays = [1, 2, 3, 4, 5, 6, 7].map((n) => retryDelayMs(n, () => 0.5));
    expect(delays.slice(0, 5)).toEqual([30_000, 120_000, 480_000, 1_920_000, 7_680_000]);
    expect(delays[6]).toBe(6 * 3_600_000);
    expect(retryDelayMs(1, () => 0)).toBeLessThan(retryDelayMs(1, () => 1));

    const r = await receiver([503]);
    const hook = await register(r.url);
    await consent('crm-1');
    const createdAt = clock.now().getTime();
    for (let hour = 0; hour <= 40; hour++) {
      await runDueDeliveries(t.ctx);
      clock.advance(3_600_000);
    }
    const [delivery] = await deliveries(hook.id);
    expect(delivery.status).toBe('failed');
    const times = delivery.attempts.map((a: any) => Date.parse(a.attemptedAt));
    expect(times.at(-1) - createdAt).toBeGreaterThanOrEqual(24 * 3_600_000);
    expect(times.slice(0, -1).every((at: number) => at - createdAt < 24 * 3_600_000)).toBe(true);
    const attempts = r.received.length;
    clock.advance(48 * 3_600_000);
    await runDueDeliveries(t.ctx);
    expect(r.received).toHaveLength(attempts);
  });

  it('a pending delivery is still delivered after a restart (new app and context on the same database)', async () => {
    const r = await receiver([500, 200]);
    const hook = await register(r.url);
    await consent('crm-1');
    await runDueDeliveries(t.ctx);
    // Written but not yet dispatched when the process stops.
    await consent('crm-2');

    const store = createStore(t.testStore.url);
    const restarted = createContext({ db: store, config: t.config, clock });
    createApp(restarted);
    clock.advance(3_600_000);
    expect(await runDueDeliveries(restarted)).toMatchObject({ dispatched: 1, delivered: 2 });
    await store.close();
    const ids = r.received.map((m) => verify(hook.secret, m).data.subject.externalId);
    expect(ids.sort()).toEqual(['crm-1', 'crm-1', 'crm-2']);
  });

  it('two workers running at once send each event once', async () => {
    const r = await receiver();
    await register(r.url);
    for (let i = 0; i < 10; i++) await consent(`crm-${i}`);
    const other = createContext({ db: t.testStore.store, config: t.config, clock });
    // On PostgreSQL a second pool stands in for another process. (Two SQLite handles in one
    // thread cannot wait for each other's locks; across processes they can.)
    const store = dialect === 'postgres' ? createStore(t.testStore.url) : t.testStore.store;
    const third = createContext({ db: store, config: t.config, clock });
    await Promise.all([runDueDeliveries(t.ctx), runDueDeliveries(other), runDueDeliveries(third)]);
    if (store !== t.testStore.store) await store.close();
    const ids = r.received.map((m) => JSON.parse(m.body).data.id);
    expect(ids).toHaveLength(10);
    expect(new Set(ids).size).toBe(10);
  });

  it('sends only the types asked for, and only events after registration', async () => {
    await consent('crm-0');
    const r = await receiver();
    const hook = await register(r.url, ['subject.erased']);
    await consent('crm-1');
    await runDueDeliveries(t.ctx);
    expect(r.received).toEqual([]);
    expect(await deliveries(hook.id)).toEqual([]);
  });

  it('the worker loop main.ts starts delivers without being asked', async () => {
    const r = await receiver();
    const hook = await register(r.url);
    await consent('crm-1');
    const worker = startWebhookWorker(t.ctx, { intervalMs: 50 });
    for (let i = 0; i < 100 && r.received.length === 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 50));
    await worker.stop();
    expect(r.received).toHaveLength(1);
    verify(hook.secret, r.received[0]);
  });

  it('a timeout or refused connection is a failed attempt with its cause, not a crash', async () => {
    const r = await receiver();
    await r.close();
    closers.splice(0);
    const hook = await register(r.url);
    await consent('crm-1');
    expect(await runDueDeliveries(t.ctx)).toMatchObject({ attempted: 1, delivered: 0 });
    const [delivery] = await deliveries(hook.id);
    expect(delivery).toMatchObject({ status: 'pending', lastStatusCode: null });
    expect(delivery.attempts[0].error).toBe('ECONNREFUSED');
  });

  it('deleting stops deliveries and keeps the log; another tenant gets 404 everywhere', async () => {
    const r = await receiver();
    const hook = await register(r.url);
    const other = await createTestTenant(t);
    expect(
      (await t.call('GET', `/v1/webhooks/${hook.id}/deliveries`, { token: other.secretKey }))
        .status,
    ).toBe(404);
    expect(
      (await t.call('DELETE', `/v1/webhooks/${hook.id}`, { token: other.secretKey })).status,
    ).toBe(404);
    expect(
      ((await (await t.call('GET', '/v1/webhooks', { token: other.secretKey })).json()) as any)
        .webhooks,
    ).toEqual([]);

    await consent('crm-1');
    await dispatchFeed(t.ctx);
    expect(
      (await t.call('DELETE', `/v1/webhooks/${hook.id}`, { token: tenant.secretKey })).status,
    ).toBe(204);
    await runDueDeliveries(t.ctx);
    expect(r.received).toEqual([]);
    expect(
      ((await (await t.call('GET', '/v1/webhooks', { token: tenant.secretKey })).json()) as any)
        .webhooks,
    ).toEqual([]);
    expect((await deliveries(hook.id)).map((d: any) => d.status)).toEqual(['failed']);
    expect(
      (await t.call('DELETE', `/v1/webhooks/${hook.id}`, { token: tenant.secretKey })).status,
    ).toBe(404);
    expect(
      (await t.call('DELETE', '/v1/webhooks/wh_nope', { token: tenant.secretKey })).status,
    ).toBe(404);
  });
});
