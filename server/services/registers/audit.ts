// The audit log: every administrative and request action, with actor, time and
// target ids, never personal data (GDPR Art. 5(2), 30).
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { newId } from '../../ids.js';
import { reserveSeq } from '../ledger/ledger-head.js';

export interface AuditEntry {
  /** key_..., 'data_subject', 'system' or 'bootstrap'. */
  actor: string;
  action: string;
  /** Ids only. */
  target?: string | null;
  details?: Record<string, unknown>;
}

/** Appends within the caller's transaction (it takes the tenant's head lock). */
export async function appendAudit(
  trx: Kysely<Database>,
  tenantId: string,
  entry: AuditEntry,
  at: string,
): Promise<void> {
  const seq = await reserveSeq(trx, tenantId, 'audit_seq');
  await trx
    .insertInto('audit_log')
    .values({
      tenant_id: tenantId,
      seq,
      id: newId('aud'),
      actor: entry.actor,
      action: entry.action,
      target: entry.target ?? null,
      details: JSON.stringify(entry.details ?? {}),
      occurred_at: at,
    })
    .execute();
}
