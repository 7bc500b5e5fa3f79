// The erasure register (Art. 17, GDPR-32): the one check every path that creates or
// re-identifies a person goes through (PUT subject, captured consent, records, visitor
// merges, the import, double opt-in). A person whose external id, e-mail or phone
// matches a tombstone is suppressed: the call answers 409 SUBJECT_ERASED and stores
// nothing. Only the person's own new affirmative act, confirming a double opt-in,
// lifts the suppression, and only for the identifiers they confirmed with.
import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Database } from '../../db/database.js';
import { ApiError } from '../../errors.js';
import type { Keyring } from '../../keyring.js';
import { appendAudit } from '../registers/audit.js';
import { appendFeedEvent } from '../feed/feed-events.js';
import { findTombstone, lookupKeys, type Identifiers, type TombstoneMatch } from './tombstones.js';

export type { Identifiers };

/** The erasure this person falls under, if any; `db` may be an open transaction. */
export function erasureOf(
  db: Kysely<Database>,
  keyring: Keyring,
  tenantId: string,
  ids: Identifiers,
): Promise<TombstoneMatch | null> {
  return findTombstone({ db, keyring }, tenantId, ids);
}

export const subjectErased = () =>
  new ApiError(
    409,
    'SUBJECT_ERASED',
    'This person was erased and is not stored again. Only their own confirmation of a double opt-in brings them back: ' +
      'capture consent with "doubleOptIn": true and their "email".',
  );

/** Throws 409 SUBJECT_ERASED when any of the identifiers belongs to an erased person. */
export async function refuseErased(
  db: Kysely<Database>,
  keyring: Keyring,
  tenantId: string,
  ids: Identifiers,
): Promise<void> {
  if (await erasureOf(db, keyring, tenantId, ids)) throw subjectErased();
}

export interface Unsuppressed {
  /** The erasures whose suppression was lifted for these identifiers (their proof stays). */
  tombstoneIds: string[];
}

/**
 * The person confirmed a double opt-in themselves: their identifiers leave the register
 * (the tombstones, the proof of the erasure, stay), and the audit log and the feed say so.
 * Call in the transaction that records the confirmed consent (the ledger event).
 */
export async function liftSuppressionIn(
  trx: Kysely<Database>,
  ctx: Pick<AppContext, 'keyring'>,
  input: {
    tenantId: string;
    ids: Identifiers;
    subjectId: string;
    externalId: string | null;
    purpose: string;
    channel: string;
    at: string;
  },
): Promise<Unsuppressed> {
  const keys = lookupKeys(ctx.keyring, input.ids);
  if (keys.length === 0) return { tombstoneIds: [] };
  const matched = await trx
    .selectFrom('tombstone_identifiers')
    .select('tombstone_id')
    .where('tenant_id', '=', input.tenantId)
    .where('identifier_hash', 'in', keys)
    .execute();
  if (matched.length === 0) return { tombstoneIds: [] };
  await trx
    .deleteFrom('tombstone_identifiers')
    .where('tenant_id', '=', input.tenantId)
    .where('identifier_hash', 'in', keys)
    .execute();
  const tombstoneIds = [...new Set(matched.map((m) => m.tombstone_id))].sort();
  const kinds = [...new Set(keys.map((key) => key.slice(0, key.indexOf(':'))))].sort();
  await appendFeedEvent(
    trx,
    input.tenantId,
    {
      type: 'subject.unsuppressed',
      subjectId: input.subjectId,
      externalId: input.externalId,
      data: { confirmedBy: 'double_opt_in', purpose: input.purpose, channel: input.channel },
    },
    input.at,
  );
  await appendAudit(
    trx,
    input.tenantId,
    {
      actor: 'data_subject',
      action: 'subject.unsuppressed',
      target: input.subjectId,
      details: { tombstoneIds, identifiers: kinds, purpose: input.purpose, channel: input.channel },
    },
    input.at,
  );
  return { tombstoneIds };
}
