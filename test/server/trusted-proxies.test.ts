// Behind a reverse proxy every TCP peer is the proxy. AKKOORD_TRUSTED_PROXIES names the
// proxies whose X-Forwarded-For / Forwarded / X-Forwarded-Proto are believed, for the
// stored truncated IP (GDPR-04), the per-IP rate limits and Secure cookies; from any other
// peer the headers are ignored. In production PUBLIC_URL must be https.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.js';
import { createTestTenant, TEST_SECRET } from '../helpers/app.js';
import { addPerson, capturingMailer, tokenOf } from '../helpers/me.js';
import { startServerProcess } from '../helpers/process.js';
import { serveTestApp, type ServedApp } from '../helpers/server.js';

describe('AKKOORD_TRUSTED_PROXIES and PUBLIC_URL in the configuration', () => {
  const base = { AKKOORD_SECRET: TEST_SECRET };
  it('takes comma-separated CIDRs and bare addresses, IPv4 and IPv6', () => {
    const config = loadConfig({
      ...base,
      AKKOORD_TRUSTED_PROXIES: '127.0.0.1/32, 10.0.0.0/8,::1, fd00::/8',
    });
    expect(config.trustedProxies).toEqual([
      { address: '127.0.0.1', prefix: 32, family: 'ipv4' },
      { address: '10.0.0.0', prefix: 8, family: 'ipv4' },
      { address: '::1', prefix: 128, family: 'ipv6' },
      { address: 'fd00::', prefix: 8, family: 'ipv6' },
    ]);
    expect(loadConfig(base).trustedProxies).toEqual([]);
  });

  it.each(['10.0.0.0/33', 'proxy.example', '10.0.0.0/8/1', '::1/129', '10.0.0.0/x', '127.0.0.1,'])(
    'refuses %j, naming the variable',
    (value) => {
      expect(() => loadConfig({ ...base, AKKOORD_TRUSTED_PROXIES: value })).toThrow(
        /AKKOORD_TRUSTED_PROXIES/,
      );
    },
  );

  it('in production PUBLIC_URL must be https, named in the error', () => {
    expect(() =>
      loadConfig({ ...base, NODE_ENV: 'production', PUBLIC_URL: 'http://consent.example' }),
    ).toThrow(ConfigError);
    expect(() =>
      loadConfig({ ...base, NODE_ENV: 'production', PUBLIC_URL: 'http://consent.example' }),
    ).toThrow(/PUBLIC_URL must be an https:\/\/ URL when NODE_ENV=production/);
    expect(() => loadConfig({ ...base, NODE_ENV: 'production' })).toThrow(/PUBLIC_URL/);
    expect(
      loadConfig({ ...base, NODE_ENV: 'production', PUBLIC_URL: 'https://consent.example' })
        .publicUrl,
    ).toBe('https://consent.example');
    // Outside production a plain-http URL stays fine (the quick start on 127.0.0.1).
    expect(loadConfig({ ...base, PUBLIC_URL: 'http://127.0.0.1:8080' }).production).toBe(false);
  });

  it('the server refuses to start in production on an http PUBLIC_URL, naming the variable', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'akkoord-prod-'));
    try {
      const started = startServerProcess(
        { NODE_ENV: 'production', DATABASE_URL: `sqlite:${dir}/a.db`, AKKOORD_SECRET: TEST_SECRET },
        20_000,
        { compiled: true },
      );
      await expect(started).rejects.toThrow(
        /exited early[\s\S]*PUBLIC_URL must be an https:\/\/ URL/,
      );
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('forwarding headers over real HTTP (the test client is the proxy, from 127.0.0.1)', () => {
  let served: ServedApp | undefined;
  afterEach(async () => {
    await served?.close();
    served = undefined;
  });

  async function postChoice(headers: Record<string, string>): Promise<string | null> {
    const tenant = await createTestTenant(served!.t);
    const response = await fetch(`${served!.url}/v1/consents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({
        key: tenant.publicKey,
        visitorId: `v_${crypto.randomBytes(16).toString('base64url')}`,
        decisions: { analytics: true },
        configVersion: 1,
        clientEventId: `ce_${crypto.randomBytes(8).toString('hex')}`,
      }),
    });
    expect(response.status).toBe(201);
    const row = await served!.t.ctx.db
      .selectFrom('consent_events')
      .select('ip_truncated')
      .where('tenant_id', '=', tenant.tenantId)
      .executeTakeFirstOrThrow();
    return row.ip_truncated;
  }

  it("GDPR-04: from a trusted proxy the stored truncated IP is the forwarded client's", async () => {
    served = await serveTestApp({ env: { AKKOORD_TRUSTED_PROXIES: '127.0.0.1/32' } });
    expect(await postChoice({ 'x-forwarded-for': '198.51.100.23' })).toBe('198.51.100.0');
    // A client's own X-Forwarded-For is on the left; the proxy appended the real peer: that one counts.
    expect(await postChoice({ 'x-forwarded-for': '6.6.6.6, 198.51.100.23' })).toBe('198.51.100.0');
    // Hops that are trusted proxies themselves are skipped.
    expect(await postChoice({ 'x-forwarded-for': '203.0.113.9, 127.0.0.1' })).toBe('203.0.113.0');
    expect(await postChoice({ forwarded: 'for="[2001:db8:cafe::17]:4711";proto=https' })).toBe(
      '2001:db8:cafe::',
    );
    expect(await postChoice({ forwarded: 'for=192.0.2.60;proto=http' })).toBe('192.0.2.0');
    // Garbage is not an address: the proxy's own address is what we can vouch for.
    expect(await postChoice({ 'x-forwarded-for': 'unknown' })).toBe('127.0.0.0');
  });

  it('GDPR-04: without AKKOORD_TRUSTED_PROXIES, or from a peer outside it, forwarding headers are ignored', async () => {
    served = await serveTestApp();
    expect(
      await postChoice({ 'x-forwarded-for': '198.51.100.23', forwarded: 'for=192.0.2.60' }),
    ).toBe('127.0.0.0');
    await served.close();
    served = await serveTestApp({ env: { AKKOORD_TRUSTED_PROXIES: '10.0.0.0/8' } });
    expect(await postChoice({ 'x-forwarded-for': '198.51.100.23' })).toBe('127.0.0.0');
  });

  it('per-IP limits count the forwarded clients, not the proxy', async () => {
    served = await serveTestApp({
      env: { AKKOORD_TRUSTED_PROXIES: '127.0.0.1', AKKOORD_RATE_LIMITS: '{"publicPerIp":"2/60"}' },
    });
    const tenant = await createTestTenant(served.t);
    const get = (client: string) =>
      fetch(`${served!.url}/widget.js?key=${tenant.publicKey}`, {
        headers: { 'x-forwarded-for': client },
      }).then((r) => r.status);
    expect(await get('198.51.100.1')).not.toBe(429);
    expect(await get('198.51.100.1')).not.toBe(429);
    expect(await get('198.51.100.1')).toBe(429);
    expect(await get('198.51.100.2')).not.toBe(429);
  });

  async function sessionCookie(headers: Record<string, string>): Promise<string> {
    const t = served!.t;
    // The transport the test app was given: the queue's worker hands it the mail.
    const mailer = t.ctx.mailQueue.transport as ReturnType<typeof capturingMailer>;
    const tenant = await createTestTenant(t);
    const email = `p${crypto.randomBytes(4).toString('hex')}@example.com`;
    await addPerson(t, tenant.tenantId, { email });
    const origin = served!.url;
    const asked = await fetch(`${served!.url}/v1/me/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin },
      body: JSON.stringify({ tenant: tenant.tenantId, email }),
    });
    expect(asked.status).toBe(202);
    const token = tokenOf(await mailer.waitFor(email));
    const exchanged = await fetch(`${served!.url}/v1/me/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin, ...headers },
      body: JSON.stringify({ token }),
    });
    expect(exchanged.status).toBe(200);
    return exchanged.headers.get('set-cookie') ?? '';
  }

  it('the session cookie is Secure when a trusted proxy says the client used https, and only then', async () => {
    served = await serveTestApp({
      mailer: capturingMailer(),
      env: { AKKOORD_TRUSTED_PROXIES: '127.0.0.1' },
    });
    expect(await sessionCookie({ 'x-forwarded-proto': 'https' })).toMatch(/;\s*Secure/i);
    expect(await sessionCookie({ forwarded: 'for=192.0.2.1;proto=https' })).toMatch(/;\s*Secure/i);
    expect(await sessionCookie({ 'x-forwarded-proto': 'http' })).not.toMatch(/;\s*Secure/i);
    await served.close();
    served = await serveTestApp({ mailer: capturingMailer() });
    expect(await sessionCookie({ 'x-forwarded-proto': 'https' })).not.toMatch(/;\s*Secure/i);
  });
});
