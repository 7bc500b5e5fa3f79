// A banner consent for a visitor that another transaction links to a subject at the same
// moment (a tool's PUT /v1/subjects with visitorIds does not take the ledger head): the
// consent's write read no link, and its own link meets the other's unique key. It must
// then be recorded on the linked subject, not end in a 500.
import crypto from 'node:crypto';
import SQLite from 'better-sqlite3';
import { describe, expect } from 'vitest';
import { visitorHash } from '../../server/services/subjects/subjects-core.js';
import { dialects } from '../helpers/db.js';
import { it } from '../helpers/app-fixture.js';
import type { TestApp } from '../helpers/app.js';

/** An open write transaction on a connection of its own, holding the visitor's link until commit(). */
async function linkUncommitted(
  t: TestApp,
  tenantId: string,
  visitorId: string,
  subjectId: string,
): Promise<{ commit(): Promise<void> }> {
  const at = new Date().toISOString();
  const subject = [subjectId, tenantId, 'crm-42', 0, at, at, at];
  const link = [tenantId, visitorHash(visitorId), subjectId, at];
  const insertSubject =
    'INSERT INTO subjects (id, tenant_id, external_id, restricted, created_at, updated_at, last_activity_at) VALUES';
  const insertLink =
    'INSERT INTO subject_visitors (tenant_id, visitor_hash, subject_id, created_at) VALUES';
  if (t.ctx.store.pgPool) {
    const client = await t.ctx.store.pgPool.connect();
    await client.query('BEGIN');
    await client.query(`${insertSubject} ($1, $2, $3, $4, $5, $6, $7)`, subject);
    await client.query(`${insertLink} ($1, $2, $3, $4)`, link);
    return {
      async commit() {
        await client.query('COMMIT');
        client.release();
      },
    };
  }
  const other = new SQLite(t.testStore.file!);
  other.exec('BEGIN IMMEDIATE');
  other.prepare(`${insertSubject} (?, ?, ?, ?, ?, ?, ?)`).run(...subject);
  other.prepare(`${insertLink} (?, ?, ?, ?)`).run(...link);
  return {
    async commit() {
      other.exec('COMMIT');
      other.close();
    },
  };
}

describe.each(dialects)('a visitor linked while its consent is written, on %s', (dialect) => {
  it.override({ dialect });

  it('GDPR-04: the consent is recorded on the subject the visitor was linked to, with 201', async ({
    app: t,
    tenant,
  }) => {
    const consent = (visitorId: string) =>
      t.call('POST', '/v1/consents', {
        body: {
          key: tenant.publicKey,
          visitorId,
          decisions: { necessary: true, analytics: true },
          configVersion: 1,
          locale: 'nl',
          source: 'banner',
          gpc: false,
          clientEventId: `ce_${crypto.randomBytes(12).toString('hex')}`,
        },
        headers: { origin: 'https://shop.example' },
      });
    // A first consent makes the signing key and starts the writer, so neither waits on the held lock below.
    expect((await consent('v_warm-up-visitor-0123456789')).status).toBe(201);
    const visitorId = `v_${crypto.randomBytes(16).toString('base64url')}`;
    const subjectId = `sub_race${crypto.randomBytes(8).toString('hex')}`;
    const held = await linkUncommitted(t, tenant.tenantId, visitorId, subjectId);
    const pending = consent(visitorId);
    // Long enough for the write to read no link and wait on the other's (PostgreSQL) or on the file's write lock (SQLite).
    await new Promise((resolve) => setTimeout(resolve, 500));
    await held.commit();
    const res = await pending;
    expect(res.status).toBe(201);
    const answer = (await res.json()) as { receipt: string };
    const payload = JSON.parse(
      Buffer.from(answer.receipt.split('.')[1], 'base64url').toString(),
    ) as { sub: string };
    expect(payload.sub).toBe(subjectId);
    const events = await t.ctx.db
      .selectFrom('consent_events')
      .select('subject_id')
      .where('tenant_id', '=', tenant.tenantId)
      .orderBy('seq', 'desc')
      .limit(2)
      .execute();
    expect(events.map((e) => e.subject_id)).toEqual([subjectId, subjectId]);
    // No second subject was left behind for the visitor: the warm-up's and the linked one.
    const subjects = await t.ctx.db
      .selectFrom('subjects')
      .select('id')
      .where('tenant_id', '=', tenant.tenantId)
      .execute();
    expect(subjects).toHaveLength(2);
  });
});
