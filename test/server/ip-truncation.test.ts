// The ledger keeps a truncated IP address only (GDPR-04 with Art. 5(1)(c)
// minimisation): IPv4 /24, IPv6 /48, IPv4-mapped IPv6 as IPv4. Checked as a function and
// through a real HTTP server, where the address comes from the TCP connection.
import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterEach, describe, expect, it } from 'vitest';
import { truncateIp } from '../../server/http/request-context.js';
import { createTestTenant, startTestApp, type TestApp } from '../helpers/app.js';

describe('truncateIp', () => {
  it.each([
    ['192.0.2.77', '192.0.2.0'],
    ['10.1.2.255', '10.1.2.0'],
    ['127.0.0.1', '127.0.0.0'],
    ['2001:db8:1234:5678:9abc:def0:1234:5678', '2001:db8:1234::'],
    ['2001:0DB8:0001:0002::5', '2001:db8:1::'],
    ['2001:db8::1', '2001:db8::'],
    ['::1', '::'],
    ['fe80::1%eth0', 'fe80::'],
    ['::ffff:192.0.2.77', '192.0.2.0'],
    ['::ffff:c000:024d', '192.0.2.0'],
    ['2001:db8:0:1:2:3:4:5', '2001:db8::'],
    ['1:0:1:2:3:4:5:6', '1:0:1::'],
  ])('%s -> %s', (input, expected) => {
    expect(truncateIp(input)).toBe(expected);
  });

  it.each(['', 'localhost', '999.1.1.1', '1.2.3', 'not-an-ip', '1:2:3:4:5:6:7:8:9'])(
    'refuses %j',
    (input) => {
      expect(truncateIp(input)).toBeNull();
    },
  );

  it('never keeps more than the first 48 bits of an IPv6 address', () => {
    for (let i = 0; i < 200; i++) {
      const groups = Array.from({ length: 8 }, () =>
        crypto.randomBytes(2).readUInt16BE(0).toString(16),
      );
      const truncated = truncateIp(groups.join(':'))!;
      const expanded = truncated.endsWith('::')
        ? truncated.slice(0, -2).split(':')
        : truncated.split(':');
      expect(expanded.length).toBeLessThanOrEqual(3);
      expect(truncated.endsWith('::')).toBe(true);
    }
  });
});

describe('the stored address over real HTTP', () => {
  let t: TestApp | undefined;
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    await t?.close();
  });

  async function serveOn(hostname: string): Promise<string> {
    // The server's own address is not the client's: a public URL elsewhere keeps the
    // receipt's issuer out of the search for the client's address in the file.
    t = await startTestApp('sqlite', {
      env: { AKKOORD_RATE_LIMITS: 'off', PUBLIC_URL: 'https://consent.example' },
    });
    const server = serve({ fetch: t.app.fetch, port: 0, hostname });
    await new Promise<void>((resolve) =>
      server.listening ? resolve() : server.once('listening', () => resolve()),
    );
    close = () =>
      new Promise<void>((resolve) => {
        (server as import('node:http').Server).closeAllConnections();
        server.close(() => resolve());
      });
    const { port } = server.address() as AddressInfo;
    return hostname.includes(':') ? `http://[${hostname}]:${port}` : `http://${hostname}:${port}`;
  }

  async function postChoice(base: string): Promise<void> {
    const tenant = await createTestTenant(t!);
    const response = await fetch(`${base}/v1/consents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'IpTest/1.0' },
      body: JSON.stringify({
        key: tenant.publicKey,
        visitorId: `v_${crypto.randomBytes(16).toString('base64url')}`,
        decisions: { analytics: true },
        configVersion: 1,
        clientEventId: `ce_${crypto.randomBytes(8).toString('hex')}`,
      }),
    });
    expect(response.status).toBe(201);
  }

  it('a request from 127.0.0.1 is stored as 127.0.0.0', async () => {
    await postChoice(await serveOn('127.0.0.1'));
    const rows = await t!.ctx.db
      .selectFrom('consent_events')
      .select(['ip_truncated', 'user_agent'])
      .execute();
    expect(rows).toEqual([{ ip_truncated: '127.0.0.0', user_agent: 'IpTest/1.0' }]);
    // No full address anywhere in the file either.
    const file = t!.testStore.file!;
    t!.testStore.store.sqlite!.pragma('wal_checkpoint(TRUNCATE)');
    expect((await import('node:fs')).readFileSync(file).includes('127.0.0.1')).toBe(false);
  });

  it('a request from ::1 is stored as ::', async (context) => {
    let base: string;
    try {
      base = await serveOn('::1');
    } catch {
      context.skip('no IPv6 loopback on this machine');
      return;
    }
    await postChoice(base);
    const rows = await t!.ctx.db.selectFrom('consent_events').select('ip_truncated').execute();
    expect(rows).toEqual([{ ip_truncated: '::' }]);
  });
});
