// Finding and creating subjects: the people consents belong to. A banner visitor
// is known only by the hash of its visitor id (that id is the browser's secret);
// a marketing tool's person by its externalId.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { newOrderedId, sha256Hex } from '../../ids.js';

/** The widget's visitor ids: the time they were made (ms, 12 hex digits), then 128 random bits. */
const TIMED_VISITOR_ID = /^v_([0-9a-f]{12})[0-9a-f]{32}$/;

/**
 * What the server stores of a visitor id: its hash, after the id's time where it has one,
 * so the visitor links of new visitors go to the end of their index (ordered by time)
 * instead of a random page of it per write. The time tells no more than the link's own
 * created_at; ids without one (earlier widgets, tools) hash as before.
 */
export const visitorHash = (visitorId: string): string =>
  (TIMED_VISITOR_ID.exec(visitorId)?.[1] ?? '') + sha256Hex(`visitor:${visitorId}`);

export async function findSubjectByVisitor(
  db: Kysely<Database>,
  tenantId: string,
  visitorId: string,
): Promise<string | null> {
  const row = await db
    .selectFrom('subject_visitors')
    .select('subject_id')
    .where('tenant_id', '=', tenantId)
    .where('visitor_hash', '=', visitorHash(visitorId))
    .executeTakeFirst();
  return row?.subject_id ?? null;
}

export async function createSubject(
  db: Kysely<Database>,
  tenantId: string,
  at: string,
  externalId: string | null = null,
): Promise<string> {
  const id = newOrderedId('sub');
  await db
    .insertInto('subjects')
    .values({
      id,
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
      created_at: at,
      updated_at: at,
      last_activity_at: at,
    })
    .execute();
  return id;
}

export async function linkVisitor(
  db: Kysely<Database>,
  tenantId: string,
  visitorId: string,
  subjectId: string,
  at: string,
): Promise<void> {
  await db
    .insertInto('subject_visitors')
    .values({
      tenant_id: tenantId,
      visitor_hash: visitorHash(visitorId),
      subject_id: subjectId,
      created_at: at,
    })
    .execute();
}

/** The subject behind a banner visitor, created on its first choice. Call inside a transaction. */
export async function findOrCreateVisitorSubject(
  trx: Kysely<Database>,
  tenantId: string,
  visitorId: string,
  at: string,
): Promise<string> {
  const existing = await findSubjectByVisitor(trx, tenantId, visitorId);
  if (existing) return existing;
  const subjectId = await createSubject(trx, tenantId, at);
  await linkVisitor(trx, tenantId, visitorId, subjectId, at);
  return subjectId;
}

export async function findSubjectByExternalId(
  db: Kysely<Database>,
  tenantId: string,
  externalId: string,
) {
  return db
    .selectFrom('subjects')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('external_id', '=', externalId)
    .executeTakeFirst();
}
