// The console's people: staff members (e-mail encrypted, found by keyed hash), their
// role per tenant, one-time sign-in links, passkeys (WebAuthn) with their one-time
// challenges, and sessions; a name for secret keys, so the
// audit log can say which integration acted; and for a request registered by hand, the
// channel it came by and how the person's identity was checked (Art. 12(6)); and a
// pause for webhooks.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('staff')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email_enc', 'text', (c) => c.notNull())
    .addColumn('email_hash', 'text', (c) => c.notNull().unique())
    .addColumn('name_enc', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('staff_roles')
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('staff_id', 'text', (c) => c.notNull().references('staff.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('staff_roles_pk', ['tenant_id', 'staff_id'])
    .execute();
  await db.schema.createIndex('staff_roles_staff').on('staff_roles').column('staff_id').execute();

  await db.schema
    .createTable('staff_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('staff_id', 'text', (c) => c.notNull().references('staff.id').onDelete('cascade'))
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('staff_tokens_staff').on('staff_tokens').column('staff_id').execute();

  await db.schema
    .createTable('staff_sessions')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('staff_id', 'text', (c) => c.notNull().references('staff.id').onDelete('cascade'))
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('staff_sessions_staff')
    .on('staff_sessions')
    .column('staff_id')
    .execute();

  await db.schema
    .createTable('staff_passkeys')
    /** The credential id (base64url), unique across authenticators. */
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('staff_id', 'text', (c) => c.notNull().references('staff.id').onDelete('cascade'))
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('counter', 'integer', (c) => c.notNull())
    .addColumn('transports', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_used_at', 'text')
    .execute();
  await db.schema
    .createIndex('staff_passkeys_staff')
    .on('staff_passkeys')
    .column('staff_id')
    .execute();

  await db.schema
    .createTable('staff_challenges')
    .addColumn('challenge', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('staff_id', 'text')
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema.alterTable('api_keys').addColumn('name', 'text').execute();
  await db.schema.alterTable('webhooks').addColumn('paused_at', 'text').execute();
  await db.schema.alterTable('requests').addColumn('channel', 'text').execute();
  await db.schema.alterTable('requests').addColumn('identity_check', 'text').execute();
  // The audit log filters by actor and action within a tenant; seq keeps the order.
  await db.schema
    .createIndex('audit_log_actor')
    .on('audit_log')
    .columns(['tenant_id', 'actor', 'seq'])
    .execute();
  await db.schema
    .createIndex('audit_log_target')
    .on('audit_log')
    .columns(['tenant_id', 'target', 'seq'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('audit_log_target').execute();
  await db.schema.dropIndex('audit_log_actor').execute();
  await db.schema.alterTable('requests').dropColumn('identity_check').execute();
  await db.schema.alterTable('requests').dropColumn('channel').execute();
  await db.schema.alterTable('webhooks').dropColumn('paused_at').execute();
  await db.schema.alterTable('api_keys').dropColumn('name').execute();
  for (const table of [
    'staff_challenges',
    'staff_passkeys',
    'staff_sessions',
    'staff_tokens',
    'staff_roles',
    'staff',
  ])
    await db.schema.dropTable(table).execute();
}
