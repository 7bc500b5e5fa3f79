// Rate limits: over the limit a client gets 429 with Retry-After, other
// clients are unaffected; counters live in PostgreSQL when the store is PostgreSQL.
import { afterEach, describe, expect, it } from 'vitest';
import { createContext } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { createStore, type Store } from '../../server/db/create-db.js';
import { RateLimitedError } from '../../server/errors.js';
import { createLogger } from '../../server/observability/logger.js';
import { dialects, openTestStore } from '../helpers/db.js';
import { createTestTenant, startTestApp, TEST_SECRET, type TestApp } from '../helpers/app.js';

describe.each(dialects)('rate limits on %s', (dialect) => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
  });

  it('limits a secret key and answers 429 with Retry-After, while another key still works', async () => {
    t = await startTestApp(dialect, { env: { AKKOORD_RATE_LIMITS: '{"secretKey":"3/60"}' } });
    const a = await createTestTenant(t);
    const b = await createTestTenant(t);
    for (let i = 0; i < 2; i++)
      expect((await t.call('GET', '/v1/keys', { token: a.secretKey })).status).toBe(200);
    const limited = await t.call('GET', '/v1/keys', { token: a.secretKey });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await limited.json()).error.code).toBe('RATE_LIMITED');
    expect((await t.call('GET', '/v1/keys', { token: b.secretKey })).status).toBe(200);
  });

  it('limits the public consent endpoint per public key', async () => {
    t = await startTestApp(dialect, { env: { AKKOORD_RATE_LIMITS: '{"publicPerKey":"2/60"}' } });
    const tenant = await createTestTenant(t);
    const post = () => t!.call('POST', '/v1/consents', { body: { key: tenant.publicKey } });
    expect((await post()).status).not.toBe(429);
    expect((await post()).status).not.toBe(429);
    expect((await post()).status).toBe(429);
    const other = await t.call('POST', '/v1/consents', { body: { key: 'pk_someone_else' } });
    expect(other.status).not.toBe(429);
  });

  it('limiters first used at the same moment all count (one table for all), and nothing is logged', async () => {
    const { store, url, cleanup } = await openTestStore(dialect);
    try {
      const lines: string[] = [];
      const logger = createLogger('info', { write: (line: string) => void lines.push(line) });
      const config = loadConfig({
        DATABASE_URL: url,
        AKKOORD_SECRET: TEST_SECRET,
        AKKOORD_RATE_LIMITS:
          '{"secretKey":"2/60","publicPerIp":"2/60","publicPerKey":"2/60","loginPerIp":"2/60"}',
      });
      const ctx = createContext({ db: store, config, logger });
      const names = ['secretKey', 'publicPerIp', 'publicPerKey', 'loginPerIp'] as const;
      const limiters = names.map((name) => ctx.rateLimits[name]);
      for (let i = 0; i < 2; i++)
        await Promise.all(limiters.map((limiter) => limiter.consume('same-key')));
      const third = await Promise.allSettled(
        limiters.map((limiter) => limiter.consume('same-key')),
      );
      expect(
        third.map((r) => r.status === 'rejected' && r.reason instanceof RateLimitedError),
      ).toEqual(names.map(() => true));
      expect(lines).toEqual([]);
    } finally {
      await cleanup();
    }
  });

  it('refuses a malformed AKKOORD_RATE_LIMITS naming the variable', async () => {
    await expect(
      startTestApp(dialect, { env: { AKKOORD_RATE_LIMITS: '{"publicPerIp":"fast"}' } }),
    ).rejects.toThrow(/AKKOORD_RATE_LIMITS/);
  });
});

describe.runIf(dialects.includes('postgres'))('busy limits counted in batches on postgres', () => {
  it('a process that closes sends the hits it had not yet sent, so another process sees them', async () => {
    const { url, store: later, cleanup } = await openTestStore('postgres');
    const first = createStore(url);
    try {
      const config = loadConfig({
        DATABASE_URL: url,
        AKKOORD_SECRET: TEST_SECRET,
        AKKOORD_RATE_LIMITS: '{"publicPerIp":"3/60"}',
      });
      const limiterOf = (store: Store) =>
        createContext({ db: store, config, logger: createLogger('silent') }).rateLimits.publicPerIp;
      // The first hit goes to the store; the second, within the sync interval, is counted
      // in the process and would be sent later. Closing sends it now.
      const closing = limiterOf(first);
      await closing.consume('203.0.113.9');
      await closing.consume('203.0.113.9');
      await first.close();
      const other = limiterOf(later);
      await other.consume('203.0.113.9');
      await expect(other.consume('203.0.113.9')).rejects.toBeInstanceOf(RateLimitedError);
    } finally {
      await cleanup();
    }
  });
});
