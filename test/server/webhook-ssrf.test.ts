// SSRF guard for webhook URLs (issue 8; GDPR Art. 32): a tenant must not make the
// server post into the operator's own network. Loopback, private, link-local and other
// non-public addresses are refused at registration (422) and again before every
// delivery, because a name can resolve elsewhere later (DNS rebinding). The operator
// may allow them with AKKOORD_WEBHOOK_ALLOW_PRIVATE=true (local receivers, the tests).
import dns from 'node:dns/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createContext } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { runDueDeliveries } from '../../server/services/webhook-delivery.js';
import { isNonPublicAddress } from '../../server/services/webhook-target.js';
import { createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.js';

const refused = [
  'http://127.0.0.1:9/hook', 'http://localhost:8080/hook', 'http://[::1]/hook', 'http://10.0.0.5/hook', 'http://192.168.1.1/',
  'http://172.16.0.1/', 'http://100.64.0.1/', 'http://0.0.0.0/', 'http://169.254.169.254/latest/meta-data/',
  // Other spellings of loopback that the URL parser normalises.
  'http://0x7f.1/', 'http://2130706433/', 'http://127.1/', 'http://[::ffff:127.0.0.1]/', 'http://[::ffff:a9fe:a9fe]/',
  'http://[fd00::1]/', 'http://[fe80::1]/', 'https://no-such-host.invalid/hook',
];

/** A receiver on 127.0.0.1 that counts what reaches it. */
async function startReceiver() {
  const received: string[] = [];
  const server = http.createServer((req, res) => {
    received.push(req.url ?? '');
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('webhook URLs must reach a public address', () => {
  let t: TestApp;
  let tenant: TestTenant;
  beforeEach(async () => {
    t = await startTestApp('sqlite', { env: { AKKOORD_WEBHOOK_ALLOW_PRIVATE: 'false' } });
    tenant = await createTestTenant(t);
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await t.close();
  });

  const register = (url: string) => t.call('POST', '/v1/webhooks', { token: tenant.secretKey, body: { url } });
  const consent = (externalId: string) => t.call('POST', `/v1/subjects/${externalId}/consents`, { token: tenant.secretKey, body: { decisions: { analytics: true } } });

  it('classifies addresses: public unicast passes, everything special-purpose does not', () => {
    for (const address of ['1.1.1.1', '93.184.215.14', '2606:4700::1111', '::ffff:101:101']) expect(isNonPublicAddress(address), address).toBe(false);
    for (const address of ['127.0.0.1', '10.1.2.3', '172.31.255.255', '192.168.0.1', '169.254.169.254', '100.100.0.1', '0.0.0.0', '224.0.0.1',
      '::', '::1', '::ffff:7f00:1', 'fd12::1', 'fe80::1', 'ff02::1', '64:ff9b::a9fe:a9fe', 'not-an-address']) {
      expect(isNonPublicAddress(address), address).toBe(true);
    }
  });

  it('refuses loopback, private, link-local and unresolvable hosts with 422 WEBHOOK_URL_NOT_ALLOWED, storing nothing', async () => {
    for (const url of refused) {
      const res = await register(url);
      expect(res.status, url).toBe(422);
      const body = await res.text();
      expect(JSON.parse(body).error.code, url).toBe('WEBHOOK_URL_NOT_ALLOWED');
      // The answer names the rule, not the address it was given.
      expect(body).not.toContain(new URL(url).host);
    }
    expect((await (await t.call('GET', '/v1/webhooks', { token: tenant.secretKey })).json()).webhooks).toEqual([]);
  });

  it('refuses a name that resolves to a private address, and one with any private address among public ones', async () => {
    const lookup = vi.spyOn(dns, 'lookup');
    lookup.mockResolvedValueOnce([{ address: '10.0.0.7', family: 4 }] as never);
    expect((await register('https://hooks.tool.example/a')).status).toBe(422);
    lookup.mockResolvedValueOnce([{ address: '93.184.215.14', family: 4 }, { address: '::1', family: 6 }] as never);
    expect((await register('https://hooks.tool.example/b')).status).toBe(422);
  });

  it('accepts a public address and a name that resolves only to public addresses', async () => {
    expect((await register('https://93.184.215.14/hook')).status).toBe(201);
    vi.spyOn(dns, 'lookup').mockResolvedValueOnce([{ address: '93.184.215.14', family: 4 }, { address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 }] as never);
    expect((await register('https://hooks.tool.example/c')).status).toBe(201);
  });

  it('checks again before each delivery: a name that now resolves to loopback is not posted to (DNS rebinding)', async () => {
    const receiver = await startReceiver();
    try {
      const lookup = vi.spyOn(dns, 'lookup');
      lookup.mockResolvedValueOnce([{ address: '93.184.215.14', family: 4 }] as never);
      const created = await register(`http://rebind.tool.example:${new URL(receiver.url).port}/hooks`);
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as { id: string };
      // From now on the name points at the server's own loopback, where the receiver listens.
      lookup.mockResolvedValue([{ address: '127.0.0.1', family: 4 }] as never);
      expect((await consent('crm-1')).status).toBe(201);
      const result = await runDueDeliveries(t.ctx);
      expect(result).toMatchObject({ attempted: 1, delivered: 0 });
      expect(receiver.received).toEqual([]);
      const deliveries = (await (await t.call('GET', `/v1/webhooks/${id}/deliveries`, { token: tenant.secretKey })).json()).deliveries;
      expect(deliveries[0]).toMatchObject({ status: 'pending', attempts: [{ attempt: 1, statusCode: null, error: 'private_address' }] });
    } finally {
      await receiver.close();
    }
  });

  it('a receiver registered while private addresses were allowed gets nothing once the operator forbids them', async () => {
    const receiver = await startReceiver();
    try {
      const open = await startTestApp('sqlite', { env: { AKKOORD_WEBHOOK_ALLOW_PRIVATE: 'true' } });
      try {
        const other = await createTestTenant(open);
        const created = await open.call('POST', '/v1/webhooks', { token: other.secretKey, body: { url: receiver.url } });
        expect(created.status).toBe(201);
        await open.call('POST', '/v1/subjects/crm-2/consents', { token: other.secretKey, body: { decisions: { analytics: true } } });
        // The same database served by a process started without the switch.
        const strict = createContext({ db: open.testStore.store, config: { ...open.config, webhookAllowPrivate: false } });
        expect(await runDueDeliveries(strict)).toMatchObject({ attempted: 1, delivered: 0 });
        expect(receiver.received).toEqual([]);
        // And with the switch on, the same delivery goes out: the guard is what stopped it.
        await makeDueAgain(open);
        expect(await runDueDeliveries(open.ctx)).toMatchObject({ delivered: 1 });
        expect(receiver.received).toHaveLength(1);
      } finally {
        await open.close();
      }
    } finally {
      await receiver.close();
    }
  });

  it('reads AKKOORD_WEBHOOK_ALLOW_PRIVATE strictly (off by default)', () => {
    const base = { DATABASE_URL: 'sqlite::memory:', AKKOORD_SECRET: 'x'.repeat(40) };
    expect(loadConfig(base).webhookAllowPrivate).toBe(false);
    expect(loadConfig({ ...base, AKKOORD_WEBHOOK_ALLOW_PRIVATE: 'true' }).webhookAllowPrivate).toBe(true);
    expect(() => loadConfig({ ...base, AKKOORD_WEBHOOK_ALLOW_PRIVATE: 'yes' })).toThrow(/AKKOORD_WEBHOOK_ALLOW_PRIVATE/);
  });
});

/** The refused attempt put the delivery off by ~30 s; make it due again. */
async function makeDueAgain(app: TestApp): Promise<void> {
  await app.ctx.db.updateTable('webhook_deliveries').set({ next_attempt_at: '1970-01-01T00:00:00.000Z' }).execute();
}
