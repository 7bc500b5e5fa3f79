// GET /v1/export: the whole tenant as versioned NDJSON, personal
// fields decrypted for the tenant's admin, never secrets, never another tenant's rows,
// and keyset paging that neither skips nor repeats a row across batches.
import { describe, expect } from 'vitest';
import { EXPORT_FORMAT, EXPORT_VERSION } from '../../server/services/tenants/tenant-export.js';
import { dialects } from '../helpers/db.js';
import { createTestTenant, type TestApp, type TestTenant } from '../helpers/app.js';
import { it } from '../helpers/app-fixture.js';
import { populateTenant } from '../helpers/tenant-data.js';

type Line = { type: string; data?: Record<string, unknown>; [key: string]: unknown };

describe.each(dialects)('tenant export on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  let other: TestTenant;
  it.override({ dialect });
  it.beforeEach(async ({ app, tenant: made }) => {
    t = app;
    tenant = made;
    other = await createTestTenant(t);
    await populateTenant(t, tenant, 'a');
    await populateTenant(t, other, 'b');
  });

  async function exportWith(
    token: string,
  ): Promise<{ res: Response; text: string; lines: Line[] }> {
    const res = await t.call('GET', '/v1/export', { token });
    const text = await res.text();
    return {
      res,
      text,
      lines: text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Line),
    };
  }

  it('streams a versioned header, a line per row and an end line whose counts match the header', async () => {
    const { res, lines } = await exportWith(tenant.secretKey);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(res.headers.get('content-disposition')).toContain('.ndjson');
    const header = lines[0];
    expect(header).toMatchObject({
      type: 'header',
      format: EXPORT_FORMAT,
      version: EXPORT_VERSION,
      tenantId: tenant.tenantId,
      personalData: true,
    });
    const end = lines.at(-1)!;
    expect(end.type).toBe('end');
    const counted: Record<string, number> = {};
    for (const line of lines.slice(1, -1)) counted[line.type] = (counted[line.type] ?? 0) + 1;
    expect(
      Object.fromEntries(
        Object.entries(end.counts as Record<string, number>).filter(([, n]) => n > 0),
      ),
    ).toEqual(counted);
    for (const type of [
      'tenant',
      'api_key',
      'config_version',
      'ledger_head',
      'subject',
      'subject_visitor',
      'consent_event',
      'consent_state',
      'record',
      'request',
      'feed_event',
      'webhook',
      'webhook_delivery',
      'delivery_attempt',
      'audit_entry',
      'tombstone',
    ]) {
      expect(counted[type], type).toBeGreaterThan(0);
    }
    // The export itself is audit-logged before it is read, so the audit lines include it.
    expect(header.counts).toMatchObject({ subject: 1, record: 2 });
  });

  it("decrypts the tenant's personal data for its admin key", async () => {
    const { lines } = await exportWith(tenant.secretKey);
    const subject = lines.find((l) => l.type === 'subject')!.data!;
    expect(subject).toMatchObject({
      externalId: 'cust-a',
      email: 'klant.a@example.nl',
      phone: '+31611111111',
      attributes: { city: 'Utrecht' },
      restricted: false,
    });
    expect(lines.filter((l) => l.type === 'record').map((l) => l.data!.data)).toEqual(
      expect.arrayContaining([{ total: 12.5 }, { total: 3 }]),
    );
    expect(lines.find((l) => l.type === 'consent_event')!.data).toMatchObject({
      ipTruncated: '192.0.2.0',
      userAgent: 'Mozilla/5.0',
      gpc: false,
    });
  });

  it('leaves personal fields out for an audit:read key, and includes them when it also has pii:read', async () => {
    const auditor = await (
      await t.call('POST', '/v1/keys', {
        token: tenant.secretKey,
        body: { scopes: ['audit:read'] },
      })
    ).json();
    const plain = await exportWith(auditor.secretKey);
    expect(plain.res.status).toBe(200);
    expect(plain.lines[0].personalData).toBe(false);
    expect(plain.text).not.toContain('klant.a@example.nl');
    expect(plain.text).not.toContain('Utrecht');
    expect(plain.text).not.toContain('192.0.2.0');
    const withPii = await (
      await t.call('POST', '/v1/keys', {
        token: tenant.secretKey,
        body: { scopes: ['audit:read', 'pii:read'] },
      })
    ).json();
    expect((await exportWith(withPii.secretKey)).text).toContain('klant.a@example.nl');
    const feed = await (
      await t.call('POST', '/v1/keys', {
        token: tenant.secretKey,
        body: { scopes: ['feed:read', 'pii:read'] },
      })
    ).json();
    expect((await t.call('GET', '/v1/export', { token: feed.secretKey })).status).toBe(403);
  });

  it('never contains secrets or ciphertexts, nor anything of another tenant', async () => {
    const { text } = await exportWith(tenant.secretKey);
    const keyHashes = await t.ctx.db.selectFrom('api_keys').select('key_hash').execute();
    for (const { key_hash: hash } of keyHashes) expect(text).not.toContain(hash);
    expect(text).not.toContain('whsec_test');
    expect(text).not.toMatch(/"v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+"/);
    expect(text).not.toContain(tenant.secretKey);
    expect(text).not.toContain(other.tenantId);
    expect(text).not.toContain('klant.b@example.nl');
    expect(text).not.toContain('csrf');
  });

  it('pages through more rows than one batch without skipping or repeating one (composite keys too)', async () => {
    const at = t.ctx.clock.now().toISOString();
    const subjects = Array.from({ length: 1100 }, (_, i) => ({
      id: `sub_bulk${String(i).padStart(5, '0')}`,
      tenant_id: tenant.tenantId,
      external_id: `bulk-${i}`,
      email_enc: null,
      email_hash: null,
      phone_enc: null,
      phone_hash: null,
      attributes_enc: null,
      restricted: 0 as const,
      restriction_reason: null,
      objected_at: null,
      created_at: at,
      updated_at: at,
      last_activity_at: at,
      merged_into: null,
    }));
    const states = subjects.flatMap((s) =>
      ['email', 'sms'].map((channel) => ({
        tenant_id: tenant.tenantId,
        subject_id: s.id,
        purpose: 'newsletter',
        channel,
        status: 'granted' as const,
        event_seq: 1,
        config_version: 1,
        source: 'api',
        updated_at: at,
        expires_at: null,
      })),
    );
    for (let i = 0; i < subjects.length; i += 200)
      await t.ctx.db
        .insertInto('subjects')
        .values(subjects.slice(i, i + 200))
        .execute();
    for (let i = 0; i < states.length; i += 200)
      await t.ctx.db
        .insertInto('consent_state')
        .values(states.slice(i, i + 200))
        .execute();
    const { lines } = await exportWith(tenant.secretKey);
    // populateTenant leaves one subject (the other is erased) next to the 1,100 added here.
    const exportedSubjects = lines
      .filter((l) => l.type === 'subject')
      .map((l) => l.data!.id as string);
    expect(exportedSubjects).toHaveLength(1101);
    expect(new Set(exportedSubjects).size).toBe(1101);
    const stateKeys = lines
      .filter((l) => l.type === 'consent_state')
      .map((l) => `${l.data!.subjectId}/${l.data!.purpose}/${l.data!.channel}`);
    expect(new Set(stateKeys).size).toBe(stateKeys.length);
    expect(stateKeys.filter((k) => k.startsWith('sub_bulk'))).toHaveLength(2200);
  });

  it('logs the export in the audit log', async () => {
    await exportWith(tenant.secretKey);
    const entry = await t.ctx.db
      .selectFrom('audit_log')
      .selectAll()
      .where('tenant_id', '=', tenant.tenantId)
      .where('action', '=', 'tenant.exported')
      .executeTakeFirstOrThrow();
    expect(entry.actor).toMatch(/^key_/);
  });
});
