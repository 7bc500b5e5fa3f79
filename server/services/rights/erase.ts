// The right to erasure (Art. 17, GDPR-32): the whole person, or chosen data sets and
// profile fields. Rows are deleted, not flagged, in bulk statements; the ledger keeps
// its events without their request context (the chain hashes only its digest), a
// tombstone keeps keyed hashes, and the store is scrubbed so the bytes leave the files.
import type { Kysely } from 'kysely';
import type { ErasureScope } from '../../../shared/schemas/requests.js';
import type { AppContext } from '../../context.js';
import type { Database, SubjectsTable } from '../../db/database.js';
import { notFound } from '../../errors.js';
import { appendAudit } from '../registers/audit.js';
import { appendFeedEvent, forgetExternalIdInFeed } from '../feed/feed-events.js';
import { forgetAnswersOf } from '../idempotency.js';
import { openJson, sealJson } from '../subjects/personal-data.js';
import { recipientsToNotify } from '../registers/disclosures.js';
import { getPublishedConfig } from '../config/config.js';
import { keepRecordsOfErased, keptInPartialErasure, type KeptSummary } from './kept-by-law.js';
import { completeRequestIn } from './requests.js';
import { loadSubject, mergedShellIds } from './subject-row.js';
import { writeTombstone } from './tombstones.js';

export { findTombstone, isErased } from './tombstones.js';

type Ctx = Pick<AppContext, 'db' | 'clock' | 'keyring' | 'store'>;

export interface EraseInput {
  tenantId: string;
  subjectId: string;
  scope: ErasureScope;
  /** Completed in the same transaction when given. */
  requestId?: string | null;
  /** Retention: only the data sets' records created before this time go (server/services/registers/retention.ts). */
  recordsCreatedBefore?: string;
  /** key_..., 'data_subject' or 'system' (retention). */
  actor: string;
  /**
   * false: skip the scrub, for a batch that erases many subjects and then calls
   * ctx.store.scrub() once itself (a VACUUM per subject is slow on PostgreSQL).
   */
  scrub?: boolean;
}

/** Art. 19: the recipients told of it (they received the person's data, or receive the feed). */
type Notified = Awaited<ReturnType<typeof recipientsToNotify>>;

/** `kept`: the records a law keeps (Art. 17(3)(b)), by data set, with the basis and until when; absent when none. */
export type EraseResult =
  | {
      erased: 'all';
      tombstoneId: string;
      records: number;
      notified: Notified;
      kept?: KeptSummary[];
    }
  | {
      erased: 'partial';
      datasets: Record<string, number>;
      fields: string[];
      notified: Notified;
      kept?: KeptSummary[];
    };

const count = (result: { numDeletedRows: bigint } | undefined): number =>
  Number(result?.numDeletedRows ?? 0n);

export async function eraseSubject(ctx: Ctx, input: EraseInput): Promise<EraseResult> {
  const result = await ctx.db.transaction().execute(async (trx) => {
    const subject = await loadSubject(trx, input.tenantId, input.subjectId);
    const at = ctx.clock.now().toISOString();
    const outcome =
      'all' in input.scope
        ? await eraseWholeIn(trx, ctx, subject, input, at)
        : await erasePartialIn(trx, ctx, subject, input.scope, input, at);
    if (input.requestId) {
      await completeRequestIn(trx, ctx, {
        tenantId: input.tenantId,
        requestId: input.requestId,
        outcome: { ...outcome },
        actor: input.actor,
      });
    }
    return outcome;
  });
  // After commit: overwrite freed pages and checkpoint the WAL (SQLite), or VACUUM (PostgreSQL).
  if (input.scrub !== false) await ctx.store.scrub();
  return result;
}

async function eraseWholeIn(
  trx: Kysely<Database>,
  ctx: Ctx,
  subject: SubjectsTable,
  input: EraseInput,
  at: string,
): Promise<EraseResult> {
  const { tenant_id: tenantId, id: subjectId } = subject;
  // Lock the subject row first: a concurrent erasure of the same person waits here and then finds nothing.
  const locked = await trx
    .updateTable('subjects')
    .set({ updated_at: at })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', subjectId)
    .executeTakeFirst();
  if (Number(locked.numUpdatedRows) !== 1) throw notFound('subject');
  const notified = await recipientsToNotify(trx, tenantId, subjectId);
  const config = (await getPublishedConfig(trx, tenantId))?.config ?? null;
  const keeping = await keepRecordsOfErased(trx, config, {
    tenantId,
    subjectId,
    requestId: input.requestId ?? null,
    at,
  });
  const records = count(
    await trx
      .deleteFrom('records')
      .where('tenant_id', '=', tenantId)
      .where('subject_id', '=', subjectId)
      .executeTakeFirst(),
  );
  const shells = await mergedShellIds(trx, tenantId, subjectId);
  const everyId = [subjectId, ...shells];
  // Stored answers to retried writes carry the person's ids (and externalId): they go too.
  await forgetAnswersOf(trx, tenantId, everyId);
  for (const table of [
    'consent_state',
    'subject_visitors',
    'tokens',
    'sessions',
    'outbox',
    'disclosures',
  ] as const) {
    await trx
      .deleteFrom(table)
      .where('tenant_id', '=', tenantId)
      .where('subject_id', '=', subjectId)
      .execute();
  }
  // Requests stay as proof of what was done, but an objection's reason is the person's own words.
  await trx
    .updateTable('requests')
    .set({ reason_enc: null })
    .where('tenant_id', '=', tenantId)
    .where('subject_id', 'in', everyId)
    .where('reason_enc', 'is not', null)
    .execute();
  // The ledger stays whole and verifiable: only the request context goes (GDPR-04 vs 17),
  // also on the events of banner visitors merged into this person.
  await trx
    .updateTable('consent_events')
    .set({ ip_truncated: null, user_agent: null })
    .where('tenant_id', '=', tenantId)
    .where('subject_id', 'in', everyId)
    .execute();
  if (shells.length > 0) {
    for (const table of [
      'consent_state',
      'subject_visitors',
      'records',
      'tokens',
      'sessions',
      'outbox',
    ] as const) {
      await trx
        .deleteFrom(table)
        .where('tenant_id', '=', tenantId)
        .where('subject_id', 'in', shells)
        .execute();
    }
    await trx
      .deleteFrom('subjects')
      .where('tenant_id', '=', tenantId)
      .where('id', 'in', shells)
      .execute();
  }
  await trx
    .deleteFrom('subjects')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', subjectId)
    .execute();

  const tombstoneId = await writeTombstone(trx, ctx.keyring, subject, input.requestId ?? null, at);
  await keeping.attachTombstone(tombstoneId);
  const kept = keeping.kept;
  await forgetExternalIdInFeed(trx, tenantId, everyId);
  // Art. 19: every connected tool hears of it; the externalId lets it find its own copy.
  await appendFeedEvent(
    trx,
    tenantId,
    {
      type: 'subject.erased',
      subjectId,
      externalId: subject.external_id,
      data: { requestId: input.requestId ?? null },
    },
    at,
  );
  await appendAudit(
    trx,
    tenantId,
    {
      actor: input.actor,
      action: 'subject.erased',
      target: subjectId,
      details: {
        requestId: input.requestId ?? null,
        tombstoneId,
        records,
        mergedShells: shells,
        ...keptDetails(kept),
      },
    },
    at,
  );
  return { erased: 'all', tombstoneId, records, notified, ...(kept.length > 0 ? { kept } : {}) };
}

async function erasePartialIn(
  trx: Kysely<Database>,
  ctx: Ctx,
  subject: SubjectsTable,
  scope: { datasets?: string[]; fields?: string[] },
  input: EraseInput,
  at: string,
): Promise<EraseResult> {
  const { tenant_id: tenantId, id: subjectId } = subject;
  const datasets: Record<string, number> = {};
  const wanted = [...new Set(scope.datasets ?? [])];
  let kept: KeptSummary[] = [];
  if (wanted.length > 0) {
    const config = (await getPublishedConfig(trx, tenantId))?.config ?? null;
    const keeping = await keptInPartialErasure(trx, config, {
      tenantId,
      subjectId,
      datasets: wanted,
      at,
    });
    kept = keeping.kept;
    for (const name of wanted) {
      // A data set kept by law loses only the records whose term has ended.
      const cutoffs = [input.recordsCreatedBefore, keeping.termStarts[name]]
        .filter((c): c is string => c !== undefined)
        .sort();
      const before = cutoffs[0] ?? null;
      const deleted = await trx
        .deleteFrom('records')
        .where('tenant_id', '=', tenantId)
        .where('subject_id', '=', subjectId)
        .where('dataset', '=', name)
        .$if(before !== null, (q) =>
          q.where('created_at', before === keeping.termStarts[name] ? '<=' : '<', before!),
        )
        .executeTakeFirst();
      datasets[name] = count(deleted);
    }
  }

  const fields = [...new Set(scope.fields ?? [])];
  const update: Partial<SubjectsTable> = {};
  let attributes = openJson<Record<string, unknown>>(ctx.keyring, subject.attributes_enc);
  for (const field of fields) {
    if (field === 'email') Object.assign(update, { email_enc: null, email_hash: null });
    else if (field === 'phone') Object.assign(update, { phone_enc: null, phone_hash: null });
    else if (field === 'attributes') attributes = null;
    else if (attributes) delete attributes[field.replace(/^attributes\./, '')];
  }
  if (fields.some((f) => f !== 'email' && f !== 'phone')) {
    update.attributes_enc =
      attributes && Object.keys(attributes).length > 0 ? sealJson(ctx.keyring, attributes) : null;
  }
  if (Object.keys(update).length > 0) {
    await trx
      .updateTable('subjects')
      .set({ ...update, updated_at: at })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', subjectId)
      .execute();
  }
  // Mail kept for this person holds their address; without the address it has to go too.
  if (fields.includes('email')) {
    await trx
      .deleteFrom('outbox')
      .where('tenant_id', '=', tenantId)
      .where('subject_id', '=', subjectId)
      .execute();
  }

  await appendFeedEvent(
    trx,
    tenantId,
    {
      type: 'subject.data_erased',
      subjectId,
      externalId: subject.external_id,
      data: { datasets: wanted, fields, requestId: input.requestId ?? null },
    },
    at,
  );
  await appendAudit(
    trx,
    tenantId,
    {
      actor: input.actor,
      action: 'subject.data_erased',
      target: subjectId,
      details: { requestId: input.requestId ?? null, datasets, fields, ...keptDetails(kept) },
    },
    at,
  );
  return {
    erased: 'partial',
    datasets,
    fields,
    notified: await recipientsToNotify(trx, tenantId, subjectId),
    ...(kept.length > 0 ? { kept } : {}),
  };
}

/** For the audit log: data set names and counts, not the basis text or the dates. */
const keptDetails = (kept: KeptSummary[]) =>
  kept.length > 0 ? { kept: Object.fromEntries(kept.map((k) => [k.dataset, k.records])) } : {};
