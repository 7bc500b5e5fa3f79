// The audience of a purpose and channel (GET /v1/audience): everyone whose consent is
// granted and not expired, who is not restricted (Art. 18), has not objected to
// direct marketing when the purpose is marketing (Art. 21(3)) and is not erased
// (erased subjects no longer exist). Read by keyset pagination in batches, so a
// million subjects stream in constant memory.
import {
  isMarketingPurpose,
  isObjectablePurpose,
  type Purpose,
} from '../../../shared/schemas/config.js';
import type { AppContext } from '../../context.js';
import { recordDisclosures } from '../registers/disclosures.js';

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
  /** The key pulling the audience: each person in it is logged as disclosed to it (Art. 19). */
  keyId?: string;
}

/**
 * The query of one batch: a range of the consent_state_audience index (granted consents of
 * one purpose and channel in subject order, expiry included), each joined to its subject.
 */
export function audienceBatchQuery(
  ctx: Pick<AppContext, 'db'>,
  query: AudienceQuery,
  afterSubjectId: string,
  now: string,
  size = AUDIENCE_BATCH,
) {
  // The encrypted columns are read only when they are decrypted (pii:read): they are most of a row's bytes.
  const columns = query.pii
    ? ([
        'consent_state.subject_id',
        'subjects.external_id',
        'subjects.email_enc',
        'subjects.phone_enc',
      ] as const)
    : (['consent_state.subject_id', 'subjects.external_id'] as const);
  if (isObjectablePurpose(query.purpose))
    return objectableBatchQuery(ctx, query, afterSubjectId, size);
  let q = ctx.db
    .selectFrom('consent_state')
    .innerJoin('subjects', 'subjects.id', 'consent_state.subject_id')
    .select(columns)
    .where('consent_state.tenant_id', '=', query.tenantId)
    .where('consent_state.purpose', '=', query.purpose.key)
    .where('consent_state.channel', '=', query.channel)
    .where('consent_state.subject_id', '>', afterSubjectId)
    .where('consent_state.status', '=', 'granted')
    .where((eb) =>
      eb.or([eb('consent_state.expires_at', 'is', null), eb('consent_state.expires_at', '>', now)]),
    )
    .where('subjects.restricted', '=', 0);
  // An objection excludes the person unless their own grant lifted it for this purpose and channel.
  if (isMarketingPurpose(query.purpose)) {
    q = q.where((eb) =>
      eb.or([
        eb('subjects.objected_at', 'is', null),
        eb('consent_state.objection_lifted_at', 'is not', null),
      ]),
    );
  }
  return q.orderBy('consent_state.subject_id').limit(size);
}

/**
 * Legitimate interest or public task needs no consent: everyone of the tenant who is not
 * restricted and has not objected to this purpose (Art. 21(1)).
 */
function objectableBatchQuery(
  ctx: Pick<AppContext, 'db'>,
  query: AudienceQuery,
  afterSubjectId: string,
  size: number,
) {
  const columns = query.pii
    ? ([
        'subjects.id as subject_id',
        'subjects.external_id',
        'subjects.email_enc',
        'subjects.phone_enc',
      ] as const)
    : (['subjects.id as subject_id', 'subjects.external_id'] as const);
  return ctx.db
    .selectFrom('subjects')
    .leftJoin('consent_state', (join) =>
      join
        .onRef('consent_state.subject_id', '=', 'subjects.id')
        .on('consent_state.tenant_id', '=', query.tenantId)
        .on('consent_state.purpose', '=', query.purpose.key)
        .on('consent_state.channel', '=', query.channel),
    )
    .select(columns)
    .where('subjects.tenant_id', '=', query.tenantId)
    .where('subjects.id', '>', afterSubjectId)
    .where('subjects.restricted', '=', 0)
    .where('subjects.merged_into', 'is', null)
    .where((eb) =>
      eb.or([eb('consent_state.status', 'is', null), eb('consent_state.status', '!=', 'objected')]),
    )
    .orderBy('subjects.id')
    .limit(size);
}

/** One batch after `afterSubjectId` ('' for the first), ordered by subject id. */
export async function readAudienceBatch(
  ctx: AppContext,
  query: AudienceQuery,
  afterSubjectId: string,
  now: string,
  size = AUDIENCE_BATCH,
): Promise<Array<AudienceMember & { key: string }>> {
  const rows = (await audienceBatchQuery(
    ctx,
    query,
    afterSubjectId,
    now,
    size,
  ).execute()) as Array<{
    subject_id: string;
    external_id: string | null;
    email_enc?: string | null;
    phone_enc?: string | null;
  }>;
  return rows.map((r) => ({
    key: r.subject_id,
    id: r.subject_id,
    externalId: r.external_id,
    ...(query.pii
      ? {
          email: r.email_enc == null ? null : ctx.keyring.decrypt(r.email_enc),
          phone: r.phone_enc == null ? null : ctx.keyring.decrypt(r.phone_enc),
        }
      : {}),
  }));
}

/** One NDJSON line, built as text: the audience is streamed a million lines at a time. */
function memberLine(m: AudienceMember, pii: boolean): string {
  const base = `{"id":${JSON.stringify(m.id)},"externalId":${m.externalId === null ? 'null' : JSON.stringify(m.externalId)}`;
  if (!pii) return `${base}}\n`;
  return `${base},"email":${m.email == null ? 'null' : JSON.stringify(m.email)},"phone":${m.phone == null ? 'null' : JSON.stringify(m.phone)}}\n`;
}

/** NDJSON, one member a line, pulled batch by batch as the client reads. */
export function streamAudience(
  ctx: AppContext,
  query: AudienceQuery,
  signal?: AbortSignal,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const now = ctx.clock.now().toISOString();
  let after = '';
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (signal?.aborted) return controller.close();
        const batch = await readAudienceBatch(ctx, query, after, now);
        if (batch.length > 0) {
          after = batch[batch.length - 1].key;
          let text = '';
          for (const member of batch) text += memberLine(member, query.pii);
          if (query.keyId) {
            const categories = query.pii
              ? ['external_id', 'consent', 'email', 'phone']
              : ['external_id', 'consent'];
            await recordDisclosures(
              ctx.db,
              query.tenantId,
              batch.map((m) => ({
                subjectId: m.id,
                kind: 'key',
                recipientId: query.keyId!,
                categories,
              })),
              now,
            );
          }
          controller.enqueue(encoder.encode(text));
        }
        if (batch.length < AUDIENCE_BATCH) controller.close();
      },
    },
    { highWaterMark: 1 },
  );
}
