// SSRF guard for webhook URLs (GDPR Art. 32): a tenant must not make the
// server post into the operator's own network. Loopback, private, link-local and other
// non-public addresses are refused at registration (422) and again before every
// delivery, because a name can resolve elsewhere later (DNS rebinding). The operator
// may allow them with AKKOORD_WEBHOOK_ALLOW_PRIVATE=true (local receivers, the tests).
import { execFileSync } from 'node:child_process';
import dns from 'node:dns/promises';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createContext } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { runDueDeliveries } from '../../server/services/webhooks/webhook-delivery.js';
import {
  isNonPublicAddress,
  type Resolver,
} from '../../server/services/webhooks/webhook-target.js';
import { createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.js';

const refused = [
  'http://127.0.0.1:9/hook',
  'http://localhost:8080/hook',
  'http://[::1]/hook',
  'http://10.0.0.5/hook',
  'http://192.168.1.1/',
  'http://172.16.0.1/',
  'http://100.64.0.1/',
  'http://0.0.0.0/',
  'http://169.254.169.254/latest/meta-data/',
  // Other spellings of loopback that the URL parser normalises.
  'http://0x7f.1/',
  'http://2130706433/',
  'http://127.1/',
  'http://[::ffff:127.0.0.1]/',
  'http://[::ffff:a9fe:a9fe]/',
  'http://[fd00::1]/',
  'http://[fe80::1]/',
  'https://no-such-host.invalid/hook',
  // IPv6 forms that carry a loopback or link-local IPv4 address: translated, compatible, mapped in hex, NAT64.
  'http://[::ffff:0:127.0.0.1]/',
  'http://[::127.0.0.1]/',
  'http://[::ffff:7f00:1]/',
  'http://[64:ff9b::127.0.0.1]/',
  'http://[64:ff9b::a9fe:a9fe]/',
  'http://[::ffff:0:a00:1]/',
];

/** A receiver on 127.0.0.1 that counts what reaches it (and what Host it was sent). */
async function startReceiver(answer: (res: http.ServerResponse) => void = (res) => res.end('ok')) {
  const received: string[] = [];
  const hosts: string[] = [];
  const server = http.createServer((req, res) => {
    received.push(req.url ?? '');
    hosts.push(req.headers.host ?? '');
    answer(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    received,
    hosts,
    port: (server.address() as AddressInfo).port,
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

  const register = (url: string) =>
    t.call('POST', '/v1/webhooks', { token: tenant.secretKey, body: { url } });
  const consent = (externalId: string) =>
    t.call('POST', `/v1/subjects/${externalId}/consents`, {
      token: tenant.secretKey,
      body: { decisions: { analytics: true } },
    });

  it('classifies addresses: public unicast passes, everything special-purpose does not', () => {
    for (const address of ['1.1.1.1', '93.184.215.14', '2606:4700::1111', '::ffff:101:101'])
      expect(isNonPublicAddress(address), address).toBe(false);
    for (const address of [
      '127.0.0.1',
      '10.1.2.3',
      '172.31.255.255',
      '192.168.0.1',
      '169.254.169.254',
      '100.100.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '::',
      '::1',
      '::ffff:7f00:1',
      'fd12::1',
      'fe80::1',
      'ff02::1',
      '64:ff9b::a9fe:a9fe',
      'not-an-address',
      '::ffff:0:127.0.0.1',
      '::127.0.0.1',
      '::7f00:1',
      '::ffff:0:7f00:1',
      '64:ff9b::127.0.0.1',
      '64:ff9b::7f00:1',
      '::ffff:10.0.0.1',
      '::ffff:0:a9fe:a9fe',
      '::ffff:c0a8:1',
      '0:0:0:0:0:ffff:7f00:1',
    ]) {
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
    expect(
      (await (await t.call('GET', '/v1/webhooks', { token: tenant.secretKey })).json()).webhooks,
    ).toEqual([]);
  });

  it('refuses a name that resolves to a private address, and one with any private address among public ones', async () => {
    const lookup = vi.spyOn(dns, 'lookup');
    lookup.mockResolvedValueOnce([{ address: '10.0.0.7', family: 4 }] as never);
    expect((await register('https://hooks.tool.example/a')).status).toBe(422);
    lookup.mockResolvedValueOnce([
      { address: '93.184.215.14', family: 4 },
      { address: '::1', family: 6 },
    ] as never);
    expect((await register('https://hooks.tool.example/b')).status).toBe(422);
  });

  it('accepts a public address and a name that resolves only to public addresses', async () => {
    expect((await register('https://93.184.215.14/hook')).status).toBe(201);
    vi.spyOn(dns, 'lookup').mockResolvedValueOnce([
      { address: '93.184.215.14', family: 4 },
      { address: '2606:2800:21f:cb07:6820:80da:af6b:8b2c', family: 6 },
    ] as never);
    expect((await register('https://hooks.tool.example/c')).status).toBe(201);
  });

  it('checks again before each delivery: a name that now resolves to loopback is not posted to (DNS rebinding)', async () => {
    const receiver = await startReceiver();
    try {
      const lookup = vi.spyOn(dns, 'lookup');
      lookup.mockResolvedValueOnce([{ address: '93.184.215.14', family: 4 }] as never);
      const created = await register(
        `http://rebind.tool.example:${new URL(receiver.url).port}/hooks`,
      );
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as { id: string };
      // From now on the name points at the server's own loopback, where the receiver listens.
      lookup.mockResolvedValue([{ address: '127.0.0.1', family: 4 }] as never);
      expect((await consent('crm-1')).status).toBe(201);
      const result = await runDueDeliveries(t.ctx);
      expect(result).toMatchObject({ attempted: 1, delivered: 0 });
      expect(receiver.received).toEqual([]);
      const deliveries = (
        await (
          await t.call('GET', `/v1/webhooks/${id}/deliveries`, { token: tenant.secretKey })
        ).json()
      ).deliveries;
      expect(deliveries[0]).toMatchObject({
        status: 'pending',
        attempts: [{ attempt: 1, statusCode: null, error: 'blocked' }],
      });
    } finally {
      await receiver.close();
    }
  });

  it('connects to the address it checked: a resolver answering public, then 127.0.0.1, gets no delivery to loopback (DNS rebinding)', async () => {
    const receiver = await startReceiver((res) =>
      res.writeHead(200, { 'x-secret-of-the-target': 'internal' }).end('internal admin page'),
    );
    try {
      const answers = ['93.184.215.14', '127.0.0.1'];
      let lookups = 0;
      const rebinding: Resolver = async () => [
        { address: answers[Math.min(lookups++, answers.length - 1)], family: 4 },
      ];
      // The public address is never really dialled (tests reach only 127.0.0.1): the socket records
      // where it was asked to connect and fails as an unreachable network would.
      const dialled: string[] = [];
      vi.spyOn(net, 'connect').mockImplementation(((options: net.NetConnectOpts) => {
        dialled.push((options as net.TcpNetConnectOpts).host ?? '');
        const socket = new net.Socket();
        process.nextTick(() =>
          socket.destroy(Object.assign(new Error('unreachable in tests'), { code: 'ENETUNREACH' })),
        );
        return socket;
      }) as typeof net.connect);
      vi.spyOn(dns, 'lookup').mockResolvedValueOnce([
        { address: '93.184.215.14', family: 4 },
      ] as never);
      const created = await register(`http://rebind.tool.example:${receiver.port}/hooks`);
      expect(created.status).toBe(201);
      const { id } = (await created.json()) as { id: string };
      expect((await consent('crm-1')).status).toBe(201);

      expect(await runDueDeliveries(t.ctx, { resolve: rebinding })).toMatchObject({
        attempted: 1,
        delivered: 0,
      });
      // One lookup per attempt, and the connection went to its (checked) answer.
      expect(lookups).toBe(1);
      expect(dialled).toEqual(['93.184.215.14']);
      expect(receiver.received).toEqual([]);

      // The next attempt's single lookup answers loopback: refused, nothing dialled.
      await makeDueAgain(t);
      expect(await runDueDeliveries(t.ctx, { resolve: rebinding })).toMatchObject({
        attempted: 1,
        delivered: 0,
      });
      expect(dialled).toEqual(['93.184.215.14']);
      expect(receiver.received).toEqual([]);

      const text = await (
        await t.call('GET', `/v1/webhooks/${id}/deliveries`, { token: tenant.secretKey })
      ).text();
      const [delivery] = JSON.parse(text).deliveries;
      expect(delivery).toMatchObject({ status: 'pending', lastStatusCode: null });
      expect(
        delivery.attempts.map((a: { statusCode: number | null; error: string }) => [
          a.statusCode,
          a.error,
        ]),
      ).toEqual([
        [null, 'ENETUNREACH'],
        [null, 'blocked'],
      ]);
      expect(text).not.toMatch(/internal|x-secret|127\.0\.0\.1/);
    } finally {
      await receiver.close();
    }
  });

  it('blocks a resolver answer in any IPv6 form of a loopback or private IPv4 address', async () => {
    const receiver = await startReceiver();
    try {
      vi.spyOn(dns, 'lookup').mockResolvedValueOnce([
        { address: '93.184.215.14', family: 4 },
      ] as never);
      const created = await register(`http://v6.tool.example:${receiver.port}/hooks`);
      const { id } = (await created.json()) as { id: string };
      expect((await consent('crm-1')).status).toBe(201);
      for (const address of [
        '::ffff:0:127.0.0.1',
        '::127.0.0.1',
        '::ffff:7f00:1',
        '64:ff9b::7f00:1',
        '::ffff:10.1.2.3',
      ]) {
        await makeDueAgain(t);
        expect(
          await runDueDeliveries(t.ctx, { resolve: async () => [{ address, family: 6 }] }),
          address,
        ).toMatchObject({ attempted: 1, delivered: 0 });
      }
      expect(receiver.received).toEqual([]);
      const [delivery] = (
        await (
          await t.call('GET', `/v1/webhooks/${id}/deliveries`, { token: tenant.secretKey })
        ).json()
      ).deliveries;
      expect(new Set(delivery.attempts.map((a: { error: string }) => a.error))).toEqual(
        new Set(['blocked']),
      );
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
        const created = await open.call('POST', '/v1/webhooks', {
          token: other.secretKey,
          body: { url: receiver.url },
        });
        expect(created.status).toBe(201);
        await open.call('POST', '/v1/subjects/crm-2/consents', {
          token: other.secretKey,
          body: { decisions: { analytics: true } },
        });
        // The same database served by a process started without the switch.
        const strict = createContext({
          db: open.testStore.store,
          config: { ...open.config, webhookAllowPrivate: false },
        });
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
    expect(loadConfig({ ...base, AKKOORD_WEBHOOK_ALLOW_PRIVATE: 'true' }).webhookAllowPrivate).toBe(
      true,
    );
    expect(() => loadConfig({ ...base, AKKOORD_WEBHOOK_ALLOW_PRIVATE: 'yes' })).toThrow(
      /AKKOORD_WEBHOOK_ALLOW_PRIVATE/,
    );
  });
});

/** The refused attempt put the delivery off by ~30 s; make it due again. */
async function makeDueAgain(app: TestApp): Promise<void> {
  await app.ctx.db
    .updateTable('webhook_deliveries')
    .set({ next_attempt_at: '1970-01-01T00:00:00.000Z' })
    .execute();
}

describe('webhook connections (private receivers allowed, as in development)', () => {
  let t: TestApp;
  let tenant: TestTenant;
  beforeEach(async () => {
    t = await startTestApp('sqlite');
    tenant = await createTestTenant(t);
  });
  afterEach(async () => t.close());

  it("goes to the address the delivery resolved, with the URL's host in the Host header", async () => {
    const receiver = await startReceiver();
    try {
      const created = await t.call('POST', '/v1/webhooks', {
        token: tenant.secretKey,
        body: { url: `http://receiver.test:${receiver.port}/hooks` },
      });
      expect(created.status).toBe(201);
      await t.call('POST', '/v1/subjects/crm-1/consents', {
        token: tenant.secretKey,
        body: { decisions: { analytics: true } },
      });
      const asked: string[] = [];
      const resolve: Resolver = async (host) => {
        asked.push(host);
        return [{ address: '127.0.0.1', family: 4 }];
      };
      expect(await runDueDeliveries(t.ctx, { resolve })).toMatchObject({ delivered: 1 });
      expect(asked).toEqual(['receiver.test']);
      expect(receiver.hosts).toEqual([`receiver.test:${receiver.port}`]);
    } finally {
      await receiver.close();
    }
  });

  it("over https, the TLS server name is the URL's host and the certificate is checked", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'akkoord-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=receiver.test',
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    const credentials = {
      key: fs.readFileSync(path.join(dir, 'key.pem')),
      cert: fs.readFileSync(path.join(dir, 'cert.pem')),
    };
    // The server name arrives in the ClientHello, before the client looks at the certificate.
    const hellos: string[] = [];
    const server = https.createServer(
      {
        ...credentials,
        SNICallback: (servername, done) => {
          hellos.push(servername);
          done(null, tls.createSecureContext(credentials));
        },
      },
      (_req, res) => res.end('ok'),
    );
    server.on('tlsClientError', () => undefined);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const created = await t.call('POST', '/v1/webhooks', {
        token: tenant.secretKey,
        body: { url: `https://receiver.test:${port}/hooks` },
      });
      const { id } = (await created.json()) as { id: string };
      await t.call('POST', '/v1/subjects/crm-1/consents', {
        token: tenant.secretKey,
        body: { decisions: { analytics: true } },
      });
      expect(
        await runDueDeliveries(t.ctx, {
          resolve: async () => [{ address: '127.0.0.1', family: 4 }],
        }),
      ).toMatchObject({ delivered: 0 });
      expect(hellos).toEqual(['receiver.test']);
      // A self-signed certificate is refused, as it must be: pinning the address does not weaken TLS.
      const [delivery] = (
        await (
          await t.call('GET', `/v1/webhooks/${id}/deliveries`, { token: tenant.secretKey })
        ).json()
      ).deliveries;
      expect(delivery.attempts[0]).toMatchObject({
        statusCode: null,
        error: 'DEPTH_ZERO_SELF_SIGNED_CERT',
      });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('does not follow a redirect: a 3xx is not an acknowledgement and the Location is never visited', async () => {
    const elsewhere = await startReceiver();
    const receiver = await startReceiver((res) =>
      res.writeHead(307, { location: elsewhere.url }).end(),
    );
    try {
      const created = await t.call('POST', '/v1/webhooks', {
        token: tenant.secretKey,
        body: { url: receiver.url },
      });
      const { id } = (await created.json()) as { id: string };
      await t.call('POST', '/v1/subjects/crm-1/consents', {
        token: tenant.secretKey,
        body: { decisions: { analytics: true } },
      });
      expect(await runDueDeliveries(t.ctx)).toMatchObject({ attempted: 1, delivered: 0 });
      expect(receiver.received).toHaveLength(1);
      expect(elsewhere.received).toEqual([]);
      const [delivery] = (
        await (
          await t.call('GET', `/v1/webhooks/${id}/deliveries`, { token: tenant.secretKey })
        ).json()
      ).deliveries;
      expect(delivery).toMatchObject({ status: 'pending', lastStatusCode: 307 });
    } finally {
      await receiver.close();
      await elsewhere.close();
    }
  });
});
