// The whole tenant as NDJSON (GET /v1/export; data portability for the customer
// itself, and its last copy before offboarding). Rows are read in keyset-paged
// batches per table and yielded one line at a time, so memory stays flat however
// large the tenant is. Personal fields are decrypted: it is the tenant's own data.
//
// Format, version 1 (persisted formats are versioned):
//   {"type":"header","format":"akkoord-tenant-export","version":1,"tenantId":...,"exportedAt":...,"counts":{...}}
//   {"type":"<section>","data":{...}}      one line per row, sections in the order below
//   {"type":"end","counts":{...}}          written last: a file without it is incomplete
import { sql, type Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Database } from '../../db/database.js';
import { openJson } from '../subjects/personal-data.js';

export const EXPORT_FORMAT = 'akkoord-tenant-export';
export const EXPORT_VERSION = 1;
const BATCH = 1000;

type Row = Record<string, unknown>;
type Keyring = AppContext['keyring'];

interface Section {
  /** The `type` of each line. */
  type: string;
  table: keyof Database;
  /** A unique ordering within the tenant, for keyset paging. */
  keys: string[];
  /** Only these columns leave the database (never key hashes, webhook secrets). */
  columns: string[];
  present(row: Row, open: Opener): Row;
}

interface Opener {
  keyring: Keyring;
  /** false: personal fields are left out (a key without pii:read). */
  personal: boolean;
}

const camel = (name: string) => name.replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase());
const json = (value: unknown) =>
  typeof value === 'string' ? (JSON.parse(value) as unknown) : null;

function camelize(row: Row, skip: string[] = []): Row {
  const out: Row = {};
  for (const [key, value] of Object.entries(row))
    if (!skip.includes(key) && key !== 'tenant_id') out[camel(key)] = value;
  return out;
}

function decrypt(open: Opener, sealed: unknown): string | null {
  return open.personal && typeof sealed === 'string' ? open.keyring.decrypt(sealed) : null;
}

const sections: Section[] = [
  {
    type: 'tenant',
    table: 'tenants',
    keys: ['id'],
    columns: [
      'id',
      'name',
      'allowed_origins',
      'public_key',
      'settings',
      'status',
      'delete_after',
      'created_at',
    ],
    present: (r) => ({
      ...camelize(r, ['allowed_origins', 'settings']),
      allowedOrigins: json(r.allowed_origins),
      settings: json(r.settings),
    }),
  },
  {
    type: 'api_key',
    table: 'api_keys',
    keys: ['id'],
    columns: ['id', 'prefix', 'scopes', 'created_at', 'revoked_at'],
    present: (r) => ({ ...camelize(r, ['scopes']), scopes: json(r.scopes) }),
  },
  {
    type: 'config_version',
    table: 'config_versions',
    keys: ['version'],
    columns: ['version', 'config', 'notice_hashes', 'material_version', 'created_at'],
    present: (r) => ({
      ...camelize(r, ['config', 'notice_hashes']),
      config: json(r.config),
      noticeHashes: json(r.notice_hashes),
    }),
  },
  {
    type: 'ledger_head',
    table: 'ledger_heads',
    keys: ['tenant_id'],
    columns: ['tenant_id', 'ledger_seq', 'ledger_hash', 'feed_seq', 'audit_seq'],
    present: (r) => camelize(r),
  },
  {
    type: 'subject',
    table: 'subjects',
    keys: ['id'],
    columns: [
      'id',
      'external_id',
      'email_enc',
      'phone_enc',
      'attributes_enc',
      'restricted',
      'restriction_reason',
      'objected_at',
      'merged_into',
      'created_at',
      'updated_at',
      'last_activity_at',
    ],
    present: (r, open) => ({
      ...camelize(r, ['email_enc', 'phone_enc', 'attributes_enc', 'restricted']),
      restricted: r.restricted === 1,
      ...(open.personal
        ? {
            email: decrypt(open, r.email_enc),
            phone: decrypt(open, r.phone_enc),
            attributes: openJson(open.keyring, r.attributes_enc as string | null),
          }
        : {}),
    }),
  },
  {
    type: 'subject_visitor',
    table: 'subject_visitors',
    keys: ['visitor_hash'],
    columns: ['visitor_hash', 'subject_id', 'created_at'],
    present: (r) => camelize(r),
  },
  {
    type: 'consent_event',
    table: 'consent_events',
    keys: ['seq'],
    columns: [
      'seq',
      'consent_id',
      'subject_id',
      'purpose',
      'channel',
      'status',
      'config_version',
      'notice_hash',
      'locale',
      'source',
      'gpc',
      'ip_truncated',
      'user_agent',
      'context_digest',
      'client_event_id',
      'captured_at',
      'reason',
      'interaction',
      'occurred_at',
      'prev_hash',
      'hash',
    ],
    present: (r, open) => ({
      ...camelize(r, ['gpc', 'ip_truncated', 'user_agent']),
      gpc: r.gpc === 1,
      ...(open.personal ? { ipTruncated: r.ip_truncated, userAgent: r.user_agent } : {}),
    }),
  },
  {
    type: 'consent_state',
    table: 'consent_state',
    keys: ['subject_id', 'purpose', 'channel'],
    columns: [
      'subject_id',
      'purpose',
      'channel',
      'status',
      'event_seq',
      'config_version',
      'source',
      'updated_at',
      'expires_at',
      'objection_lifted_at',
    ],
    present: (r) => camelize(r),
  },
  {
    type: 'record',
    table: 'records',
    keys: ['id'],
    columns: ['id', 'subject_id', 'dataset', 'data_enc', 'created_at'],
    present: (r, open) => ({
      ...camelize(r, ['data_enc']),
      ...(open.personal ? { data: openJson(open.keyring, r.data_enc as string) } : {}),
    }),
  },
  {
    // Art. 17(3)(b): records of erased people the law keeps, until keep_until.
    type: 'kept_record',
    table: 'kept_records',
    keys: ['id'],
    columns: [
      'id',
      'dataset',
      'data_enc',
      'created_at',
      'keep_until',
      'basis',
      'request_id',
      'tombstone_id',
      'kept_at',
    ],
    present: (r, open) => ({
      ...camelize(r, ['data_enc']),
      ...(open.personal ? { data: openJson(open.keyring, r.data_enc as string) } : {}),
    }),
  },
  {
    type: 'request',
    table: 'requests',
    keys: ['id'],
    columns: [
      'id',
      'subject_id',
      'type',
      'status',
      'scope',
      'origin',
      'received_at',
      'due_at',
      'extended_at',
      'extension_reason',
      'extension_notice',
      'completed_at',
      'outcome',
    ],
    present: (r) => ({
      ...camelize(r, ['scope', 'outcome', 'extension_notice']),
      scope: json(r.scope),
      outcome: json(r.outcome),
      extensionNotice: json(r.extension_notice),
    }),
  },
  {
    type: 'feed_event',
    table: 'feed_events',
    keys: ['seq'],
    columns: ['seq', 'id', 'type', 'subject_id', 'external_id', 'data', 'occurred_at'],
    present: (r) => ({ ...camelize(r, ['data']), data: json(r.data) }),
  },
  {
    type: 'webhook',
    table: 'webhooks',
    keys: ['id'],
    columns: ['id', 'url', 'types', 'feed_cursor', 'created_at', 'disabled_at'],
    present: (r) => ({ ...camelize(r, ['types']), types: json(r.types) }),
  },
  {
    type: 'webhook_delivery',
    table: 'webhook_deliveries',
    keys: ['id'],
    columns: [
      'id',
      'webhook_id',
      'event_id',
      'event_seq',
      'status',
      'attempts',
      'next_attempt_at',
      'last_status_code',
      'created_at',
      'delivered_at',
    ],
    present: (r) => camelize(r),
  },
  {
    type: 'delivery_attempt',
    table: 'delivery_attempts',
    keys: ['delivery_id', 'attempt'],
    columns: ['delivery_id', 'attempt', 'attempted_at', 'status_code', 'error'],
    present: (r) => camelize(r),
  },
  {
    type: 'audit_entry',
    table: 'audit_log',
    keys: ['seq'],
    columns: ['seq', 'id', 'actor', 'action', 'target', 'details', 'occurred_at'],
    present: (r) => ({ ...camelize(r, ['details']), details: json(r.details) }),
  },
  {
    type: 'tombstone',
    table: 'tombstones',
    keys: ['id'],
    columns: ['id', 'subject_id', 'identifier_hashes', 'request_id', 'erased_at'],
    present: (r) => ({
      ...camelize(r, ['identifier_hashes']),
      identifierHashes: json(r.identifier_hashes),
    }),
  },
  {
    type: 'breach',
    table: 'breaches',
    keys: ['id'],
    columns: [
      'id',
      'aware_at',
      'due_at',
      'notification_required',
      'ap_notified_at',
      'details',
      'people_told',
      'people_told_at',
      'deadline_warned_at',
      'created_at',
      'updated_at',
    ],
    present: (r) => ({
      ...camelize(r, ['details', 'notification_required']),
      notificationRequired: r.notification_required === 1,
      details: json(r.details),
    }),
  },
  {
    type: 'breach_notice',
    table: 'breach_notices',
    keys: ['breach_id', 'subject_id'],
    columns: ['breach_id', 'subject_id', 'sent_at'],
    present: (r) => camelize(r),
  },
  {
    type: 'ledger_checkpoint',
    table: 'ledger_checkpoints',
    keys: ['seq'],
    columns: ['seq', 'hash', 'kept_digest', 'kept_count', 'pruned', 'kid', 'jws', 'created_at'],
    present: (r) => camelize(r),
  },
  {
    type: 'processor',
    table: 'processors',
    keys: ['id'],
    columns: ['id', 'name', 'details', 'review_date', 'created_at', 'updated_at'],
    present: (r) => ({ ...camelize(r, ['details']), details: json(r.details) }),
  },
  {
    type: 'dpia',
    table: 'dpias',
    keys: ['purpose'],
    columns: ['purpose', 'details', 'review_date', 'updated_at'],
    present: (r) => ({ ...camelize(r, ['details']), details: json(r.details) }),
  },
];

// Left out of the export on purpose: sign-in tokens and sessions (secrets), idempotency
// answers, the mail outbox, and tombstone_identifiers (the same hashes as each tombstone line).

// The tables are chosen per section at run time; Kysely's types cannot follow that.
type AnyDb = Kysely<any>;

export async function countTenantRows(
  db: Kysely<Database>,
  tenantId: string,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const section of sections) {
    const row = await (db as AnyDb)
      .selectFrom(section.table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where(section.table === 'tenants' ? 'id' : 'tenant_id', '=', tenantId)
      .executeTakeFirst();
    counts[section.type] = Number(row?.n ?? 0);
  }
  return counts;
}

async function* pageThrough(
  db: Kysely<Database>,
  section: Section,
  tenantId: string,
): AsyncGenerator<Row> {
  let cursor: unknown[] | null = null;
  for (;;) {
    let query = (db as AnyDb)
      .selectFrom(section.table)
      .select(section.columns)
      .where(section.table === 'tenants' ? 'id' : 'tenant_id', '=', tenantId);
    if (cursor) {
      const after = cursor;
      // A row-value comparison continues after the last key seen, on SQLite and PostgreSQL alike.
      query = query.where(
        sql<boolean>`(${sql.join(section.keys.map((k) => sql.ref(k)))}) > (${sql.join(after)})`,
      );
    }
    for (const key of section.keys) query = query.orderBy(key);
    const rows = (await query.limit(BATCH).execute()) as Row[];
    for (const row of rows) yield row;
    if (rows.length < BATCH) return;
    const last = rows[rows.length - 1];
    cursor = section.keys.map((k) => last[k]);
  }
}

export interface ExportOptions {
  /** Decrypt e-mail, phone, attributes, records and request context; default true. */
  personal?: boolean;
  /** Called after each data line, with the number of data lines written so far. */
  onProgress?: (done: number) => void;
  /** Counts from countTenantRows, when the caller already has them (for a progress bar). */
  counts?: Record<string, number>;
}

/** The export, one NDJSON line (with its newline) at a time. */
export async function* exportTenantLines(
  ctx: AppContext,
  tenantId: string,
  options: ExportOptions = {},
): AsyncGenerator<string> {
  const open: Opener = { keyring: ctx.keyring, personal: options.personal ?? true };
  const counts = options.counts ?? (await countTenantRows(ctx.db, tenantId));
  const header = {
    type: 'header',
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    tenantId,
    exportedAt: ctx.clock.now().toISOString(),
    personalData: open.personal,
    counts,
  };
  yield JSON.stringify(header) + '\n';
  const written: Record<string, number> = {};
  let done = 0;
  for (const section of sections) {
    written[section.type] = 0;
    for await (const row of pageThrough(ctx.db, section, tenantId)) {
      yield JSON.stringify({ type: section.type, data: section.present(row, open) }) + '\n';
      written[section.type] += 1;
      done += 1;
      options.onProgress?.(done);
    }
  }
  yield JSON.stringify({ type: 'end', counts: written }) + '\n';
}

/** Groups lines into chunks of about 64 KiB: fewer, larger writes to a socket or file. */
export async function* chunkLines(
  lines: AsyncIterable<string>,
  size = 64 * 1024,
): AsyncGenerator<string> {
  let buffer = '';
  for await (const line of lines) {
    buffer += line;
    if (buffer.length >= size) {
      yield buffer;
      buffer = '';
    }
  }
  if (buffer) yield buffer;
}

/** A pull-based stream: the next batch is read only when the client has taken the last. */
export function exportStream(lines: AsyncGenerator<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const chunks = chunkLines(lines);
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      },
      async cancel() {
        // Closing the outer generator closes the line generator inside it too.
        await chunks.return(undefined);
      },
    },
    { highWaterMark: 1 },
  );
}
