// Security headers, metrics and logs: strict headers on every answer, a
// Prometheus endpoint, and log lines that carry no personal data or credentials.
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger, scrubText } from '../../server/observability/logger.js';
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../helpers/app.js';

function captureLogs() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: createLogger('info', stream) };
}

describe('observability', () => {
  let t: TestApp;
  let logs: ReturnType<typeof captureLogs>;
  beforeEach(async () => {
    logs = captureLogs();
    t = await startTestApp('sqlite', { logger: logs.logger });
  });
  afterEach(async () => {
    await t.close();
  });

  it('sets strict security headers on API answers and a CSP without unsafe-inline on the docs page', async () => {
    const api = await t.call('GET', '/healthz');
    expect(api.headers.get('x-content-type-options')).toBe('nosniff');
    expect(api.headers.get('referrer-policy')).toBe('no-referrer');
    expect(api.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(api.headers.get('x-powered-by')).toBeNull();
    expect(api.headers.get('server')).toBeNull();
    const docs = await t.call('GET', '/docs');
    const csp = docs.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
  });

  it('serves Prometheus metrics labelled by route pattern', async () => {
    await t.call('GET', '/v1/keys/key_abc', { token: 'sk_nope' });
    const text = await (await t.call('GET', '/metrics')).text();
    expect(text).toContain('akkoord_http_requests_total');
    expect(text).toContain('route="/v1/keys/*"');
    expect(text).not.toContain('key_abc');
    expect(text).toContain('akkoord_webhook_deliveries{status="pending"} 0');
  });

  it('logs one line per request with the route pattern, never the path, query, body or token', async () => {
    await t.call('POST', '/v1/admin/tenants', {
      token: ADMIN_TOKEN,
      body: { name: 'jan@example.nl' },
    });
    await t.call('GET', '/v1/check?subject=jan@example.nl&purpose=ads', {
      token: 'sk_secretsecretsecret',
    });
    const all = logs.lines.join('');
    expect(all).toContain('"route":"/v1/admin/tenants"');
    expect(all).not.toContain('jan@example.nl');
    expect(all).not.toContain(ADMIN_TOKEN);
    expect(all).not.toContain('sk_secretsecretsecret');
  });

  it("keeps a proxy's UUID request id and replaces anything else a client sends", async () => {
    const uuid = '0b8a1c9e-4f2d-4c1a-9e7b-2d5f6a7b8c9d';
    expect(
      (await t.call('GET', '/healthz', { headers: { 'x-request-id': uuid } })).headers.get(
        'x-request-id',
      ),
    ).toBe(uuid);
    const replaced = (
      await t.call('GET', '/healthz', { headers: { 'x-request-id': 'jan_at_example_nl' } })
    ).headers.get('x-request-id');
    expect(replaced).not.toBe('jan_at_example_nl');
    expect(logs.lines.join('')).not.toContain('jan_at_example_nl');
  });

  it('scrubs e-mail addresses, keys, IPs and phone numbers from free text', () => {
    expect(
      scrubText('user jan@example.nl with sk_abcdefghijkl from 10.1.2.3 at +31 6 1234 5678'),
    ).toBe('user [email] with sk_[redacted] from [ip] at [number]');
  });
});
