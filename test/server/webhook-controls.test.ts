// Operating webhooks: a paused webhook's deliveries wait and go out on resume; one
// delivery can be sent again with the same webhook-id; both are audited (GDPR-36).
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect } from 'vitest';
import { runDueDeliveries } from '../../server/services/webhooks/webhook-delivery.js';
import { createTestTenant, type TestApp, type TestTenant } from '../helpers/app.js';
import { it } from '../helpers/app-fixture.js';
import { dialects } from '../helpers/db.js';

describe.each(dialects)('webhook controls on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  let server: http.Server;
  let url: string;
  const received: Array<{ id: string }> = [];
  beforeEach(() => {
    received.length = 0;
  });
  it.override({ dialect });
  it.beforeEach(async ({ app, tenant: made }) => {
    t = app;
    tenant = made;
    server = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        received.push({ id: String(req.headers['webhook-id']) });
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  });
  afterEach(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const api = (method: string, path: string, body?: unknown, token = tenant.secretKey) =>
    t.call(method, path, { token, body });
  const consent = (externalId: string) =>
    api('POST', `/v1/subjects/${externalId}/consents`, { decisions: { analytics: true } });

  it('GDPR-36: a paused webhook keeps its deliveries pending and sends them on resume; a delivery goes again with the same id', async () => {
    const hook = (await (await api('POST', '/v1/webhooks', { url })).json()) as {
      id: string;
      paused: boolean;
    };
    expect(hook.paused).toBe(false);
    const paused = await api('PATCH', `/v1/webhooks/${hook.id}`, { paused: true });
    expect(((await paused.json()) as { paused: boolean }).paused).toBe(true);
    await consent('crm-1');
    await runDueDeliveries(t.ctx);
    expect(received).toHaveLength(0);
    const waiting = (await (await api('GET', `/v1/webhooks/${hook.id}/deliveries`)).json()) as {
      deliveries: Array<{ id: string; status: string; attemptCount: number }>;
    };
    expect(waiting.deliveries).toEqual([
      expect.objectContaining({ status: 'pending', attemptCount: 0 }),
    ]);

    expect((await api('PATCH', `/v1/webhooks/${hook.id}`, { paused: false })).status).toBe(200);
    await runDueDeliveries(t.ctx);
    expect(received).toHaveLength(1);
    const deliveryId = waiting.deliveries[0].id;
    expect(received[0].id).toBe(deliveryId);

    expect(
      (await api('POST', `/v1/webhooks/${hook.id}/deliveries/${deliveryId}/redeliver`)).status,
    ).toBe(202);
    await runDueDeliveries(t.ctx);
    expect(received.map((r) => r.id)).toEqual([deliveryId, deliveryId]);
    const after = (await (await api('GET', `/v1/webhooks/${hook.id}/deliveries`)).json()) as {
      deliveries: Array<{ status: string; attemptCount: number }>;
    };
    expect(after.deliveries[0]).toMatchObject({ status: 'delivered', attemptCount: 2 });

    const audit = (await (await api('GET', `/v1/audit?action=webhook.*`)).json()) as {
      entries: Array<{ action: string }>;
    };
    expect(audit.entries.map((e) => e.action)).toEqual([
      'webhook.created',
      'webhook.paused',
      'webhook.resumed',
      'webhook.redelivery_requested',
    ]);
  });

  it("answers 409 for a pending delivery, 404 for an unknown one and for another tenant's webhook", async () => {
    const hook = (await (await api('POST', '/v1/webhooks', { url })).json()) as { id: string };
    await api('PATCH', `/v1/webhooks/${hook.id}`, { paused: true });
    await consent('crm-2');
    await runDueDeliveries(t.ctx);
    const [pending] = (
      (await (await api('GET', `/v1/webhooks/${hook.id}/deliveries`)).json()) as {
        deliveries: Array<{ id: string }>;
      }
    ).deliveries;
    expect(
      (await api('POST', `/v1/webhooks/${hook.id}/deliveries/${pending.id}/redeliver`)).status,
    ).toBe(409);
    expect(
      (await api('POST', `/v1/webhooks/${hook.id}/deliveries/msg_nope/redeliver`)).status,
    ).toBe(404);
    const other = await createTestTenant(t);
    expect(
      (await api('PATCH', `/v1/webhooks/${hook.id}`, { paused: false }, other.secretKey)).status,
    ).toBe(404);
    expect((await api('PATCH', `/v1/webhooks/${hook.id}`, { paused: 'yes' })).status).toBe(400);
  });
});
