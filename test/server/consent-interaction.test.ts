// Which banner control made a choice is proof too: the ledger event keeps it, the receipt
// names it, and the event hash covers it, on both write paths (SQLite's prepared statements
// and the Kysely path that PostgreSQL takes).
import crypto from 'node:crypto';
import { decodeJwt } from 'jose';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { consentInteractions } from '../../shared/schemas/consents.js';
import { verifyLedger } from '../../server/services/ledger/ledger-verify.js';
import { dialects } from '../helpers/db.js';
import { createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.js';

const newVisitorId = () => `v_${crypto.randomBytes(16).toString('base64url')}`;
const newEventId = () => `ce_${crypto.randomBytes(12).toString('hex')}`;

describe.each(dialects)('the banner interaction on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  beforeEach(async () => {
    t = await startTestApp(dialect, { env: { AKKOORD_RATE_LIMITS: 'off' } });
    tenant = await createTestTenant(t);
  });
  afterEach(async () => {
    await t.close();
  });

  const post = (overrides: Record<string, unknown>) =>
    t.call('POST', '/v1/consents', {
      body: {
        key: tenant.publicKey,
        visitorId: newVisitorId(),
        decisions: { analytics: true, ads: false },
        configVersion: 1,
        locale: 'nl',
        clientEventId: newEventId(),
        ...overrides,
      },
    });

  it('GDPR-04: each interaction is kept on the ledger event and named in the receipt', async () => {
    for (const interaction of consentInteractions) {
      const response = await post({
        interaction,
        ...(interaction === 'placeholder' ? { source: 'placeholder' } : {}),
      });
      expect(response.status).toBe(201);
      const { id, receipt } = (await response.json()) as { id: string; receipt: string };
      expect(decodeJwt(receipt).interaction).toBe(interaction);
      const rows = await t.ctx.db
        .selectFrom('consent_events')
        .select('interaction')
        .where('consent_id', '=', id)
        .execute();
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r) => r.interaction === interaction)).toBe(true);
    }
    expect((await verifyLedger(t.ctx.db, tenant.tenantId)).ok).toBe(true);
  });

  it('GDPR-02: a call through window.akkoord (script) is never recorded as a click', async () => {
    const { id } = (await (await post({ interaction: 'script' })).json()) as { id: string };
    const rows = await t.ctx.db
      .selectFrom('consent_events')
      .select('interaction')
      .where('consent_id', '=', id)
      .execute();
    expect(rows.map((r) => r.interaction)).not.toContain('accept_all');
    expect(new Set(rows.map((r) => r.interaction))).toEqual(new Set(['script']));
  });

  it('GDPR-04: the event hash covers the interaction, so rewriting it breaks the chain', async () => {
    await post({ interaction: 'script' });
    await t.ctx.db
      .updateTable('consent_events')
      .set({ interaction: 'accept_all' })
      .where('tenant_id', '=', tenant.tenantId)
      .execute();
    const report = await verifyLedger(t.ctx.db, tenant.tenantId);
    expect(report.ok).toBe(false);
  });

  it('without an interaction the event keeps none and the receipt names none', async () => {
    const { id, receipt } = (await (await post({})).json()) as { id: string; receipt: string };
    expect(decodeJwt(receipt)).not.toHaveProperty('interaction');
    const rows = await t.ctx.db
      .selectFrom('consent_events')
      .select('interaction')
      .where('consent_id', '=', id)
      .execute();
    expect(rows.every((r) => r.interaction === null)).toBe(true);
    expect((await verifyLedger(t.ctx.db, tenant.tenantId)).ok).toBe(true);
  });

  it('an unknown interaction is refused with 400', async () => {
    const response = await post({ interaction: 'click' });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
      'VALIDATION_FAILED',
    );
  });
});
