// The database remembers its root secret's fingerprint (GDPR-52: encrypted data stays
// readable only with its key): recorded once, compared at every start, on both databases.
import { afterEach, describe, expect, it } from 'vitest';
import { createKeyring } from '../../server/keyring.js';
import {
  checkSecret,
  ensureSecretFingerprint,
  SecretMismatchError,
} from '../../server/services/tenants/secret-fingerprint.js';
import { startTestApp } from '../helpers/app.js';
import { dialects, openTestStore, type TestStore } from '../helpers/db.js';

const first = createKeyring('the-first-secret-0123456789-0123456789');
const other = createKeyring('another-secret-0123456789-0123456789-x');
const now = () => new Date().toISOString();

describe.each(dialects)('secret fingerprint on %s', (dialect) => {
  let ts: TestStore;
  afterEach(async () => ts.cleanup());

  it('GDPR-52: records the fingerprint at first start, never the secret, and refuses another secret after it', async () => {
    ts = await openTestStore(dialect);
    expect(await checkSecret(ts.store.db, first)).toEqual({ status: 'unrecorded' });
    // Two servers starting at once: both succeed, one fingerprint.
    await Promise.all([
      ensureSecretFingerprint(ts.store.db, first, now()),
      ensureSecretFingerprint(ts.store.db, first, now()),
    ]);
    const rows = await ts.store.db.selectFrom('instance_meta').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.value).not.toContain('the-first-secret');
    expect(await checkSecret(ts.store.db, first)).toEqual({ status: 'match' });
    expect(await checkSecret(ts.store.db, other)).toEqual({
      status: 'mismatch',
      backupCopy: false,
    });
    await expect(ensureSecretFingerprint(ts.store.db, other, now())).rejects.toBeInstanceOf(
      SecretMismatchError,
    );
  });

  it('GDPR-52: a database from before fingerprints is judged by whether the secret opens its encrypted values', async () => {
    ts = await openTestStore(dialect);
    await ts.store.db
      .insertInto('signing_keys')
      .values({
        kid: 'k1',
        private_enc: first.encrypt('{"kty":"OKP"}'),
        public_jwk: '{}',
        created_at: now(),
        retired_at: null,
      })
      .execute();
    await expect(ensureSecretFingerprint(ts.store.db, other, now())).rejects.toThrow(
      /AKKOORD_SECRET/,
    );
    expect(await ts.store.db.selectFrom('instance_meta').selectAll().execute()).toHaveLength(0);
    await ensureSecretFingerprint(ts.store.db, first, now());
    expect(await checkSecret(ts.store.db, first)).toEqual({ status: 'match' });
  });

  it('GDPR-52: /readyz answers 503 secret_mismatch while the data belongs to another secret', async () => {
    const t = await startTestApp(dialect);
    ts = t.testStore;
    expect((await t.call('GET', '/readyz')).status).toBe(200);
    await ensureSecretFingerprint(t.ctx.db, other, now());
    const ready = await t.call('GET', '/readyz');
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({
      ok: false,
      code: 'secret_mismatch',
      reason: expect.stringContaining('restore the secret'),
    });
  });
});
