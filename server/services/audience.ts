// The audience of a purpose and channel (CONTRACT.md §9): everyone whose consent is
// granted and not expired, who is not restricted (Art. 18), has not objected to
// direct marketing when the purpose is marketing (Art. 21(3)) and is not erased
// (erased subjects no longer exist). Read by keyset pagination in batches, so a
// million subjects stream in constant memory.
import { isMarketingPurpose, type Purpose } from '../../shared/schemas/config.js';
import type { AppContext } from '../context.js';

export const AUDIENCE_BATCH = 1000;

export interface AudienceMember {
  id: string;
  externalId: string | null;
  email?: string | null;
  phone?: string | null;
}

export interface AudienceQuery {
  tenantId: string;
  purpose: Purpose;
  /** '' for a website purpose. */
  channel: string;
  pii: boolean;
}

/** One batch after `afterSubjectId` ('' for the first), ordered by subject id. */
export async function readAudienceBatch(ctx: AppContext, query: AudienceQuery, afterSubjectId: string, now: string, size = AUDIENCE_BATCH): Promise<Array<AudienceMember & { key: string }>> {
  let q = ctx.db
    .selectFrom('consent_state')
    .innerJoin('subjects', 'subjects.id', 'consent_state.subject_id')
    .select(['consent_state.subject_id', 'subjects.external_id', 'subjects.email_enc', 'subjects.phone_enc'])
    .where('consent_state.tenant_id', '=', query.tenantId)
    .where('consent_state.purpose', '=', query.purpose.key)
    .where('consent_state.channel', '=', query.channel)
    .where('consent_state.subject_id', '>', afterSubjectId)
    .where('consent_state.status', '=', 'granted')
    .where((eb) => eb.or([eb('consent_state.expires_at', 'is', null), eb('consent_state.expires_at', '>', now)]))
    .where('subjects.restricted', '=', 0);
  if (isMarketingPurpose(query.purpose)) q = q.where('subjects.objected_at', 'is', null);
  const rows = await q.orderBy('consent_state.subject_id').limit(size).execute();
  return rows.map((r) => ({
    key: r.subject_id,
    id: r.subject_id,
    externalId: r.external_id,
    ...(query.pii ? {
      email: r.email_enc === null ? null : ctx.keyring.decrypt(r.email_enc),
      phone: r.phone_enc === null ? null : ctx.keyring.decrypt(r.phone_enc),
    } : {}),
  }));
}

/** NDJSON, one member a line, pulled batch by batch as the client reads. */
export function streamAudience(ctx: AppContext, query: AudienceQuery, signal?: AbortSignal): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const now = ctx.clock.now().toISOString();
  let after = '';
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (signal?.aborted) return controller.close();
      const batch = await readAudienceBatch(ctx, query, after, now);
      if (batch.length > 0) {
        after = batch[batch.length - 1].key;
        controller.enqueue(encoder.encode(batch.map(({ key: _key, ...member }) => JSON.stringify(member)).join('\n') + '\n'));
      }
      if (batch.length < AUDIENCE_BATCH) controller.close();
    },
  }, { highWaterMark: 1 });
}
