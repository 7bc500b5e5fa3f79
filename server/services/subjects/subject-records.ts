// Personal data a tool keeps in Akkoord per data set (orders, sign-ups): each record
// sealed with AES-256-GCM (GDPR Art. 32), so exports and erasures find it here.
import type { AppContext } from '../../context.js';
import { newId } from '../../ids.js';
import { sealJson } from './personal-data.js';
import { refuseErased } from '../rights/erasure-register.js';
import { requireExternalSubject } from './subjects.js';

/** Rows per INSERT: well under SQLite's limit on bound parameters. */
const CHUNK = 500;

export async function addRecords(
  ctx: AppContext,
  tenantId: string,
  externalId: string,
  dataset: string,
  records: Array<Record<string, unknown>>,
): Promise<string[]> {
  const at = ctx.clock.now().toISOString();
  const rows = records.map((record) => ({
    id: newId('rec'),
    data_enc: sealJson(ctx.keyring, record),
  }));
  await ctx.db.transaction().execute(async (trx) => {
    // Records of an erased person would re-identify them: 409, not a plain 404.
    await refuseErased(trx, ctx.keyring, tenantId, { externalId });
    const subject = await requireExternalSubject(trx, tenantId, externalId);
    for (let i = 0; i < rows.length; i += CHUNK) {
      await trx
        .insertInto('records')
        .values(
          rows.slice(i, i + CHUNK).map((r) => ({
            ...r,
            tenant_id: tenantId,
            subject_id: subject.id,
            dataset,
            created_at: at,
          })),
        )
        .execute();
    }
    await trx
      .updateTable('subjects')
      .set({ last_activity_at: at })
      .where('id', '=', subject.id)
      .execute();
  });
  return rows.map((r) => r.id);
}
