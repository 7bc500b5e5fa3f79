// The ledger core: recordConsent on every dialect (GDPR-04 demonstrability, GDPR-09
// withdrawal keeps both events).
import { describe, expect } from 'vitest';
import { recordConsent } from '../../server/services/consent/consent-write.js';
import { decisionsToChanges } from '../../server/services/consent/record-consent.js';
import { findOrCreateVisitorSubject } from '../../server/services/subjects/subjects-core.js';
import { eventHash } from '../../server/services/ledger/ledger-hash.js';
import { GENESIS_HASH } from '../../server/services/ledger/ledger-head.js';
import { demoConfig } from '../../server/services/config/demo.js';
import { dialects } from '../helpers/db.js';
import { type TestApp, type TestTenant } from '../helpers/app.js';
import { it } from '../helpers/app-fixture.js';

describe.each(dialects)('recordConsent on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  it.override({ dialect });
  it.beforeEach(({ app, tenant: made }) => {
    t = app;
    tenant = made;
  });

  async function visitor(id = 'v_test') {
    return t.ctx.db
      .transaction()
      .execute((trx) =>
        findOrCreateVisitorSubject(trx, tenant.tenantId, id, new Date().toISOString()),
      );
  }

  it('GDPR-04: appends chained events, updates the state and feeds consent.updated', async () => {
    const subjectId = await visitor();
    const config = demoConfig('https://shop.example');
    const changes = decisionsToChanges(
      config,
      { necessary: true, analytics: true, ads: false },
      [],
    );
    const first = await recordConsent(t.ctx, {
      tenantId: tenant.tenantId,
      subjectId,
      configVersion: 1,
      locale: 'nl',
      source: 'banner',
      changes,
    });
    expect(first.events.map((e) => [e.purpose, e.status])).toEqual([
      ['necessary', 'granted'],
      ['analytics', 'granted'],
      ['ads', 'denied'],
    ]);
    expect(first.state).toEqual({ necessary: 'granted', analytics: 'granted', ads: 'denied' });

    const rows = await t.ctx.db.selectFrom('consent_events').selectAll().orderBy('seq').execute();
    expect(rows[0].prev_hash).toBe(GENESIS_HASH);
    for (const [i, row] of rows.entries()) {
      if (i > 0) expect(row.prev_hash).toBe(rows[i - 1].hash);
      expect(eventHash(row)).toBe(row.hash);
      expect(row.notice_hash).toMatch(/^[0-9a-f]{64}$/);
    }
    const feed = await t.ctx.db.selectFrom('feed_events').selectAll().execute();
    expect(feed).toHaveLength(1);
    expect(JSON.parse(feed[0].data)).toEqual({
      state: { necessary: 'granted', analytics: 'granted', ads: 'denied' },
      source: 'banner',
      configVersion: 1,
    });
  });

  it('GDPR-09: a later false withdraws a grant and keeps both events; unchanged decisions add nothing', async () => {
    const subjectId = await visitor();
    const config = demoConfig('https://shop.example');
    const base = {
      tenantId: tenant.tenantId,
      subjectId,
      configVersion: 1,
      locale: 'en',
      source: 'banner' as const,
    };
    await recordConsent(t.ctx, {
      ...base,
      changes: decisionsToChanges(config, { analytics: true }, []),
    });
    const rows = await t.ctx.db.selectFrom('consent_state').selectAll().execute();
    const second = await recordConsent(t.ctx, {
      ...base,
      changes: decisionsToChanges(config, { analytics: false, newsletter: { email: true } }, rows),
    });
    expect(second.changed).toEqual({ analytics: 'withdrawn', newsletter: { email: 'granted' } });
    const same = await recordConsent(t.ctx, {
      ...base,
      changes: decisionsToChanges(
        config,
        { analytics: false },
        await t.ctx.db.selectFrom('consent_state').selectAll().execute(),
      ),
    });
    expect(same.events).toEqual([]);
    const events = await t.ctx.db
      .selectFrom('consent_events')
      .select(['purpose', 'status'])
      .orderBy('seq')
      .execute();
    expect(events).toEqual([
      { purpose: 'analytics', status: 'granted' },
      { purpose: 'analytics', status: 'withdrawn' },
      { purpose: 'newsletter', status: 'granted' },
    ]);
  });

  it('refuses unknown purposes, unknown channels and a refused required purpose', () => {
    const config = demoConfig('https://shop.example');
    expect(() => decisionsToChanges(config, { tracking: true }, [])).toThrow(/Unknown purpose/);
    expect(() => decisionsToChanges(config, { newsletter: { fax: true } }, [])).toThrow(
      /no channel/,
    );
    expect(() => decisionsToChanges(config, { necessary: false }, [])).toThrow(/required/);
  });

  it('serialises concurrent writers into one unbroken chain', async () => {
    const config = demoConfig('https://shop.example');
    const subjects = await Promise.all(Array.from({ length: 20 }, (_, i) => visitor(`v_${i}`)));
    await Promise.all(
      subjects.map((subjectId) =>
        recordConsent(t.ctx, {
          tenantId: tenant.tenantId,
          subjectId,
          configVersion: 1,
          locale: 'nl',
          source: 'banner',
          changes: decisionsToChanges(config, { analytics: true, ads: true }, []),
        }),
      ),
    );
    const rows = await t.ctx.db.selectFrom('consent_events').selectAll().orderBy('seq').execute();
    expect(rows.map((r) => r.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    for (const [i, row] of rows.entries()) if (i > 0) expect(row.prev_hash).toBe(rows[i - 1].hash);
    const feed = await t.ctx.db.selectFrom('feed_events').select('seq').orderBy('seq').execute();
    expect(feed.map((r) => r.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });
});
