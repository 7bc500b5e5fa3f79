// A tenant with a row in every table that can hold one (subjects with personal data,
// ledger, records, requests, tombstones, webhooks and deliveries, tokens, sessions,
// outbox, idempotency), for the export and offboarding tests; and a way to list
// every table of the database, whatever migrations added it.
import { sql, type Kysely } from 'kysely';
import type { Dialect } from '../../server/db/create-db.js';
import type { Database } from '../../server/db/database.js';
import type { AppContext } from '../../server/context.js';
import { newId, sha256Hex } from '../../server/ids.js';
import { sealJson } from '../../server/services/subjects/personal-data.js';
import type { TestApp, TestTenant } from './app.js';
import { seedSubject } from './subject-fixtures.js';

export async function populateTenant(
  t: TestApp,
  tenant: TestTenant,
  tag: string,
): Promise<{ subjectId: string; email: string }> {
  const ctx: AppContext = t.ctx;
  const email = `klant.${tag}@example.nl`;
  const subjectId = await seedSubject(ctx, tenant.tenantId, {
    externalId: `cust-${tag}`,
    email,
    phone: '+31611111111',
    attributes: { city: 'Utrecht' },
    records: { orders: [{ total: 12.5 }, { total: 3 }] },
    visitorId: `v_${tag}_0123456789abcdef`,
    consents: { analytics: true, newsletter: { email: true } },
    userAgent: 'Mozilla/5.0',
    ipTruncated: '192.0.2.0',
  });
  await seedSubject(ctx, tenant.tenantId, {
    externalId: `gone-${tag}`,
    email: `gone.${tag}@example.nl`,
  });
  const erased = await t.call('POST', '/v1/requests', {
    token: tenant.secretKey,
    body: { subject: `gone-${tag}`, type: 'erasure', scope: { all: true } },
  });
  if (erased.status !== 201)
    throw new Error(`erasure failed: ${erased.status} ${await erased.text()}`);
  const at = ctx.clock.now().toISOString();
  const webhookId = newId('wh');
  await ctx.db
    .insertInto('webhooks')
    .values({
      id: webhookId,
      tenant_id: tenant.tenantId,
      url: 'https://hooks.example/akkoord',
      types: '[]',
      secret_enc: ctx.keyring.encrypt('whsec_test'),
      created_at: at,
      disabled_at: null,
      feed_cursor: 0,
    })
    .execute();
  const deliveryId = newId('msg');
  await ctx.db
    .insertInto('webhook_deliveries')
    .values({
      id: deliveryId,
      tenant_id: tenant.tenantId,
      webhook_id: webhookId,
      event_id: 'evt_x',
      event_seq: 1,
      payload: '{}',
      status: 'delivered',
      attempts: 1,
      next_attempt_at: at,
      last_status_code: 200,
      created_at: at,
      delivered_at: at,
    })
    .execute();
  await ctx.db
    .insertInto('delivery_attempts')
    .values({
      delivery_id: deliveryId,
      tenant_id: tenant.tenantId,
      attempt: 1,
      attempted_at: at,
      status_code: 200,
      error: null,
    })
    .execute();
  await ctx.db
    .insertInto('tokens')
    .values({
      token_hash: sha256Hex(`${tag}-token`),
      tenant_id: tenant.tenantId,
      kind: 'preferences',
      subject_id: subjectId,
      data: '{}',
      expires_at: null,
      used_at: null,
      created_at: at,
    })
    .execute();
  await ctx.db
    .insertInto('sessions')
    .values({
      id_hash: sha256Hex(`${tag}-session`),
      tenant_id: tenant.tenantId,
      subject_id: subjectId,
      csrf_token: 'csrf',
      expires_at: at,
      created_at: at,
      assurance: 'high',
      via: 'login',
    })
    .execute();
  await ctx.db
    .insertInto('outbox')
    .values({
      id: newId('mail'),
      tenant_id: tenant.tenantId,
      subject_id: subjectId,
      to_enc: ctx.keyring.encrypt(email),
      subject: 'Welkom',
      body_enc: sealJson(ctx.keyring, { text: 'hallo' }),
      created_at: at,
      sent_at: null,
      status: 'kept',
      attempts: 0,
      next_attempt_at: null,
      last_error: null,
    })
    .execute();
  await ctx.db
    .insertInto('idempotency_keys')
    .values({
      tenant_id: tenant.tenantId,
      owner: `b:${subjectId}`,
      client_event_id: `ce-${tag}`,
      response: '{}',
      created_at: at,
    })
    .execute();
  return { subjectId, email };
}

/** A test app, or just its store: what the schema helpers below read. */
export type WithDatabase = { ctx: { store: { dialect: Dialect }; db: Kysely<Database> } };

/** Every table in the test database, from the database itself (so a table added by a later migration counts too). */
export async function listTables(t: WithDatabase): Promise<string[]> {
  const rows =
    t.ctx.store.dialect === 'sqlite'
      ? await sql<{
          name: string;
        }>`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`.execute(
          t.ctx.db,
        )
      : await sql<{
          name: string;
        }>`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()`.execute(
          t.ctx.db,
        );
  return rows.rows
    .map((r) => r.name)
    .filter((n) => !n.startsWith('kysely_migration'))
    .sort();
}

export async function columnsOf(t: WithDatabase, table: string): Promise<string[]> {
  const rows =
    t.ctx.store.dialect === 'sqlite'
      ? await sql<{ name: string }>`SELECT name FROM pragma_table_info(${table})`.execute(t.ctx.db)
      : await sql<{
          name: string;
        }>`SELECT column_name AS name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ${table}`.execute(
          t.ctx.db,
        );
  return rows.rows.map((r) => r.name);
}

export async function dumpTable(t: TestApp, table: string): Promise<Record<string, unknown>[]> {
  return (await sql<Record<string, unknown>>`SELECT * FROM ${sql.table(table)}`.execute(t.ctx.db))
    .rows;
}
