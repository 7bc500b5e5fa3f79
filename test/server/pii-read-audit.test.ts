// Reads of personal data are audited (GDPR-52): a pii:read answer about a subject, an
// audience pull with e-mail and phone, and an export download each leave an entry with
// the key, the subject id (or the audience selection) and the fields, never the data.
import { describe, expect } from 'vitest';
import { dialects } from '../helpers/db.js';
import { type TestApp, type TestTenant } from '../helpers/app.js';
import { it } from '../helpers/app-fixture.js';
import { seedSubject } from '../helpers/subject-fixtures.js';

interface Entry {
  actor: string;
  action: string;
  target: string | null;
  details: Record<string, unknown>;
}

const EMAIL = 'lotte.devries@example.nl';
const PHONE = '+31687654321';

describe.each(dialects)('audited reads of personal data on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  let subjectId: string;
  const key = async (scopes: string[]) =>
    (await (
      await t.call('POST', '/v1/keys', { token: tenant.secretKey, body: { scopes } })
    ).json()) as { id: string; secretKey: string };
  const entries = async (action: string): Promise<Entry[]> => {
    const page = (await (
      await t.call('GET', '/v1/audit?limit=1000', { token: tenant.secretKey })
    ).json()) as { entries: Entry[] };
    return page.entries.filter((e) => e.action === action);
  };
  const noPersonalData = async () => {
    const all = JSON.stringify(
      await (await t.call('GET', '/v1/audit?limit=1000', { token: tenant.secretKey })).json(),
    );
    expect(all).not.toContain(EMAIL);
    expect(all).not.toContain(PHONE);
    expect(all).not.toContain('Utrecht');
  };
  it.override({ dialect });
  it.beforeEach(async ({ app, tenant: made }) => {
    t = app;
    tenant = made;
    subjectId = await seedSubject(t.ctx, tenant.tenantId, {
      externalId: 'crm-77',
      email: EMAIL,
      phone: PHONE,
      attributes: { city: 'Utrecht' },
      consents: { newsletter: { email: true } },
    });
  });

  it('GDPR-52: a subject answer with personal fields is audited with key, subject id and fields; one without them is not', async () => {
    const reader = await key(['subjects:read']);
    const piiReader = await key(['subjects:read', 'pii:read']);
    expect((await t.call('GET', '/v1/subjects/crm-77', { token: reader.secretKey })).status).toBe(
      200,
    );
    expect(await entries('subject.pii_read')).toEqual([]);
    const res = await t.call('GET', '/v1/subjects/crm-77', { token: piiReader.secretKey });
    expect((await res.json()).identities.email).toBe(EMAIL);
    expect(await entries('subject.pii_read')).toEqual([
      expect.objectContaining({
        actor: piiReader.id,
        target: subjectId,
        details: { fields: ['email', 'phone', 'attributes'], via: 'GET /v1/subjects/{externalId}' },
      }),
    ]);
    const writer = await key(['subjects:write', 'pii:read']);
    expect(
      (
        await t.call('PUT', '/v1/subjects/crm-77', {
          token: writer.secretKey,
          body: { attributes: { city: 'Utrecht' } },
        })
      ).status,
    ).toBe(200);
    expect((await entries('subject.pii_read')).map((e) => e.actor)).toEqual([
      piiReader.id,
      writer.id,
    ]);
    await noPersonalData();
  });

  it('GDPR-52: an audience pull with e-mail and phone is audited with key, purpose and channel; one without them is not', async () => {
    const plain = await key(['feed:read']);
    const pii = await key(['feed:read', 'pii:read']);
    expect(
      await (
        await t.call('GET', '/v1/audience?purpose=newsletter&channel=email', {
          token: plain.secretKey,
        })
      ).text(),
    ).not.toContain(EMAIL);
    expect(await entries('audience.pii_read')).toEqual([]);
    expect(
      await (
        await t.call('GET', '/v1/audience?purpose=newsletter&channel=email', {
          token: pii.secretKey,
        })
      ).text(),
    ).toContain(EMAIL);
    const [entry] = await entries('audience.pii_read');
    expect(entry).toMatchObject({
      actor: pii.id,
      target: 'newsletter',
      details: { purpose: 'newsletter', channel: 'email', fields: ['email', 'phone'] },
    });
    expect(typeof entry.details.asOf).toBe('string');
    await noPersonalData();
  });

  it('GDPR-52: each download of an access export is audited with key, subject id, request id and format', async () => {
    const manager = await key(['requests:manage']);
    const created = await t.call('POST', '/v1/requests', {
      token: manager.secretKey,
      body: { subject: 'crm-77', type: 'access' },
    });
    expect(created.status).toBe(201);
    const request = (await created.json()) as { id: string };
    for (const format of ['json', 'csv']) {
      const res = await t.call('GET', `/v1/requests/${request.id}/export?format=${format}`, {
        token: manager.secretKey,
      });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain(EMAIL);
    }
    expect(await entries('request.export_read')).toEqual([
      expect.objectContaining({
        actor: manager.id,
        target: subjectId,
        details: { requestId: request.id, format: 'json' },
      }),
      expect.objectContaining({
        actor: manager.id,
        target: subjectId,
        details: { requestId: request.id, format: 'csv' },
      }),
    ]);
    await noPersonalData();
  });
});
