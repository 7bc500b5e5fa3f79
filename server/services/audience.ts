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

/**
 * The query of one batch: a range of the consent_state_audience index (granted consents of
 * one purpose and channel in subject order, expiry included), each joined to its subject.
 */
export function audienceBatchQuery(ctx: Pick<AppContext, 'db'>, query: AudienceQuery, afterSubjectId: string, now: string, size = AUDIENCE_BATCH) {
  // The encrypted columns are read only when they are decrypted (pii:read): they are most of a row's bytes.
  const columns = query.pii
    ? (['consent_state.subject_id', 'subjects.external_id', 'subjects.email_enc', 'subjects.phone_enc'] as const)
    : (['consent_state.subject_id', 'subjects.external_id'] as const);
  let q = ctx.db
    .selectFrom('consent_state')
    .innerJoin('subjects', 'subjects.id', 'consent_state.subject_id')
    .select(columns)
    .where('consent_state.tenant_id', '=', query.tenantId)
    .where('consent_state.purpose', '=', query.purpose.key)
    .where('consent_state.channel', '=', query.channel)
    .where('consent_state.subject_id', '>', afterSubjectId)
    .where('consent_state.status', '=', 'granted')
    .where((eb) => eb.or([eb('consent_state.expires_at', 'is', null), eb('consent_state.expires_at', '>', now)]))
    .where('subjects.restricted', '=', 0);
  if (isMarketingPurpose(query.purpose)) q = q.where('subjects.objected_at', 'is', null);
  return q.orderBy('consent_state.subject_id').limit(size);
}

/** One batch after `afterSubjectId` ('' for the first), ordered by subject id. */
export async function readAudienceBatch(ctx: AppContext, query: AudienceQuery, afterSubjectId: string, now: string, size = AUDIENCE_BATCH): Promise<Array<AudienceMember & { key: string }>> {
  const rows = (await audienceBatchQuery(ctx, query, afterSubjectId, now, size).execute()) as Array<{
    subject_id: string; external_id: string | null; email_enc?: string | null; phone_enc?: string | null;
  }>;
  return rows.map((r) => ({
    key: r.subject_id,
    id: r.subject_id,
    externalId: r.external_id,
    ...(query.pii ? {
      email: r.email_enc == null ? null : ctx.keyring.decrypt(r.email_enc),
      phone: r.phone_enc == null ? null : ctx.keyring.decrypt(r.phone_enc),
    } : {}),
  }));
}

/** One NDJSON line, built as text: the audience is streamed a million lines at a time. */
function memberLine(m: AudienceMember, pii: boolean): string {
  const base = `{"id":${JSON.stringify(m.id)},"externalId":${m.externalId === null ? 'null' : JSON.stringify(m.externalId)}`;
  if (!pii) return `${base}}\n`;
  return `${base},"email":${m.email == null ? 'null' : JSON.stringify(m.email)},"phone":${m.phone == null ? 'null' : JSON.stringify(m.phone)}}\n`;
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
        let text = '';
        for (const member of batch) text += memberLine(member, query.pii);
        controller.enqueue(encoder.encode(text));
      }
      if (batch.length < AUDIENCE_BATCH) controller.close();
    },
  }, { highWaterMark: 1 });
}
