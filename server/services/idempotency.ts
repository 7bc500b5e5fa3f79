// Stored answers for retried writes (a `clientEventId` sent again gets the first answer).
// An answer belongs to one tenant, one owner and one clientEventId: the owner is the
// banner visitor (by the hash of its id) or, for consent a tool captured, the subject, so
// another visitor reusing an id records their own choice. Answers live 24 hours (a retry
// comes within seconds or minutes), older ones are ignored and pruned, and an erasure
// deletes the person's answers with the rest of their data.
import type { Kysely } from 'kysely';
import type { AppContext } from '../context.js';
import type { Database } from '../db/database.js';

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60_000;

export const visitorOwner = (visitorHash: string): string => `v:${visitorHash}`;
export const subjectOwner = (subjectId: string): string => `s:${subjectId}`;

/** Answers stored before this time no longer count. */
export const idempotencyCutoff = (now: Date): string =>
  new Date(now.getTime() - IDEMPOTENCY_TTL_MS).toISOString();

/** The answer first given to this owner for this id, if it is younger than a day. */
export async function storedAnswer(
  db: Kysely<Database>,
  key: { tenantId: string; owner: string; clientEventId: string },
  now: Date,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('idempotency_keys')
    .select('response')
    .where('tenant_id', '=', key.tenantId)
    .where('owner', '=', key.owner)
    .where('client_event_id', '=', key.clientEventId)
    .where('created_at', '>=', idempotencyCutoff(now))
    .executeTakeFirst();
  return row?.response;
}

export async function saveAnswer(
  trx: Kysely<Database>,
  key: { tenantId: string; owner: string; clientEventId: string },
  response: string,
  at: string,
): Promise<void> {
  await trx
    .insertInto('idempotency_keys')
    .values({
      tenant_id: key.tenantId,
      owner: key.owner,
      client_event_id: key.clientEventId,
      response,
      created_at: at,
    })
    .onConflict((oc) =>
      oc
        .columns(['tenant_id', 'owner', 'client_event_id'])
        .doUpdateSet({ response, created_at: at }),
    )
    .execute();
}

/**
 * Part of a whole erasure: the answers of the subjects (the person and the banner visitors
 * merged into them) and of every visitor linked to them. Call before their visitor links go.
 */
export async function forgetAnswersOf(
  trx: Kysely<Database>,
  tenantId: string,
  subjectIds: string[],
): Promise<void> {
  const visitors = await trx
    .selectFrom('subject_visitors')
    .select('visitor_hash')
    .where('tenant_id', '=', tenantId)
    .where('subject_id', 'in', subjectIds)
    .execute();
  const owners = [
    ...subjectIds.map(subjectOwner),
    ...visitors.map((v) => visitorOwner(v.visitor_hash)),
  ];
  // Chunks keep the statement under SQLite's limit on bound parameters.
  for (let i = 0; i < owners.length; i += 500) {
    await trx
      .deleteFrom('idempotency_keys')
      .where('tenant_id', '=', tenantId)
      .where('owner', 'in', owners.slice(i, i + 500))
      .execute();
  }
}

/** Deletes every answer older than a day; answers how many went. */
export async function pruneAnswers(ctx: Pick<AppContext, 'db' | 'clock'>): Promise<number> {
  const result = await ctx.db
    .deleteFrom('idempotency_keys')
    .where('created_at', '<', idempotencyCutoff(ctx.clock.now()))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
