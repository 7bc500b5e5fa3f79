// Guessing the bootstrap admin token: wrong tokens are counted per client IP, and
// past the limit every attempt from that IP is 429 with Retry-After, the right
// token included, so a lucky guess cannot be told apart; other IPs are unaffected.
import { afterEach, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../helpers/app.js';
import { dialects } from '../helpers/db.js';

describe.each(dialects)('admin token attempts on %s', (dialect) => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
  });

  const from = (app: TestApp, ip: string, token: string | null) =>
    app.app.request(
      '/v1/admin/tenants',
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ name: 'Shop BV', allowedOrigins: ['https://shop.example'] }),
      },
      { incoming: { socket: { remoteAddress: ip, remotePort: 40000, remoteFamily: 'IPv4' } } },
    );

  it('answers 429 with Retry-After after 10 wrong tokens from one IP, to the right token too, and not to other IPs', async () => {
    // The default limits (the test app switches them off).
    t = await startTestApp(dialect, { env: { AKKOORD_RATE_LIMITS: '' } });
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++)
      statuses.push(
        (await from(t, '198.51.100.7', `wrong-token-${String(i).padStart(4, '0')}-guess`)).status,
      );
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(new Set(statuses.slice(10))).toEqual(new Set([429]));

    const right = await from(t, '198.51.100.7', ADMIN_TOKEN);
    expect(right.status).toBe(429);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await right.json()).error.code).toBe('RATE_LIMITED');

    // Another client is not locked out by the guesser, and the operator's own calls are not counted.
    for (let i = 0; i < 12; i++)
      expect((await from(t, '198.51.100.8', ADMIN_TOKEN)).status).toBe(201);
    // A missing token is not a guess.
    for (let i = 0; i < 12; i++) expect((await from(t, '198.51.100.9', null)).status).toBe(401);
    expect((await from(t, '198.51.100.9', ADMIN_TOKEN)).status).toBe(201);
  });
});
