// Stored answers for retried writes (a `clientEventId` sent again gets the first answer).
// An answer belongs to one tenant, one owner and one clientEventId. The owner is the
// subject the write was recorded for, in two name spaces: the banner's writes (the
// visitor's subject) and consent a tool captured. Another visitor reusing an id has a
// subject of its own and records their own choice. Subject ids are ordered by creation
// time, so the key's index grows at its end rather than on a random page per write.
// Answers live 24 hours (a retry comes within seconds or minutes), older ones are
// ignored and pruned, and an erasure deletes the person's answers with the rest of
// their data.
import type { Kysely } from 'kysely';
import type { AppContext } from '../context.js';
import type { Database } from '../db/database.js';

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60_000;

/** The owner of a banner write's answer: the visitor's subject. */
export const bannerOwner = (subjectId: string): string => `b:${subjectId}`;
/** The owner of the answer to consent a tool captured for a subject. */
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
 * merged into them), to the banner and to tools.
 */
export async function forgetAnswersOf(
  trx: Kysely<Database>,
  tenantId: string,
  subjectIds: string[],
): Promise<void> {
  const owners = subjectIds.flatMap((id) => [subjectOwner(id), bannerOwner(id)]);
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
