// The people marketing tools know (/v1/subjects): upsert by the tool's external id
// with encrypted personal fields, link banner visitors (merging a banner-only subject
// into this one), and read back what is held with personal fields only for pii:read.
import type { Kysely } from 'kysely';
import type { UpsertSubjectBody } from '../../../shared/schemas/subjects.js';
import type { AppContext } from '../../context.js';
import type { Database, SubjectsTable } from '../../db/database.js';
import { ApiError, notFound } from '../../errors.js';
import { newOrderedId } from '../../ids.js';
import { effectiveStatus, readStateRows, shapeState } from '../consent/consent-state.js';
import { getPublishedConfig } from '../config/config.js';
import { lockLedgerHead } from '../ledger/ledger-head.js';
import { openJson, sealEmail, sealJson, sealPhone } from './personal-data.js';
import { notifyFeed } from '../feed/feed-watch.js';
import { refuseErased } from '../rights/erasure-register.js';
import { noteArrivalIn } from '../rights/information-notice.js';
import { mergeVisitorSubject } from './subject-merge.js';
import { findSubjectByExternalId, visitorHash } from './subjects-core.js';

export type SubjectRow = SubjectsTable;

/** The subject a tool calls `externalId`, made when it does not exist yet. Call inside a transaction. */
export async function findOrCreateExternalSubject(
  trx: Kysely<Database>,
  tenantId: string,
  externalId: string,
  at: string,
): Promise<{ row: SubjectRow; created: boolean }> {
  const existing = await findSubjectByExternalId(trx, tenantId, externalId);
  if (existing) return { row: existing, created: false };
  // ON CONFLICT: a concurrent request for the same new person waits for the other and reuses its row.
  const inserted = await trx
    .insertInto('subjects')
    .values({
      id: newOrderedId('sub'),
      tenant_id: tenantId,
      external_id: externalId,
      email_enc: null,
      email_hash: null,
      phone_enc: null,
      phone_hash: null,
      attributes_enc: null,
      restricted: 0,
      restriction_reason: null,
      objected_at: null,
      merged_into: null,
      created_at: at,
      updated_at: at,
      last_activity_at: at,
    })
    // The unique index covers only subjects with an external id: its predicate names it.
    .onConflict((oc) =>
      oc.columns(['tenant_id', 'external_id']).where('external_id', 'is not', null).doNothing(),
    )
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { row: inserted, created: true };
  const row = await findSubjectByExternalId(trx, tenantId, externalId);
  if (!row) throw new Error('subject vanished right after its insert');
  return { row, created: false };
}

export async function requireExternalSubject(
  db: Kysely<Database>,
  tenantId: string,
  externalId: string,
): Promise<SubjectRow> {
  const row = await findSubjectByExternalId(db, tenantId, externalId);
  if (!row) throw notFound('subject');
  return row;
}

export interface UpsertResult {
  subjectId: string;
  created: boolean;
  /** Banner-only subjects merged into this one. */
  merged: string[];
}

/** PUT /v1/subjects/{externalId}: fields given replace, fields left out stay, null clears. */
export async function upsertSubject(
  ctx: AppContext,
  tenantId: string,
  externalId: string,
  input: UpsertSubjectBody,
  actor: string,
): Promise<UpsertResult> {
  const at = ctx.clock.now().toISOString();
  const visitorIds = [...new Set(input.visitorIds ?? [])];
  const result = await ctx.db.transaction().execute(async (trx) => {
    // A merge, and the Art. 14 notice's request, append to the feed or the audit log, which
    // takes the tenant's head lock; taking it first keeps the lock order the same as every other writer's.
    const mayNotice = typeof input.email === 'string' || input.informedAt !== undefined;
    if (visitorIds.length > 0 || mayNotice) await lockLedgerHead(trx, tenantId);
    // An erased person is not brought back, nor linked to a visitor, by a tool (Art. 17).
    await refuseErased(trx, ctx.keyring, tenantId, {
      externalId,
      email: input.email,
      phone: input.phone,
    });
    const { row, created } = await findOrCreateExternalSubject(trx, tenantId, externalId, at);
    const fields: Partial<SubjectRow> = {};
    if (input.email !== undefined)
      Object.assign(
        fields,
        input.email === null
          ? { email_enc: null, email_hash: null }
          : sealEmail(ctx.keyring, input.email),
      );
    if (input.phone !== undefined)
      Object.assign(
        fields,
        input.phone === null
          ? { phone_enc: null, phone_hash: null }
          : sealPhone(ctx.keyring, input.phone),
      );
    if (input.attributes !== undefined)
      fields.attributes_enc =
        input.attributes === null ? null : sealJson(ctx.keyring, input.attributes);
    if (Object.keys(fields).length > 0) {
      await trx
        .updateTable('subjects')
        .set({ ...fields, updated_at: at, last_activity_at: at })
        .where('id', '=', row.id)
        .execute();
    }
    // Art. 14: a person supplied with an address is told, unless the tool says it told them.
    if (mayNotice && (fields.email_enc ?? row.email_enc)) {
      await noteArrivalIn(trx, ctx, {
        tenantId,
        subjectId: row.id,
        dataSource: input.dataSource,
        informedAt: input.informedAt,
        actor,
      });
    }
    const merged: string[] = [];
    for (const visitorId of visitorIds) {
      const from = await linkVisitorTo(trx, tenantId, visitorId, row.id, at);
      if (from) {
        await mergeVisitorSubject(trx, {
          tenantId,
          fromId: from,
          intoId: row.id,
          externalId,
          actor,
          at,
        });
        merged.push(from);
      }
    }
    return { subjectId: row.id, created, merged };
  });
  if (result.merged.length > 0) notifyFeed(ctx, tenantId);
  return result;
}

/**
 * Links a visitor to the subject. Returns the banner-only subject that held the
 * visitor when it must be merged; a visitor of another known person is a conflict.
 */
async function linkVisitorTo(
  trx: Kysely<Database>,
  tenantId: string,
  visitorId: string,
  subjectId: string,
  at: string,
): Promise<string | null> {
  const hash = visitorHash(visitorId);
  const link = await trx
    .selectFrom('subject_visitors')
    .innerJoin('subjects', 'subjects.id', 'subject_visitors.subject_id')
    .select(['subjects.id', 'subjects.external_id'])
    .where('subject_visitors.tenant_id', '=', tenantId)
    .where('subject_visitors.visitor_hash', '=', hash)
    .executeTakeFirst();
  if (!link) {
    await trx
      .insertInto('subject_visitors')
      .values({ tenant_id: tenantId, visitor_hash: hash, subject_id: subjectId, created_at: at })
      .execute();
    return null;
  }
  if (link.id === subjectId) return null;
  if (link.external_id !== null) {
    // Never name the other subject: the caller may not know it.
    throw new ApiError(
      409,
      'CONFLICT',
      'A visitor id in visitorIds is already linked to another known subject',
    );
  }
  return link.id;
}

/** GET /v1/subjects/{externalId}. Personal fields are decrypted only when `pii` is true. */
export async function readSubject(
  ctx: AppContext,
  tenantId: string,
  externalId: string,
  pii: boolean,
) {
  const row = await requireExternalSubject(ctx.db, tenantId, externalId);
  const now = ctx.clock.now().toISOString();
  const [rows, published, visitors, records] = await Promise.all([
    readStateRows(ctx.db, tenantId, row.id),
    getPublishedConfig(ctx.db, tenantId),
    ctx.db
      .selectFrom('subject_visitors')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', tenantId)
      .where('subject_id', '=', row.id)
      .executeTakeFirst(),
    ctx.db
      .selectFrom('records')
      .select(['dataset', (eb) => eb.fn.countAll<number>().as('n')])
      .where('tenant_id', '=', tenantId)
      .where('subject_id', '=', row.id)
      .groupBy('dataset')
      .execute(),
  ]);
  const identities = {
    ...(pii
      ? {
          email: row.email_enc === null ? null : ctx.keyring.decrypt(row.email_enc),
          phone: row.phone_enc === null ? null : ctx.keyring.decrypt(row.phone_enc),
        }
      : {}),
    hasEmail: row.email_enc !== null,
    hasPhone: row.phone_enc !== null,
    visitors: Number(visitors?.n ?? 0),
  };
  return {
    id: row.id,
    externalId,
    identities,
    ...(pii
      ? { attributes: openJson<Record<string, unknown>>(ctx.keyring, row.attributes_enc) }
      : {}),
    consents: published ? shapeState(published.config, rows, now) : {},
    // Every stored status, also for purposes a later configuration dropped (proof outlives the purpose).
    consentDetails: rows.map((r) => ({
      purpose: r.purpose,
      channel: r.channel === '' ? null : r.channel,
      status: effectiveStatus(r, now),
      source: r.source,
      configVersion: r.config_version,
      updatedAt: r.updated_at,
      expiresAt: r.expires_at,
    })),
    restriction: { restricted: row.restricted === 1, reason: row.restriction_reason },
    objection: {
      objected: row.objected_at !== null,
      at: row.objected_at,
      liftedFor:
        row.objected_at === null
          ? []
          : rows
              .filter((r) => r.objection_lifted_at)
              .map((r) => ({
                purpose: r.purpose,
                channel: r.channel === '' ? null : r.channel,
                at: r.objection_lifted_at!,
              })),
    },
    records: Object.fromEntries(records.map((r) => [r.dataset, Number(r.n)])),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
