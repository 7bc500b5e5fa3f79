// Production shape: two compiled server processes on one PostgreSQL behind a real nginx,
// with AKKOORD_TRUSTED_PROXIES naming nginx. Clients connect to nginx from their own
// loopback addresses (127.0.1.7, 127.0.2.7, 127.0.3.7), so the address nginx forwards
// differs from its own (127.0.0.1) even after truncation. While banner writes and a feed
// consumer run through nginx, one server is killed with SIGKILL and started again: every
// event is stored and seen exactly once, the stored truncated IP is the client's, and the
// per-IP limit counts each client, not the proxy. Needs nginx (`apt-get install -y nginx`;
// .ci/run installs it, and under CI=true a missing nginx fails the test) and TEST_DATABASE_URL.
import crypto from 'node:crypto';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoConfig } from '../../server/services/config/demo.js';
import { SYNC_MS } from '../../server/rate-limit-tally.js';
import { ADMIN_TOKEN, TEST_SECRET } from '../helpers/app.js';
import { openTestStore, type TestStore } from '../helpers/db.js';
import { NGINX_BINARY, startNginx, type Nginx } from '../helpers/nginx.js';
import { freePort, startServerProcess, type ServerProcess } from '../helpers/process.js';

const WRITES = 60;
const PER_IP = 200;
const CLIENT_A = '127.0.1.7';
const CLIENT_B = '127.0.2.7';
const CLIENT_C = '127.0.3.7';

interface Answer {
  status: number;
  body: string;
}

/** One request through nginx from a chosen local address, on a fresh connection. */
function request(
  base: string,
  from: string,
  method: string,
  path: string,
  options: { body?: unknown; token?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
    const req = http.request(
      `${base}${path}`,
      {
        method,
        localAddress: from,
        agent: false,
        headers: {
          ...(payload !== undefined
            ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }
            : {}),
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Retries what a server's death can break (a reset, 502, 503) with the very same request. */
async function persist(send: () => Promise<Answer>, until = Date.now() + 30_000): Promise<Answer> {
  for (;;) {
    try {
      const answer = await send();
      if (![502, 503, 504].includes(answer.status)) return answer;
    } catch (error) {
      if (Date.now() > until) throw error;
    }
    if (Date.now() > until) throw new Error('no answer through nginx within 30 s');
    await new Promise((r) => setTimeout(r, 100));
  }
}

const pgUrl = process.env.TEST_DATABASE_URL;
const nginxMissing = NGINX_BINARY === null;
const required = process.env.CI === 'true';

describe('two compiled servers on one PostgreSQL behind nginx', () => {
  if (!pgUrl) {
    it.skip('needs TEST_DATABASE_URL (a PostgreSQL the test may create a schema in)', () => {});
    return;
  }
  if (nginxMissing && !required) {
    it.skip('needs nginx: apt-get install -y nginx (CI installs it and then requires this test)', () => {});
    return;
  }

  let store: TestStore;
  let nginx: Nginx;
  const servers: ServerProcess[] = [];
  let ports: number[];
  let env: Record<string, string>;

  beforeAll(async () => {
    if (nginxMissing)
      throw new Error('CI=true but nginx is not installed: .ci/run must apt-get install -y nginx');
    store = await openTestStore('postgres');
    const nginxPort = await freePort();
    ports = [await freePort(), await freePort()];
    env = {
      DATABASE_URL: store.url,
      PUBLIC_URL: `http://127.0.0.1:${nginxPort}`,
      AKKOORD_SECRET: TEST_SECRET,
      AKKOORD_ADMIN_TOKEN: ADMIN_TOKEN,
      AKKOORD_TRUSTED_PROXIES: '127.0.0.1/32',
      AKKOORD_RATE_LIMITS: JSON.stringify({ publicPerIp: `${PER_IP}/300` }),
    };
    for (const port of ports)
      servers.push(await startServerProcess(env, 30_000, { compiled: true, port }));
    nginx = await startNginx(nginxPort, ports);
  });

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.kill('SIGKILL')));
    await nginx?.stop();
    await store?.cleanup();
  });

  it('GDPR-04, GDPR-36: writes and the feed survive a SIGKILL of one server, exactly once; IPs and limits are per client', async () => {
    const base = nginx.url;
    const created = await request(base, CLIENT_A, 'POST', '/v1/admin/tenants', {
      token: ADMIN_TOKEN,
      body: { name: 'Shop BV', allowedOrigins: ['https://shop.example'] },
    });
    expect(created.status, created.body).toBe(201);
    const { tenant, publicKey, secretKey } = JSON.parse(created.body) as {
      tenant: { id: string };
      publicKey: string;
      secretKey: string;
    };
    expect(
      (
        await request(base, CLIENT_A, 'PUT', '/v1/config', {
          token: secretKey,
          body: demoConfig('https://shop.example'),
        })
      ).status,
    ).toBe(201);

    // Banner writes from client A, three at a time; each retried with its own clientEventId.
    let written = 0;
    const writes = Array.from({ length: WRITES }, (_, i) => ({
      key: publicKey,
      visitorId: `v_${crypto.randomBytes(16).toString('base64url')}`,
      decisions: { analytics: i % 2 === 0 },
      configVersion: 1,
      clientEventId: `ce_${crypto.randomBytes(8).toString('hex')}`,
    }));
    const queue = [...writes];
    const writer = async () => {
      for (let body = queue.shift(); body; body = queue.shift()) {
        const answer = await persist(() =>
          request(base, CLIENT_A, 'POST', '/v1/consents', { body }),
        );
        expect([200, 201], answer.body).toContain(answer.status);
        written += 1;
        await new Promise((r) => setTimeout(r, 20));
      }
    };

    // The consumer long-polls through nginx the whole time, always from the last `next`.
    const seen: string[] = [];
    let stop = false;
    const consumer = (async () => {
      let after: string | undefined;
      while (!stop || seen.length < WRITES) {
        const query = `?limit=25&wait=2${after ? `&after=${encodeURIComponent(after)}` : ''}`;
        const page = await persist(() =>
          request(base, CLIENT_A, 'GET', `/v1/feed${query}`, { token: secretKey }),
        );
        expect(page.status, page.body).toBe(200);
        const { events, next } = JSON.parse(page.body) as {
          events: { id: string; type: string }[];
          next: string;
        };
        seen.push(...events.filter((e) => e.type.startsWith('consent.')).map((e) => e.id));
        after = next;
        if (stop && events.length === 0 && seen.length >= WRITES) break;
      }
    })();

    // Chaos: SIGKILL the first server a quarter of the way in, start it again at half.
    const chaos = (async () => {
      while (written < WRITES / 4) await new Promise((r) => setTimeout(r, 10));
      await servers[0].kill('SIGKILL');
      while (written < WRITES / 2) await new Promise((r) => setTimeout(r, 10));
      servers[0] = await startServerProcess(env, 30_000, { compiled: true, port: ports[0] });
    })();

    await Promise.all([writer(), writer(), writer(), chaos]);
    stop = true;
    await consumer;

    // nginx did meet the dead server (a request cut off, or a refused connection) and went on to the other.
    expect(nginx.errors()).toMatch(/upstream/);
    expect(new Set(seen).size, 'no event seen twice').toBe(seen.length);
    expect(seen.length, 'every write seen once').toBe(WRITES);
    // One consent call per write (its decisions are one row per purpose), none stored twice.
    const rows = await store.store.db
      .selectFrom('consent_events')
      .select(['consent_id', 'ip_truncated'])
      .where('tenant_id', '=', tenant.id)
      .execute();
    expect(new Set(rows.map((r) => r.consent_id)).size, 'no write stored twice').toBe(WRITES);
    // The client's address, truncated; nginx's own would be 127.0.0.0.
    expect(new Set(rows.map((r) => r.ip_truncated))).toEqual(new Set(['127.0.1.0']));

    // Per-IP limits count clients: B gets its full allowance although A spent 60+ of the
    // proxy's requests, then 429 once the two servers have shared their counts (each sends
    // its hits within one sync interval); C is not affected by B.
    const statuses: number[] = [];
    for (let i = 0; i < PER_IP; i++)
      statuses.push(
        (await persist(() => request(base, CLIENT_B, 'GET', `/widget.js?key=${publicKey}`))).status,
      );
    expect(
      statuses.every((s) => s === 200),
      `B's first ${PER_IP}: ${[...new Set(statuses)]}`,
    ).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 3 * SYNC_MS));
    expect(
      (await persist(() => request(base, CLIENT_B, 'GET', `/widget.js?key=${publicKey}`))).status,
    ).toBe(429);
    expect((await request(base, CLIENT_C, 'GET', `/widget.js?key=${publicKey}`)).status).toBe(200);
  }, 180_000);
});
