// Merging a banner-only subject into the person a tool knows, once the tool says
// a visitor id is theirs. The ledger is never rewritten: the banner's consent events
// keep their own subject id (their hashes cover it) and the old subject row stays as
// an empty shell with `merged_into`, so the chain still verifies and proves who
// agreed to what (GDPR Art. 7(1)). What moves is the current state, the visitor
// links and what hangs off the subject; the merge is audited and fed to tools.
import type { Kysely } from 'kysely';
import type { ConsentState } from '../../../shared/schemas/consent.js';
import type { Database } from '../../db/database.js';
import { appendAudit } from '../registers/audit.js';
import { moveDisclosures } from '../registers/disclosures.js';
import { appendFeedEvent } from '../feed/feed-events.js';

export interface MergeInput {
  tenantId: string;
  fromId: string;
  intoId: string;
  externalId: string;
  actor: string;
  at: string;
}

/** Runs inside the caller's transaction, which must already hold the tenant's head lock. */
export async function mergeVisitorSubject(trx: Kysely<Database>, input: MergeInput): Promise<void> {
  const { tenantId, fromId, intoId, at } = input;
  const [from, into] = await Promise.all([
    trx.selectFrom('subjects').selectAll().where('id', '=', fromId).executeTakeFirstOrThrow(),
    trx.selectFrom('subjects').selectAll().where('id', '=', intoId).executeTakeFirstOrThrow(),
  ]);
  const fromRows = await trx
    .selectFrom('consent_state')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('subject_id', '=', fromId)
    .execute();
  const intoRows = await trx
    .selectFrom('consent_state')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('subject_id', '=', intoId)
    .execute();

  // The newer decision wins per purpose and channel; the row keeps pointing at the
  // ledger event that made it (event_seq), whoever that event was recorded for.
  const moved: typeof fromRows = [];
  for (const row of fromRows) {
    const mine = intoRows.find((r) => r.purpose === row.purpose && r.channel === row.channel);
    if (mine && mine.updated_at >= row.updated_at) continue;
    const state = {
      status: row.status,
      event_seq: row.event_seq,
      config_version: row.config_version,
      source: row.source,
      updated_at: row.updated_at,
      expires_at: row.expires_at,
      objection_lifted_at: row.objection_lifted_at,
    };
    await trx
      .insertInto('consent_state')
      .values({ ...row, subject_id: intoId })
      .onConflict((oc) =>
        oc.columns(['tenant_id', 'subject_id', 'purpose', 'channel']).doUpdateSet(state),
      )
      .execute();
    moved.push(row);
  }
  await trx
    .deleteFrom('consent_state')
    .where('tenant_id', '=', tenantId)
    .where('subject_id', '=', fromId)
    .execute();

  for (const table of ['subject_visitors', 'records', 'requests'] as const) {
    await trx
      .updateTable(table)
      .set({ subject_id: intoId })
      .where('tenant_id', '=', tenantId)
      .where('subject_id', '=', fromId)
      .execute();
  }
  // Who received the visitor's data received the person's (Art. 19: they are told of changes).
  await moveDisclosures(trx, tenantId, fromId, intoId);
  // Sessions and one-time links were opened for the banner visitor alone: they end here.
  await trx
    .deleteFrom('sessions')
    .where('tenant_id', '=', tenantId)
    .where('subject_id', '=', fromId)
    .execute();
  await trx
    .deleteFrom('tokens')
    .where('tenant_id', '=', tenantId)
    .where('subject_id', '=', fromId)
    .execute();

  // A restriction or an objection made as a banner visitor binds the person (Art. 18, 21(3)).
  const objectedAt =
    [from.objected_at, into.objected_at].filter((t): t is string => t !== null).sort()[0] ?? null;
  await trx
    .updateTable('subjects')
    .set({
      restricted: from.restricted === 1 || into.restricted === 1 ? 1 : 0,
      restriction_reason: into.restricted === 1 ? into.restriction_reason : from.restriction_reason,
      objected_at: objectedAt,
      updated_at: at,
      last_activity_at: at,
    })
    .where('id', '=', intoId)
    .execute();
  await trx
    .updateTable('subjects')
    .set({ merged_into: intoId, updated_at: at })
    .where('id', '=', fromId)
    .execute();

  await appendAudit(
    trx,
    tenantId,
    {
      actor: input.actor,
      action: 'subject.merged',
      target: intoId,
      details: { from: fromId, into: intoId, statesMoved: moved.length },
    },
    at,
  );

  if (moved.length > 0) {
    const state: ConsentState = {};
    for (const row of moved) {
      if (row.channel === '') state[row.purpose] = row.status;
      else ((state[row.purpose] ??= {}) as Record<string, string>)[row.channel] = row.status;
    }
    const sources = [...new Set(moved.map((r) => r.source))];
    await appendFeedEvent(
      trx,
      tenantId,
      {
        type: 'consent.updated',
        subjectId: intoId,
        externalId: input.externalId,
        data: {
          state,
          source: sources.length === 1 ? sources[0] : 'merge',
          configVersion: Math.max(...moved.map((r) => r.config_version)),
          mergedFrom: fromId,
        },
      },
      at,
    );
  }
}
