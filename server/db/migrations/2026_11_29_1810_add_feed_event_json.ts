// Each feed event keeps its JSON as GET /v1/feed serves it, built once when it is
// written: a feed page is then the stored texts joined, not seven columns read into
// objects and encoded again per reader and per page (that encoding was most of the
// cost of serving the feed). The columns stay for filters, the indexes and exports.
// Existing events are filled in here with the event shape as it is today; the
// builder is copied rather than imported so this migration never changes meaning.
import type { Kysely } from 'kysely';

interface StoredEvent {
  tenant_id: string;
  seq: number;
  id: string;
  type: string;
  subject_id: string | null;
  external_id: string | null;
  data: string;
  occurred_at: string;
}

function eventJsonV1(e: StoredEvent): string {
  const subject =
    e.subject_id === null
      ? 'null'
      : `{"id":${JSON.stringify(e.subject_id)},"externalId":${JSON.stringify(e.external_id)}}`;
  return `{"id":${JSON.stringify(e.id)},"type":${JSON.stringify(e.type)},"occurredAt":${JSON.stringify(e.occurred_at)},"subject":${subject},"data":${e.data}}`;
}

// One UPDATE per batch (a CASE over the batch's positions), not one per event: on
// PostgreSQL a round trip per event would make this migration take minutes per million.
const BATCH = 500;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('feed_events')
    .addColumn('event_json', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  let after = { tenant: '', seq: 0 };
  for (;;) {
    const rows: StoredEvent[] = await db
      .selectFrom('feed_events')
      .select([
        'tenant_id',
        'seq',
        'id',
        'type',
        'subject_id',
        'external_id',
        'data',
        'occurred_at',
      ])
      .where((eb) =>
        eb.or([
          eb('tenant_id', '>', after.tenant),
          eb.and([eb('tenant_id', '=', after.tenant), eb('seq', '>', after.seq)]),
        ]),
      )
      .orderBy('tenant_id')
      .orderBy('seq')
      .limit(BATCH)
      .execute();
    for (const tenant of new Set(rows.map((row) => row.tenant_id))) {
      const ofTenant = rows.filter((row) => row.tenant_id === tenant);
      await db
        .updateTable('feed_events')
        .set((eb) => {
          // CASE seq WHEN ... THEN ...: the builder's type changes after the first WHEN, hence `any`.
          let kase: any = eb.case();
          for (const row of ofTenant) kase = kase.when('seq', '=', row.seq).then(eventJsonV1(row));
          return { event_json: kase.end() };
        })
        .where('tenant_id', '=', tenant)
        .where(
          'seq',
          'in',
          ofTenant.map((row) => row.seq),
        )
        .execute();
    }
    if (rows.length < BATCH) return;
    const last = rows[rows.length - 1];
    after = { tenant: last.tenant_id, seq: last.seq };
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('feed_events').dropColumn('event_json').execute();
}
