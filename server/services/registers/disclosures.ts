// The recipient log of Art. 19 (GDPR-36): which webhook or API key received which of a
// person's data, first and last. Written where data leaves: a delivered webhook, an
// audience pull, a read of the person by a key. Only ids and category names are kept, one
// row per person, recipient and set of categories, so the log grows with recipients, not reads.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';

export type RecipientKind = 'webhook' | 'key';

export interface Disclosure {
  subjectId: string;
  kind: RecipientKind;
  recipientId: string;
  categories: string[];
}

const CHUNK = 200;

export async function recordDisclosures(
  db: Kysely<Database>,
  tenantId: string,
  items: Disclosure[],
  at: string,
): Promise<void> {
  for (let i = 0; i < items.length; i += CHUNK) {
    const rows = items.slice(i, i + CHUNK).map((d) => ({
      tenant_id: tenantId,
      subject_id: d.subjectId,
      recipient_kind: d.kind,
      recipient_id: d.recipientId,
      categories: [...new Set(d.categories)].sort().join(','),
      first_at: at,
      last_at: at,
    }));
    // One statement may not name a row twice (PostgreSQL): the same person twice in a chunk counts once.
    const unique = [
      ...new Map(
        rows.map((r) => [
          `${r.subject_id}|${r.recipient_kind}|${r.recipient_id}|${r.categories}`,
          r,
        ]),
      ).values(),
    ];
    await db
      .insertInto('disclosures')
      .values(unique)
      .onConflict((oc) =>
        oc
          .columns(['tenant_id', 'subject_id', 'recipient_kind', 'recipient_id', 'categories'])
          .doUpdateSet({ last_at: at }),
      )
      .execute();
  }
}

/**
 * A banner visitor merged into a known person: what was disclosed about the visitor was
 * disclosed about the person. Each recipient and set of categories stays one row, spanning
 * the earliest first and the latest last time of the two. Runs in the merge's transaction.
 */
export async function moveDisclosures(
  trx: Kysely<Database>,
  tenantId: string,
  fromId: string,
  intoId: string,
): Promise<void> {
  const rows = await trx
    .selectFrom('disclosures')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('subject_id', 'in', [fromId, intoId])
    .execute();
  const keyOf = (r: (typeof rows)[number]) =>
    `${r.recipient_kind}|${r.recipient_id}|${r.categories}`;
  const into = new Map(rows.filter((r) => r.subject_id === intoId).map((r) => [keyOf(r), r]));
  for (const row of rows.filter((r) => r.subject_id === fromId)) {
    const mine = into.get(keyOf(row));
    const firstAt = mine && mine.first_at < row.first_at ? mine.first_at : row.first_at;
    const lastAt = mine && mine.last_at > row.last_at ? mine.last_at : row.last_at;
    await trx
      .insertInto('disclosures')
      .values({ ...row, subject_id: intoId, first_at: firstAt, last_at: lastAt })
      .onConflict((oc) =>
        oc
          .columns(['tenant_id', 'subject_id', 'recipient_kind', 'recipient_id', 'categories'])
          .doUpdateSet({ first_at: firstAt, last_at: lastAt }),
      )
      .execute();
  }
  await trx
    .deleteFrom('disclosures')
    .where('tenant_id', '=', tenantId)
    .where('subject_id', '=', fromId)
    .execute();
}

export interface RecipientView {
  kind: RecipientKind;
  id: string;
  /** The key's name, or the webhook's address without path; null when the recipient was removed. */
  name: string | null;
  categories: string[];
  firstAt: string;
  lastAt: string;
}

/** Everyone who received some of this person's data, newest first. */
export async function listRecipients(
  db: Kysely<Database>,
  tenantId: string,
  subjectId: string,
): Promise<RecipientView[]> {
  const rows = await db
    .selectFrom('disclosures')
    .leftJoin('api_keys', (j) =>
      j
        .onRef('api_keys.id', '=', 'disclosures.recipient_id')
        .on('disclosures.recipient_kind', '=', 'key'),
    )
    .leftJoin('webhooks', (j) =>
      j
        .onRef('webhooks.id', '=', 'disclosures.recipient_id')
        .on('disclosures.recipient_kind', '=', 'webhook'),
    )
    .select([
      'disclosures.recipient_kind',
      'disclosures.recipient_id',
      'disclosures.categories',
      'disclosures.first_at',
      'disclosures.last_at',
      'api_keys.name',
      'api_keys.prefix',
      'webhooks.url',
    ])
    .where('disclosures.tenant_id', '=', tenantId)
    .where('disclosures.subject_id', '=', subjectId)
    .orderBy('disclosures.last_at', 'desc')
    .execute();
  return rows.map((r) => ({
    kind: r.recipient_kind as RecipientKind,
    id: r.recipient_id,
    name:
      r.recipient_kind === 'webhook'
        ? r.url
          ? originOf(r.url)
          : null
        : (r.name ?? r.prefix ?? null),
    categories: r.categories.split(','),
    firstAt: r.first_at,
    lastAt: r.last_at,
  }));
}

/**
 * Who is told of a rectification, erasure or restriction (Art. 19): every recipient that
 * received the person's data, and every active webhook (it receives the feed event).
 */
export async function recipientsToNotify(
  db: Kysely<Database>,
  tenantId: string,
  subjectId: string,
): Promise<Array<{ kind: RecipientKind; id: string; name: string | null }>> {
  const [received, hooks] = await Promise.all([
    listRecipients(db, tenantId, subjectId),
    db
      .selectFrom('webhooks')
      .select(['id', 'url'])
      .where('tenant_id', '=', tenantId)
      .where('disabled_at', 'is', null)
      .execute(),
  ]);
  const out = new Map<string, { kind: RecipientKind; id: string; name: string | null }>();
  for (const r of received) out.set(`${r.kind}:${r.id}`, { kind: r.kind, id: r.id, name: r.name });
  for (const h of hooks)
    out.set(`webhook:${h.id}`, { kind: 'webhook', id: h.id, name: originOf(h.url) });
  return [...out.values()];
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'unknown';
  }
}
