// Signed receipts (GDPR-04, Art. 7(1)): one Ed25519 key made once and stored
// encrypted, published with a kid, and still verifiable after a rotation.
import crypto from 'node:crypto';
import { compactVerify, createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp, createContext } from '../../server/app.js';
import { createStore } from '../../server/db/create-db.js';
import { activeSigningKey, rotateSigningKey } from '../../server/services/ledger/receipts.js';
import { dialects } from '../helpers/db.js';
import { createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.js';

describe.each(dialects)('receipts on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  beforeEach(async () => {
    t = await startTestApp(dialect, { env: { AKKOORD_RATE_LIMITS: 'off' } });
    tenant = await createTestTenant(t);
  });
  afterEach(async () => {
    await t.close();
  });

  async function receipt(): Promise<string> {
    const response = await t.call('POST', '/v1/consents', {
      body: {
        key: tenant.publicKey,
        visitorId: `v_${crypto.randomBytes(16).toString('base64url')}`,
        decisions: { analytics: true, ads: false },
        configVersion: 1,
        clientEventId: `ce_${crypto.randomBytes(8).toString('hex')}`,
      },
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { receipt: string }).receipt;
  }
  const jwks = async () =>
    (await (await t.call('GET', '/.well-known/jwks.json')).json()) as JSONWebKeySet;

  it('publishes public keys only, each with a kid, as a JWK Set', async () => {
    const response = await t.call('GET', '/.well-known/jwks.json');
    expect(response.headers.get('content-type')).toMatch(/^application\/jwk-set\+json/);
    expect(response.headers.get('access-control-allow-origin')).toBe('*');
    const set = (await response.json()) as JSONWebKeySet;
    expect(set.keys).toHaveLength(1);
    expect(set.keys[0]).toMatchObject({
      kty: 'OKP',
      crv: 'Ed25519',
      alg: 'EdDSA',
      use: 'sig',
      kid: expect.any(String),
    });
    expect(set.keys[0]).not.toHaveProperty('d');
  });

  it('makes the key once, keeps the private half encrypted, and reuses it after a restart', async () => {
    const first = await receipt();
    const rows = await t.ctx.db.selectFrom('signing_keys').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0].private_enc).toMatch(/^v1\./);
    expect(rows[0].private_enc).not.toContain('"d"');
    expect(JSON.parse(t.ctx.keyring.decrypt(rows[0].private_enc))).toHaveProperty('d');

    // A second process (its own connection, no shared cache) on the same database signs with the same key.
    const store = createStore(t.testStore.url);
    try {
      const ctx = createContext({ db: store, config: t.config });
      expect((await activeSigningKey(ctx)).kid).toBe(rows[0].kid);
      const again = await createApp(ctx).request('/.well-known/jwks.json');
      expect(((await again.json()) as JSONWebKeySet).keys.map((k) => k.kid)).toEqual([rows[0].kid]);
    } finally {
      await store.close();
    }
    expect(decodeProtectedHeader(first)).toMatchObject({
      alg: 'EdDSA',
      kid: rows[0].kid,
      typ: 'akkoord-receipt+jwt',
    });
    expect(await t.ctx.db.selectFrom('signing_keys').select('kid').execute()).toHaveLength(1);
  });

  it('after a rotation old receipts still verify and new ones use the new key', async () => {
    const before = await receipt();
    const oldKid = decodeProtectedHeader(before).kid;
    const newKid = await rotateSigningKey(t.ctx);
    expect(newKid).not.toBe(oldKid);
    const after = await receipt();
    expect(decodeProtectedHeader(after).kid).toBe(newKid);

    const set = await jwks();
    expect(set.keys.map((k) => k.kid).sort()).toEqual([oldKid, newKid].sort());
    const keys = createLocalJWKSet(set);
    await expect(compactVerify(before, keys)).resolves.toBeTruthy();
    await expect(compactVerify(after, keys)).resolves.toBeTruthy();
    const retired = await t.ctx.db
      .selectFrom('signing_keys')
      .select(['kid', 'retired_at'])
      .where('kid', '=', oldKid!)
      .executeTakeFirstOrThrow();
    expect(retired.retired_at).not.toBeNull();
  });

  it("a receipt does not verify against another installation's keys", async () => {
    const mine = await receipt();
    const other = await startTestApp(dialect, { env: { AKKOORD_RATE_LIMITS: 'off' } });
    try {
      await activeSigningKey(other.ctx);
      const theirs = (await (
        await other.call('GET', '/.well-known/jwks.json')
      ).json()) as JSONWebKeySet;
      // Same kid lookup fails (no such key), and forcing their key in fails the signature.
      await expect(compactVerify(mine, createLocalJWKSet(theirs))).rejects.toThrow();
      const forced = {
        keys: theirs.keys.map((k) => ({ ...k, kid: decodeProtectedHeader(mine).kid })),
      };
      await expect(compactVerify(mine, createLocalJWKSet(forced))).rejects.toThrow(/signature/i);
    } finally {
      await other.close();
    }
  });

  it('GPC-03: /.well-known/gpc.json is JSON with a boolean gpc and a full-date lastUpdate', async () => {
    const response = await t.call('GET', '/.well-known/gpc.json');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const body = (await response.json()) as { gpc: unknown; lastUpdate: string };
    expect(body.gpc).toBe(true);
    expect(body.lastUpdate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
});
