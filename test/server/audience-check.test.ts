// Audiences and "may I?" (GET /v1/audience, /v1/check): only people with a live grant, never a
// restricted (GDPR-34, Art. 18), objecting (GDPR-41, Art. 21(3)) or erased (Art. 17)
// one, and the check says why. Restriction, objection and erasure run end to end
// through /v1/requests, and once more by setting the columns directly.
import { beforeEach, describe, expect } from 'vitest';
import { AUDIENCE_BATCH, audienceBatchQuery } from '../../server/services/consent/audience.js';
import { requirePublishedConfig } from '../../server/services/config/config.js';
import { externalIdHash } from '../../server/services/subjects/personal-data.js';
import { newId } from '../../server/ids.js';
import { dialects } from '../helpers/db.js';
import { createTestTenant, fixedClock, type TestApp, type TestTenant } from '../helpers/app.js';
import { it } from '../helpers/app-fixture.js';

describe.each(dialects)('audience and check on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  let feedKey: string;
  let piiKey: string;
  const clock = fixedClock(new Date());
  beforeEach(() => {
    clock.set(new Date());
  });
  it.override({ dialect, appOptions: { clock } });
  it.beforeEach(async ({ app, tenant: made }) => {
    t = app;
    tenant = made;
    const key = async (scopes: string[]) =>
      (
        (await (
          await t.call('POST', '/v1/keys', { token: tenant.secretKey, body: { scopes } })
        ).json()) as { secretKey: string }
      ).secretKey;
    feedKey = await key(['feed:read']);
    piiKey = await key(['feed:read', 'pii:read']);
  });

  async function person(
    externalId: string,
    decisions: Record<string, unknown>,
    extra: Record<string, unknown> = {},
  ) {
    expect(
      (
        await t.call('PUT', `/v1/subjects/${externalId}`, {
          token: tenant.secretKey,
          body: { email: `${externalId}@example.nl`, ...extra },
        })
      ).status,
    ).toBeLessThan(300);
    const res = await t.call('POST', `/v1/subjects/${externalId}/consents`, {
      token: tenant.secretKey,
      body: { decisions },
    });
    expect(res.status).toBe(201);
  }
  async function audience(query: string, token = feedKey) {
    const res = await t.call('GET', `/v1/audience?${query}`, { token });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/x-ndjson');
    const text = await res.text();
    return {
      text,
      lines: text
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    };
  }
  /** External ids, sorted (the stream itself is ordered by subject id). */
  const ids = async (query: string) =>
    (await audience(query)).lines.map((l) => String(l.externalId)).sort();
  const check = async (subject: string, purpose: string, channel?: string) => {
    const res = await t.call(
      'GET',
      `/v1/check?subject=${subject}&purpose=${purpose}${channel ? `&channel=${channel}` : ''}`,
      { token: feedKey },
    );
    expect(res.status).toBe(200);
    return res.json();
  };
  const request = async (subject: string, type: string, scope: Record<string, unknown> = {}) => {
    const res = await t.call('POST', '/v1/requests', {
      token: tenant.secretKey,
      body: { subject, type, scope },
    });
    expect(res.status, await res.clone().text()).toBe(201);
  };

  it('lists exactly the granted, unexpired subjects of a purpose and channel, as NDJSON', async () => {
    await person('granted', { newsletter: { email: true, sms: false } });
    await person('sms-only', { newsletter: { email: false, sms: true } });
    await person('withdrawn', { newsletter: { email: true } });
    await t.call('POST', '/v1/subjects/withdrawn/consents', {
      token: tenant.secretKey,
      body: { decisions: { newsletter: { email: false } } },
    });
    await person('ads', { ads: true });
    expect(await ids('purpose=newsletter&channel=email')).toEqual(['granted']);
    expect(await ids('purpose=newsletter&channel=sms')).toEqual(['sms-only']);
    expect(await ids('purpose=ads')).toEqual(['ads']);
    const { lines } = await audience('purpose=newsletter&channel=email');
    expect(lines[0]).toEqual({ id: expect.stringMatching(/^sub_/), externalId: 'granted' });
  });

  it('GDPR-52: e-mail and phone only with pii:read; feed:read alone never sees an address', async () => {
    await person('crm-1', { newsletter: { email: true } }, { phone: '+31612345678' });
    const plain = await audience('purpose=newsletter&channel=email');
    expect(plain.text).not.toContain('@');
    const withPii = await audience('purpose=newsletter&channel=email', piiKey);
    expect(withPii.lines).toEqual([
      {
        id: expect.any(String),
        externalId: 'crm-1',
        email: 'crm-1@example.nl',
        phone: '+31612345678',
      },
    ]);
  });

  it('leaves out expired consent and check says expired', async () => {
    await person('crm-1', { newsletter: { email: true } });
    expect(await check('crm-1', 'newsletter', 'email')).toEqual({
      allowed: true,
      reason: 'granted',
    });
    clock.advance(366 * 86_400_000);
    expect(await ids('purpose=newsletter&channel=email')).toEqual([]);
    expect(await check('crm-1', 'newsletter', 'email')).toEqual({
      allowed: false,
      reason: 'expired',
    });
  });

  it('streams past one batch by keyset, every subject once', async () => {
    const count = AUDIENCE_BATCH * 2 + 17;
    const now = clock.now().toISOString();
    const subjects = Array.from({ length: count }, (_, i) => ({
      id: newId('sub'),
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
      merged_into: null,
      created_at: now,
      updated_at: now,
      last_activity_at: now,
    }));
    for (let i = 0; i < count; i += 500) {
      await t.ctx.db
        .insertInto('subjects')
        .values(subjects.slice(i, i + 500))
        .execute();
      await t.ctx.db
        .insertInto('consent_state')
        .values(
          subjects.slice(i, i + 500).map((s, j) => ({
            tenant_id: tenant.tenantId,
            subject_id: s.id,
            purpose: 'analytics',
            channel: '',
            status: 'granted' as const,
            event_seq: i + j + 1,
            config_version: 1,
            source: 'import',
            updated_at: now,
            expires_at: null,
          })),
        )
        .execute();
    }
    const listed = await ids('purpose=analytics');
    expect(listed).toHaveLength(count);
    expect(new Set(listed).size).toBe(count);
  });

  it.runIf(dialect === 'sqlite')(
    'reads a batch from one covering index range, then each subject by key (no scan, no sort)',
    async () => {
      const { config } = await requirePublishedConfig(t.ctx.db, tenant.tenantId);
      const purpose = config.purposes.find((p) => p.key === 'newsletter')!;
      const compiled = audienceBatchQuery(
        t.ctx,
        { tenantId: tenant.tenantId, purpose, channel: 'email', pii: false },
        '',
        clock.now().toISOString(),
      ).compile();
      const plan = (
        t.ctx.store
          .sqlite!.prepare(`EXPLAIN QUERY PLAN ${compiled.sql}`)
          .all(...(compiled.parameters as unknown[])) as Array<{ detail: string }>
      ).map((row) => row.detail);
      expect(plan[0]).toMatch(
        /^SEARCH consent_state USING COVERING INDEX consent_state_audience \(tenant_id=\? AND purpose=\? AND channel=\? AND status=\? AND subject_id>\?\)$/,
      );
      expect(plan[1]).toMatch(/^SEARCH subjects USING INDEX .*\(id=\?\)$/);
      expect(plan.join('\n')).not.toMatch(/SCAN|TEMP B-TREE/);
    },
  );

  it('GDPR-34 GDPR-41: restriction, objection and erasure through /v1/requests remove people from the audience and check says why', async () => {
    for (const id of ['keep', 'restrict', 'object', 'erase'])
      await person(id, { newsletter: { email: true }, analytics: true });
    expect(await ids('purpose=newsletter&channel=email')).toEqual([
      'erase',
      'keep',
      'object',
      'restrict',
    ]);

    await request('restrict', 'restriction', { reason: 'accuracy_contested' });
    await request('object', 'objection');
    await request('erase', 'erasure', { all: true });

    expect(await ids('purpose=newsletter&channel=email')).toEqual(['keep']);
    expect(await check('keep', 'newsletter', 'email')).toEqual({
      allowed: true,
      reason: 'granted',
    });
    expect(await check('restrict', 'newsletter', 'email')).toEqual({
      allowed: false,
      reason: 'restricted',
    });
    expect(await check('object', 'newsletter', 'email')).toEqual({
      allowed: false,
      reason: 'objected',
    });
    expect(await check('erase', 'newsletter', 'email')).toEqual({
      allowed: false,
      reason: 'erased',
    });
    // Restriction stops all processing; an objection to direct marketing leaves non-marketing purposes alone.
    expect(await check('restrict', 'analytics')).toEqual({ allowed: false, reason: 'restricted' });
    expect(await check('object', 'analytics')).toEqual({ allowed: true, reason: 'granted' });
    expect(await ids('purpose=analytics')).toEqual(['keep', 'object']);

    // Art. 19: tools hear of each through the feed, with no personal data.
    const feed = await (
      await t.call(
        'GET',
        '/v1/feed?limit=1000&types=subject.restricted,subject.objected,subject.erased',
        { token: feedKey },
      )
    ).text();
    expect((JSON.parse(feed).events as Array<{ type: string }>).map((e) => e.type).sort()).toEqual([
      'subject.erased',
      'subject.objected',
      'subject.restricted',
    ]);
    expect(feed).not.toContain('@');

    await request('restrict', 'lift_restriction');
    expect(await check('restrict', 'newsletter', 'email')).toEqual({
      allowed: true,
      reason: 'granted',
    });
  });

  it('GDPR-34 GDPR-41: the same with the subject columns set directly (restricted, objected_at, delete + tombstone)', async () => {
    for (const id of ['keep', 'restrict', 'object', 'erase']) await person(id, { ads: true });
    await t.ctx.db
      .updateTable('subjects')
      .set({ restricted: 1, restriction_reason: 'legal_claims' })
      .where('external_id', '=', 'restrict')
      .execute();
    await t.ctx.db
      .updateTable('subjects')
      .set({ objected_at: clock.now().toISOString() })
      .where('external_id', '=', 'object')
      .execute();
    const erased = await t.ctx.db
      .selectFrom('subjects')
      .select('id')
      .where('external_id', '=', 'erase')
      .executeTakeFirstOrThrow();
    await t.ctx.db.deleteFrom('subjects').where('id', '=', erased.id).execute();
    const tombstoneId = newId('tomb');
    const key = `external:${externalIdHash(t.ctx.keyring, 'erase')}`;
    await t.ctx.db
      .insertInto('tombstones')
      .values({
        id: tombstoneId,
        tenant_id: tenant.tenantId,
        subject_id: erased.id,
        identifier_hashes: JSON.stringify([key]),
        request_id: null,
        erased_at: clock.now().toISOString(),
      })
      .execute();
    await t.ctx.db
      .insertInto('tombstone_identifiers')
      .values({ tenant_id: tenant.tenantId, identifier_hash: key, tombstone_id: tombstoneId })
      .execute();

    expect(await ids('purpose=ads')).toEqual(['keep']);
    expect(await check('restrict', 'ads')).toEqual({ allowed: false, reason: 'restricted' });
    expect(await check('object', 'ads')).toEqual({ allowed: false, reason: 'objected' });
    expect(await check('erase', 'ads')).toEqual({ allowed: false, reason: 'erased' });
  });

  it('check gives every consent reason', async () => {
    await person('denied', { newsletter: { email: false } });
    await person('withdrawn', { newsletter: { email: true } });
    await t.call('POST', '/v1/subjects/withdrawn/consents', {
      token: tenant.secretKey,
      body: { decisions: { newsletter: { email: false } } },
    });
    await person('none', {});
    await t.call('POST', '/v1/subjects/pending/consents', {
      token: tenant.secretKey,
      body: { decisions: { newsletter: { email: true } } },
    });
    await t.call('PUT', '/v1/subjects/pending', {
      token: tenant.secretKey,
      body: { email: 'pending@example.nl' },
    });
    await t.call('POST', '/v1/subjects/pending/consents', {
      token: tenant.secretKey,
      body: { decisions: { newsletter: { sms: true } }, doubleOptIn: true },
    });

    expect(await check('denied', 'newsletter', 'email')).toEqual({
      allowed: false,
      reason: 'denied',
    });
    expect(await check('withdrawn', 'newsletter', 'email')).toEqual({
      allowed: false,
      reason: 'withdrawn',
    });
    expect(await check('none', 'newsletter', 'email')).toEqual({
      allowed: false,
      reason: 'no_consent',
    });
    expect(await check('pending', 'newsletter', 'sms')).toEqual({
      allowed: false,
      reason: 'pending',
    });
    expect(await check('nobody', 'newsletter', 'email')).toEqual({
      allowed: false,
      reason: 'unknown_subject',
    });
    // A required website purpose needs no recorded choice.
    expect(await check('none', 'necessary')).toEqual({ allowed: true, reason: 'granted' });
    expect(await ids('purpose=newsletter&channel=sms')).toEqual([]);
  });

  it('unknown purposes and channels are 4xx on both endpoints', async () => {
    for (const path of [
      '/v1/audience?purpose=tracking',
      '/v1/audience?purpose=newsletter',
      '/v1/audience?purpose=newsletter&channel=push',
      '/v1/audience?purpose=analytics&channel=email',
      '/v1/check?subject=a&purpose=tracking',
      '/v1/check?subject=a&purpose=newsletter',
    ]) {
      expect((await t.call('GET', path, { token: feedKey })).status, path).toBe(422);
    }
    for (const path of [
      '/v1/audience?purpose=newsletter&channel=fax',
      '/v1/audience',
      '/v1/check?purpose=ads',
      '/v1/check?subject=a&purpose=ads&channel=fax',
    ]) {
      expect((await t.call('GET', path, { token: feedKey })).status, path).toBe(400);
    }
  });

  it('keeps tenants apart and needs feed:read', async () => {
    await person('crm-1', { newsletter: { email: true } });
    const other = await createTestTenant(t);
    const theirs = await t.call('GET', '/v1/audience?purpose=newsletter&channel=email', {
      token: other.secretKey,
    });
    expect(await theirs.text()).toBe('');
    const checked = await t.call(
      'GET',
      '/v1/check?subject=crm-1&purpose=newsletter&channel=email',
      { token: other.secretKey },
    );
    expect(await checked.json()).toEqual({ allowed: false, reason: 'unknown_subject' });
    const res = await t.call('POST', '/v1/keys', {
      token: tenant.secretKey,
      body: { scopes: ['subjects:read'] },
    });
    const noFeed = ((await res.json()) as { secretKey: string }).secretKey;
    expect((await t.call('GET', '/v1/audience?purpose=ads', { token: noFeed })).status).toBe(403);
    expect(
      (await t.call('GET', '/v1/check?subject=crm-1&purpose=ads', { token: noFeed })).status,
    ).toBe(403);
  });
});
