// The public consent API (/v1/consents) through the whole app, on every dialect:
// read-back, signed receipts, idempotency, refusals, GPC (GDPR-04, GDPR-09, GPC-01, GPC-04).
import crypto from 'node:crypto';
import {
  compactVerify,
  createLocalJWKSet,
  decodeProtectedHeader,
  jwtVerify,
  type JSONWebKeySet,
} from 'jose';
import { describe, expect } from 'vitest';
import type { ReceiptPayloadV1 } from '../../shared/schemas/consents.js';
import { rotateSigningKey } from '../../server/services/ledger/receipts.js';
import { dialects } from '../helpers/db.js';
import { createTestTenant, type TestApp, type TestTenant } from '../helpers/app.js';
import { it } from '../helpers/app-fixture.js';

const newVisitorId = () => `v_${crypto.randomBytes(16).toString('base64url')}`;
const newEventId = () => `ce_${crypto.randomBytes(12).toString('hex')}`;

describe.each(dialects)('POST /v1/consents on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  it.override({ dialect, appOptions: { env: { AKKOORD_RATE_LIMITS: 'off' } } });
  it.beforeEach(({ app, tenant: made }) => {
    t = app;
    tenant = made;
  });

  const choice = (overrides: Record<string, unknown> = {}) => ({
    key: tenant.publicKey,
    visitorId: newVisitorId(),
    decisions: { necessary: true, analytics: true, ads: false },
    configVersion: 1,
    locale: 'nl',
    source: 'banner',
    gpc: false,
    clientEventId: newEventId(),
    ...overrides,
  });
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    t.call('POST', '/v1/consents', { body, headers });
  const countEvents = async () =>
    (await t.ctx.db.selectFrom('consent_events').select('seq').execute()).length;

  it('GDPR-04: a recorded choice reads back as state and history, without IP or user agent', async () => {
    const body = choice();
    const created = await post(body, { 'user-agent': 'TestBrowser/1.0' });
    expect(created.status).toBe(201);
    const answer = (await created.json()) as {
      id: string;
      receipt: string;
      state: Record<string, unknown>;
    };
    expect(answer.id).toMatch(/^cns_/);
    expect(answer.state).toEqual({ necessary: 'granted', analytics: 'granted', ads: 'denied' });

    const read = await t.call('GET', `/v1/consents/${body.visitorId}?key=${tenant.publicKey}`);
    expect(read.status).toBe(200);
    const { state, history } = (await read.json()) as {
      state: unknown;
      history: Array<Record<string, unknown>>;
    };
    expect(state).toEqual({ necessary: 'granted', analytics: 'granted', ads: 'denied' });
    expect(
      history.map((h) => [h.purpose, h.status, h.source, h.configVersion, h.locale, h.channel]),
    ).toEqual([
      ['necessary', 'granted', 'banner', 1, 'nl', null],
      ['analytics', 'granted', 'banner', 1, 'nl', null],
      ['ads', 'denied', 'banner', 1, 'nl', null],
    ]);
    expect(history[0].noticeHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(history)).not.toMatch(/TestBrowser|"ip|"userAgent|"ipTruncated/i);
    // The user agent is stored in the ledger, only not shown back.
    const stored = await t.ctx.db
      .selectFrom('consent_events')
      .select(['user_agent', 'client_event_id'])
      .execute();
    expect(
      stored.every(
        (r) => r.user_agent === 'TestBrowser/1.0' && r.client_event_id === body.clientEventId,
      ),
    ).toBe(true);
  });

  it('GDPR-09: a later choice withdraws, and purposes not sent keep their state', async () => {
    const visitorId = newVisitorId();
    await post(choice({ visitorId }));
    const second = await post(choice({ visitorId, decisions: { analytics: false } }));
    expect(((await second.json()) as { state: unknown }).state).toEqual({
      necessary: 'granted',
      analytics: 'withdrawn',
      ads: 'denied',
    });
    const read = await t.call('GET', `/v1/consents/${visitorId}?key=${tenant.publicKey}`);
    const { history } = (await read.json()) as {
      history: Array<{ purpose: string; status: string }>;
    };
    expect(history.filter((h) => h.purpose === 'analytics').map((h) => h.status)).toEqual([
      'granted',
      'withdrawn',
    ]);
  });

  it('GDPR-04: the receipt verifies against the JWKS and carries the decisions and the ledger position', async () => {
    const body = choice();
    const answer = (await (await post(body)).json()) as { id: string; receipt: string };
    const jwksResponse = await t.call('GET', '/.well-known/jwks.json');
    expect(jwksResponse.status).toBe(200);
    const jwks = (await jwksResponse.json()) as JSONWebKeySet;
    const keys = createLocalJWKSet(jwks);

    const { payload, protectedHeader } = await compactVerify(answer.receipt, keys, {
      algorithms: ['EdDSA'],
    });
    expect(protectedHeader.alg).toBe('EdDSA');
    expect(jwks.keys.map((k) => k.kid)).toContain(protectedHeader.kid);
    const receipt = JSON.parse(new TextDecoder().decode(payload)) as ReceiptPayloadV1;
    const { payload: claims } = await jwtVerify(answer.receipt, keys, {
      issuer: 'http://127.0.0.1:8080',
    });
    expect(claims.sub).toBe(receipt.sub);

    const subject = await t.ctx.db
      .selectFrom('subject_visitors')
      .select('subject_id')
      .executeTakeFirstOrThrow();
    const last = await t.ctx.db
      .selectFrom('consent_events')
      .select(['seq', 'hash', 'notice_hash'])
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow();
    expect(receipt).toMatchObject({
      v: 1,
      iss: 'http://127.0.0.1:8080',
      tenant: tenant.tenantId,
      sub: subject.subject_id,
      consentId: answer.id,
      decisions: { necessary: true, analytics: true, ads: false },
      state: { necessary: 'granted', analytics: 'granted', ads: 'denied' },
      configVersion: 1,
      locale: 'nl',
      noticeHash: last.notice_hash,
      ledger: { seq: last.seq, hash: last.hash },
    });
    expect(receipt.sub).toMatch(/^sub_/);
    expect(JSON.stringify(receipt)).not.toContain(body.visitorId);
    // A receipt with one changed byte does not verify.
    const [h, p, s] = answer.receipt.split('.');
    const forged = Buffer.from(
      JSON.stringify({ ...receipt, decisions: { analytics: false } }),
    ).toString('base64url');
    await expect(compactVerify(`${h}.${forged}.${s}`, keys)).rejects.toThrow();
    expect(p).not.toBe(forged);
  });

  it('the same clientEventId again answers the first answer byte for byte and stores nothing', async () => {
    const body = choice();
    const first = await post(body);
    const firstText = await first.text();
    const eventsAfterFirst = await countEvents();
    // Even a changed body under the same clientEventId is the same request retried.
    const again = await post({ ...body, decisions: { analytics: false } });
    expect(again.status).toBe(201);
    expect(await again.text()).toBe(firstText);
    expect(await countEvents()).toBe(eventsAfterFirst);
    expect(await t.ctx.db.selectFrom('feed_events').select('seq').execute()).toHaveLength(1);
    // Stored unsigned: the key id and the receipt's payload JSON, signed again on the way out.
    const [receiptHeader, receiptPayload] = (JSON.parse(firstText) as { receipt: string }).receipt
      .split('.')
      .map((part) => Buffer.from(part, 'base64url').toString());
    const { kid } = JSON.parse(receiptHeader) as { kid: string };
    expect(await t.ctx.db.selectFrom('idempotency_keys').select('response').execute()).toEqual([
      { response: `${kid}\n${receiptPayload}` },
    ]);
  });

  it('a retry after the signing key was rotated gets the first answer, signed by the first key', async () => {
    const body = choice();
    const firstText = await (await post(body)).text();
    await rotateSigningKey(t.ctx);
    expect(await (await post(body)).text()).toBe(firstText);
    // New writes are signed with the new key.
    const next = (await (await post(choice())).json()) as { receipt: string };
    expect(decodeProtectedHeader(next.receipt).kid).not.toBe(
      decodeProtectedHeader((JSON.parse(firstText) as { receipt: string }).receipt).kid,
    );
  });

  it('an answer stored whole, as answers were before they were stored unsigned, is replayed as stored', async () => {
    const body = choice();
    await post(body);
    const whole = JSON.stringify({ id: 'cns_stored', receipt: 'a.b.c', state: { ads: 'denied' } });
    await t.ctx.db.updateTable('idempotency_keys').set({ response: whole }).execute();
    const again = await post(body);
    expect(again.status).toBe(201);
    expect(await again.text()).toBe(whole);
  });

  it('two identical requests racing store once and get the same answer', async () => {
    const body = choice();
    const answers = await Promise.all(Array.from({ length: 5 }, () => post(body)));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201]);
    const texts = await Promise.all(answers.map((a) => a.text()));
    expect(new Set(texts).size).toBe(1);
    expect(await countEvents()).toBe(3);
    expect(await t.ctx.db.selectFrom('subjects').select('id').execute()).toHaveLength(1);
    expect(await t.ctx.db.selectFrom('feed_events').select('seq').execute()).toHaveLength(1);
  });

  it('different choices of one new visitor racing make one subject and one unbroken chain', async () => {
    const visitorId = newVisitorId();
    const answers = await Promise.all(
      [true, false, true, false].map((analytics) =>
        post(choice({ visitorId, decisions: { analytics } })),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201]);
    expect(await t.ctx.db.selectFrom('subjects').select('id').execute()).toHaveLength(1);
    const verify = await t.call('GET', '/v1/ledger/verify', { token: tenant.secretKey });
    expect(await verify.json()).toMatchObject({ ok: true });
  });

  it('GPC-01: Sec-GPC: 1 is recorded even when the body says gpc: false; other values are not', async () => {
    const withHeader = await post(choice({ gpc: false }), { 'sec-gpc': '1' });
    const withOther = await post(choice({ gpc: false }), { 'sec-gpc': 'true' });
    const withBody = await post(choice({ gpc: true }));
    expect([withHeader.status, withOther.status, withBody.status]).toEqual([201, 201, 201]);
    const consentIds = await Promise.all(
      [withHeader, withOther, withBody].map(async (r) => ((await r.json()) as { id: string }).id),
    );
    const gpcOf = async (consentId: string) =>
      (
        await t.ctx.db
          .selectFrom('consent_events')
          .select('gpc')
          .where('consent_id', '=', consentId)
          .execute()
      ).map((r) => r.gpc);
    expect(await gpcOf(consentIds[0])).toEqual([1, 1, 1]);
    expect(await gpcOf(consentIds[1])).toEqual([0, 0, 0]);
    expect(await gpcOf(consentIds[2])).toEqual([1, 1, 1]);
  });

  it('refuses bad requests with 4xx and the error shape, storing nothing', async () => {
    const cases: Array<[string, Promise<Response>, number, string]> = [
      ['unknown purpose', post(choice({ decisions: { tracking: true } })), 422, 'UNKNOWN_PURPOSE'],
      ['wrong public key', post(choice({ key: 'pk_doesnotexist' })), 401, 'UNAUTHORIZED'],
      ['missing field', post({ ...choice(), visitorId: undefined }), 400, 'VALIDATION_FAILED'],
      ['short visitor id', post(choice({ visitorId: 'v_short' })), 400, 'VALIDATION_FAILED'],
      [
        'refused required purpose',
        post(choice({ decisions: { necessary: false } })),
        422,
        'REQUIRED_PURPOSE',
      ],
      ['unknown config version', post(choice({ configVersion: 99 })), 422, 'STALE_CONFIG'],
      [
        'source the public key may not claim',
        post(choice({ source: 'import' })),
        400,
        'VALIDATION_FAILED',
      ],
      ['malformed JSON', post('{"key": '), 400, 'MALFORMED_JSON'],
      ['huge body', post(choice({ padding: 'x'.repeat(70 * 1024) })), 413, 'PAYLOAD_TOO_LARGE'],
    ];
    for (const [name, pending, status, code] of cases) {
      const response = await pending;
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect({ name, status: response.status, code: body.error.code }).toEqual({
        name,
        status,
        code,
      });
      expect(body.error.message).toEqual(expect.any(String));
    }
    expect(await countEvents()).toBe(0);
    expect(await t.ctx.db.selectFrom('subjects').select('id').execute()).toHaveLength(0);
    expect(await t.ctx.db.selectFrom('idempotency_keys').select('response').execute()).toHaveLength(
      0,
    );
  });

  it('concurrent writes share transactions, yet a refused one takes nothing of the others with it', async () => {
    const bodies = Array.from({ length: 30 }, (_, i) =>
      choice({ decisions: i % 3 === 0 ? { tracking: true } : { analytics: i % 2 === 0 } }),
    );
    const answers = await Promise.all(bodies.map((body) => post(body)));
    expect(answers.map((a) => a.status)).toEqual(bodies.map((_, i) => (i % 3 === 0 ? 422 : 201)));
    expect(await t.ctx.db.selectFrom('subjects').select('id').execute()).toHaveLength(20);
    expect(
      await t.ctx.db.selectFrom('idempotency_keys').select('client_event_id').execute(),
    ).toHaveLength(20);
    expect(await countEvents()).toBe(20);
    const verify = await t.call('GET', '/v1/ledger/verify', { token: tenant.secretKey });
    expect(await verify.json()).toMatchObject({ ok: true, events: 20 });
  });

  it('a refused request does not use up its clientEventId', async () => {
    const body = choice({ decisions: { tracking: true } });
    expect((await post(body)).status).toBe(422);
    expect((await post({ ...body, decisions: { analytics: true } })).status).toBe(201);
  });

  it("reading an unknown visitor or with another tenant's key is 404", async () => {
    const body = choice();
    await post(body);
    const other = await createTestTenant(t);
    expect(
      (await t.call('GET', `/v1/consents/${newVisitorId()}?key=${tenant.publicKey}`)).status,
    ).toBe(404);
    expect(
      (await t.call('GET', `/v1/consents/${body.visitorId}?key=${other.publicKey}`)).status,
    ).toBe(404);
    expect((await t.call('GET', `/v1/consents/${body.visitorId}?key=pk_nope`)).status).toBe(401);
  });
});
