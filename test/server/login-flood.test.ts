// A sign-in flood through a real HTTP server with the default rate limits:
// a login flood gets 429 while another client still signs in. Clients
// come from different loopback addresses (127.0.0.x), so the server sees them as
// different IPs, as it would on the internet.
import http from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestTenant, type TestTenant } from '../helpers/app.js';
import { addPerson, capturingMailer, tokenOf, type CapturingMailer } from '../helpers/me.js';
import { serveTestApp, type ServedApp } from '../helpers/server.js';

interface Answer {
  status: number;
  retryAfter: string | null;
  body: string;
  setCookie: string[];
}

/** A POST from a chosen local address (node's fetch cannot pick its source address). */
function post(url: string, path: string, body: unknown, from: string): Promise<Answer> {
  const target = new URL(path, url);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        localAddress: from,
        agent: false,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          origin: new URL(url).origin,
        },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            retryAfter: (response.headers['retry-after'] as string | undefined) ?? null,
            body: text,
            setCookie: response.headers['set-cookie'] ?? [],
          }),
        );
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

describe('a sign-in flood against the real server with the default limits', () => {
  let served: ServedApp;
  let mailer: CapturingMailer;
  let tenant: TestTenant;
  const attacker = '127.0.0.1';

  beforeEach(async () => {
    mailer = capturingMailer();
    // An empty AKKOORD_RATE_LIMITS means the defaults (5 per address and 60 per IP in 15 minutes).
    served = await serveTestApp({ mailer, env: { AKKOORD_RATE_LIMITS: '' } });
    expect(served.t.config.rateLimits.loginPerEmail).toEqual({ points: 5, seconds: 900 });
    tenant = await createTestTenant(served.t);
    await addPerson(served.t, tenant.tenantId, {
      externalId: 'victim',
      email: 'victim@example.com',
    });
    await addPerson(served.t, tenant.tenantId, { externalId: 'anna', email: 'anna@example.com' });
  });
  afterEach(async () => served?.close());

  const login = (email: string, from: string) =>
    post(served.url, '/v1/me/login', { tenant: tenant.tenantId, email }, from);

  it('answers 429 with Retry-After to a flood for one address, sends at most five mails, and another client still signs in', async () => {
    // 200 requests in waves of 20, the address in changing case so that trick does not help.
    const answers: Answer[] = [];
    for (let wave = 0; wave < 10; wave++) {
      const batch = Array.from({ length: 20 }, (_, i) =>
        login(i % 2 ? 'VICTIM@example.com' : ' victim@Example.COM', attacker),
      );
      answers.push(...(await Promise.all(batch)));
    }
    const accepted = answers.filter((a) => a.status === 202);
    const limited = answers.filter((a) => a.status === 429);
    expect(accepted.length).toBe(5);
    expect(limited.length).toBe(195);
    for (const answer of limited) {
      const seconds = Number(answer.retryAfter);
      expect(seconds).toBeGreaterThan(0);
      expect(seconds).toBeLessThanOrEqual(900);
      expect(JSON.parse(answer.body).error.code).toBe('RATE_LIMITED');
      expect(answer.body).not.toMatch(/victim/i);
    }
    // The flood cannot bomb the person's inbox.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(mailer.sent.filter((m) => m.to === 'victim@example.com').length).toBeLessThanOrEqual(5);

    // The flooding address is now over its per-IP limit too, whatever address it asks for.
    expect((await login('someone-else@example.com', attacker)).status).toBe(429);

    // Another client, from another address, asks for its own link and signs in.
    const other = '127.0.0.2';
    const asked = await login('anna@example.com', other);
    expect(asked.status).toBe(202);
    const mail = await mailer.waitFor('anna@example.com');
    const session = await post(served.url, '/v1/me/session', { token: tokenOf(mail) }, other);
    expect(session.status).toBe(200);
    expect(session.setCookie.join(';')).toMatch(/HttpOnly/i);
  });

  it('limits one address however many IPs the flood comes from, and leaves other addresses alone', async () => {
    const spread = Array.from({ length: 12 }, (_, i) => `127.0.0.${10 + i}`);
    const answers = await Promise.all(spread.map((from) => login('victim@example.com', from)));
    expect(answers.filter((a) => a.status === 202).length).toBe(5);
    expect(answers.filter((a) => a.status === 429).every((a) => Number(a.retryAfter) > 0)).toBe(
      true,
    );
    // Those same IPs are each far below their own limit: another address from them goes through.
    expect((await login('anna@example.com', spread[0])).status).toBe(202);
    await mailer.waitFor('anna@example.com');
  });

  it('counts per tenant: a flood for an address at one tenant does not lock it out at another', async () => {
    const other = await createTestTenant(served.t);
    await addPerson(served.t, other.tenantId, {
      externalId: 'victim',
      email: 'victim@example.com',
    });
    for (let i = 0; i < 8; i++) await login('victim@example.com', '127.0.0.3');
    expect((await login('victim@example.com', '127.0.0.3')).status).toBe(429);
    const elsewhere = await post(
      served.url,
      '/v1/me/login',
      { tenant: other.tenantId, email: 'victim@example.com' },
      '127.0.0.4',
    );
    expect(elsewhere.status).toBe(202);
  });
});
