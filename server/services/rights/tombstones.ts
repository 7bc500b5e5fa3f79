// What is kept of an erased person: keyed hashes of their identifiers, the time and
// the request id (GDPR-32). It proves the erasure and lets an import recognise the
// same e-mail address or external id without keeping either; it is a retained datum,
// documented as such, and holds nothing that can be read back.
import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Database, SubjectsTable } from '../../db/database.js';
import { newId } from '../../ids.js';
import type { Keyring } from '../../keyring.js';
import { emailHash, externalIdHash, phoneHash } from '../subjects/personal-data.js';

export interface Identifiers {
  email?: string | null;
  phone?: string | null;
  externalId?: string | null;
}

/** The stored subject's identifiers as tombstone keys; its e-mail and phone are already keyed hashes. */
function subjectKeys(
  keyring: Keyring,
  subject: Pick<SubjectsTable, 'email_hash' | 'phone_hash' | 'external_id'>,
): string[] {
  return [
    subject.email_hash === null ? null : `email:${subject.email_hash}`,
    subject.phone_hash === null ? null : `phone:${subject.phone_hash}`,
    subject.external_id === null
      ? null
      : `external:${externalIdHash(keyring, subject.external_id)}`,
  ].filter((key): key is string => key !== null);
}

export function lookupKeys(keyring: Keyring, ids: Identifiers): string[] {
  return [
    ids.email ? `email:${emailHash(keyring, ids.email)}` : null,
    ids.phone ? `phone:${phoneHash(keyring, ids.phone)}` : null,
    ids.externalId ? `external:${externalIdHash(keyring, ids.externalId)}` : null,
  ].filter((key): key is string => key !== null);
}

export async function writeTombstone(
  trx: Kysely<Database>,
  keyring: Keyring,
  subject: SubjectsTable,
  requestId: string | null,
  at: string,
): Promise<string> {
  const id = newId('tomb');
  const keys = subjectKeys(keyring, subject);
  await trx
    .insertInto('tombstones')
    .values({
      id,
      tenant_id: subject.tenant_id,
      subject_id: subject.id,
      identifier_hashes: JSON.stringify(keys),
      request_id: requestId,
      erased_at: at,
    })
    .execute();
  if (keys.length > 0) {
    await trx
      .insertInto('tombstone_identifiers')
      .values(
        keys.map((key) => ({
          tenant_id: subject.tenant_id,
          identifier_hash: key,
          tombstone_id: id,
        })),
      )
      .execute();
  }
  return id;
}

export interface TombstoneMatch {
  tombstoneId: string;
  subjectId: string;
  requestId: string | null;
  erasedAt: string;
}

/** The latest erasure of a person with any of these identifiers, or null. */
export async function findTombstone(
  ctx: Pick<AppContext, 'db' | 'keyring'>,
  tenantId: string,
  ids: Identifiers,
): Promise<TombstoneMatch | null> {
  const keys = lookupKeys(ctx.keyring, ids);
  if (keys.length === 0) return null;
  const row = await ctx.db
    .selectFrom('tombstone_identifiers')
    .innerJoin('tombstones', 'tombstones.id', 'tombstone_identifiers.tombstone_id')
    .select([
      'tombstones.id',
      'tombstones.subject_id',
      'tombstones.request_id',
      'tombstones.erased_at',
    ])
    .where('tombstone_identifiers.tenant_id', '=', tenantId)
    .where('tombstone_identifiers.identifier_hash', 'in', keys)
    .orderBy('tombstones.erased_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row
    ? {
        tombstoneId: row.id,
        subjectId: row.subject_id,
        requestId: row.request_id,
        erasedAt: row.erased_at,
      }
    : null;
}

/** Whether a person with this e-mail, phone or external id was erased (e.g. before re-importing them). */
export async function isErased(
  ctx: Pick<AppContext, 'db' | 'keyring'>,
  tenantId: string,
  ids: Identifiers,
): Promise<boolean> {
  return (await findTombstone(ctx, tenantId, ids)) !== null;
}
