// Checking a receipt a person shows (GDPR-04: proof of consent): the signature against
// the published keys and the event in the ledger; a forged or foreign receipt says so.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.js';
import { dialects } from '../helpers/db.js';

describe.each(dialects)('receipt check on %s', (dialect) => {
  let t: TestApp;
  let a: TestTenant;
  let b: TestTenant;
  beforeEach(async () => {
    t = await startTestApp(dialect);
    a = await createTestTenant(t);
    b = await createTestTenant(t);
  });
  afterEach(async () => t.close());

  async function receiptOf(tenant: TestTenant, visitorId: string): Promise<string> {
    const res = await t.call('POST', '/v1/consents', {
      headers: { origin: 'https://shop.example' },
      body: {
        key: tenant.publicKey,
        visitorId,
        decisions: { analytics: true },
        configVersion: 1,
        locale: 'nl',
        source: 'banner',
        gpc: false,
        clientEventId: `receipt-check-${visitorId}`,
      },
    });
    expect(res.status).toBe(201);
    return ((await res.json()) as { receipt: string }).receipt;
  }
  const check = async (receipt: string, token = a.secretKey) =>
    (await t.call('POST', '/v1/receipts/verify', { token, body: { receipt } })).json();

  it("GDPR-04: verifies a receipt and finds its event in the ledger; a changed payload or another tenant's receipt does not pass", async () => {
    const receipt = await receiptOf(a, 'v_AAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    const good = await check(receipt);
    expect(good).toMatchObject({
      signatureValid: true,
      tenantMatches: true,
      ledgerMatches: true,
      payload: { tenant: a.tenantId, source: 'banner' },
    });
    expect(good.kid).toEqual(expect.any(String));

    const [header, body, signature] = receipt.split('.');
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    payload.state.analytics = 'denied';
    const forged = `${header}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${signature}`;
    expect(await check(forged)).toMatchObject({
      signatureValid: false,
      ledgerMatches: false,
      payload: null,
    });

    const foreign = await check(await receiptOf(b, 'v_BBBBBBBBBBBBBBBBBBBBBBBBBBBB'));
    expect(foreign).toMatchObject({
      signatureValid: true,
      tenantMatches: false,
      ledgerMatches: false,
      payload: null,
    });
    expect(
      (
        await t.call('POST', '/v1/receipts/verify', {
          token: a.secretKey,
          body: { receipt: 'not a jws' },
        })
      ).status,
    ).toBe(400);
  });
});
