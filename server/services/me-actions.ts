// What a signed-in person does in the preference center. Each right is a data-subject
// request (CONTRACT.md §7, origin `preference_center`), verified by the sign-in and run
// at once through the rights services, which complete it, audit it and emit its feed
// event. Consent changes go through the same ledger as the banner's.
import type { ConsentState, Decisions } from '../../shared/schemas/consent.js';
import type { ErasureScope, RectificationScope, RequestType, RequestView, RestrictionReason } from '../../shared/schemas/requests.js';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import { appendAudit } from './audit.js';
import { requirePublishedConfig } from './config.js';
import { readStateRows, shapeState, effectiveStatus } from './consent-state.js';
import { openJson } from './personal-data.js';
import { decisionsToChanges, recordConsentIn } from './record-consent.js';
import type { RequestContext } from './request-context.js';
import { exportSubject, type ExportFile } from './rights/access-export.js';
import { eraseSubject, type EraseResult } from './rights/erase.js';
import { objectToMarketing } from './rights/object.js';
import { rectifySubject } from './rights/rectify.js';
import { completeRequest, createRequest, listRequests } from './rights/requests.js';
import { liftRestriction, restrictSubject } from './rights/restrict.js';
import { loadSubject } from './rights/subject-row.js';

export interface Me {
  tenantId: string;
  subjectId: string;
}

const ACTOR = 'data_subject';
const HISTORY_LIMIT = 500;

/** Everything the page shows: identities, profile, consents with when and how, history, records per data set. */
export async function readMe(ctx: AppContext, me: Me) {
  const subject = await loadSubject(ctx.db, me.tenantId, me.subjectId);
  const { config } = await requirePublishedConfig(ctx.db, me.tenantId);
  const now = ctx.clock.now().toISOString();
  const [rows, history, records] = await Promise.all([
    readStateRows(ctx.db, me.tenantId, me.subjectId),
    ctx.db.selectFrom('consent_events').select(['occurred_at', 'purpose', 'channel', 'status', 'source'])
      .where('tenant_id', '=', me.tenantId).where('subject_id', '=', me.subjectId)
      .orderBy('seq', 'desc').limit(HISTORY_LIMIT).execute(),
    ctx.db.selectFrom('records').select(['dataset', (eb) => eb.fn.countAll<number>().as('n')])
      .where('tenant_id', '=', me.tenantId).where('subject_id', '=', me.subjectId).groupBy('dataset').orderBy('dataset').execute(),
  ]);
  return {
    subject: {
      id: subject.id,
      externalId: subject.external_id,
      email: subject.email_enc === null ? null : ctx.keyring.decrypt(subject.email_enc),
      phone: subject.phone_enc === null ? null : ctx.keyring.decrypt(subject.phone_enc),
      attributes: openJson<Record<string, unknown>>(ctx.keyring, subject.attributes_enc) ?? {},
      restriction: { restricted: subject.restricted === 1, reason: subject.restriction_reason },
      objection: { objectedAt: subject.objected_at },
    },
    consent: {
      state: shapeState(config, rows, now) as ConsentState,
      current: rows.map((r) => ({
        purpose: r.purpose, channel: r.channel || null, status: effectiveStatus(r, now), source: r.source, since: r.updated_at, expiresAt: r.expires_at,
      })),
      history: history.map((e) => ({ occurredAt: e.occurred_at, purpose: e.purpose, channel: e.channel || null, status: e.status, source: e.source })),
    },
    records: Object.fromEntries(records.map((r) => [r.dataset, Number(r.n)])),
  };
}

/** PUT /v1/me/consents: the person's own change, recorded like the banner's with source preference_center. */
export async function changeConsents(ctx: AppContext, me: Me, decisions: Decisions, locale: string | undefined, request: RequestContext) {
  const published = await requirePublishedConfig(ctx.db, me.tenantId);
  return ctx.db.transaction().execute(async (trx) => {
    const rows = await readStateRows(trx, me.tenantId, me.subjectId);
    const changes = decisionsToChanges(published.config, decisions, rows);
    const recorded = await recordConsentIn(trx, ctx, {
      tenantId: me.tenantId, subjectId: me.subjectId, configVersion: published.version,
      locale: locale ?? published.config.defaultLocale, source: 'preference_center', changes,
      ipTruncated: request.ipTruncated, userAgent: request.userAgent,
    });
    if (recorded.events.length > 0) {
      await appendAudit(trx, me.tenantId, {
        actor: ACTOR, action: 'consent.changed', target: me.subjectId,
        details: { consentId: recorded.consentId, changes: recorded.events.map((e) => ({ purpose: e.purpose, channel: e.channel, status: e.status })) },
      }, recorded.occurredAt);
    }
    return { state: recorded.state, changed: recorded.changed };
  });
}

/** A request received now, to be completed by the rights service it is handed to. */
function receive(ctx: AppContext, me: Me, type: RequestType, scope: Record<string, unknown>) {
  return createRequest(ctx, { tenantId: me.tenantId, subjectId: me.subjectId, type, scope, origin: 'preference_center', actor: ACTOR });
}

export async function correctProfile(ctx: AppContext, me: Me, fields: RectificationScope) {
  // The request names the fields, never their new values (those are personal data).
  const names = [
    ...(fields.email !== undefined ? ['email'] : []),
    ...(fields.phone !== undefined ? ['phone'] : []),
    ...Object.keys(fields.attributes ?? {}).map((name) => `attributes.${name}`),
  ];
  const request = await receive(ctx, me, 'rectification', { fields: names });
  const result = await rectifySubject(ctx, { tenantId: me.tenantId, subjectId: me.subjectId, fields, requestId: request.id, actor: ACTOR });
  return { requestId: request.id, ...result };
}

/** GET /v1/me/export: JSON is the Art. 15 copy, CSV the Art. 20 portable table; both are requests. */
export async function exportMe(ctx: AppContext, me: Me, format: 'json' | 'csv', locale?: string): Promise<ExportFile> {
  const request = await receive(ctx, me, format === 'json' ? 'access' : 'portability', { format });
  const file = await exportSubject(ctx, me.tenantId, me.subjectId, format, { locale });
  await completeRequest(ctx, { tenantId: me.tenantId, requestId: request.id, outcome: { format, bytes: Buffer.byteLength(file.body) }, actor: ACTOR });
  return file;
}

export async function restrictMe(ctx: AppContext, me: Me, reason: RestrictionReason) {
  const request = await receive(ctx, me, 'restriction', { reason });
  const result = await restrictSubject(ctx, { tenantId: me.tenantId, subjectId: me.subjectId, reason, requestId: request.id, actor: ACTOR });
  return { requestId: request.id, ...result };
}

/** Art. 18(3): the person is told before the lift; on this page the answer itself tells them what happens next. */
export async function liftMe(ctx: AppContext, me: Me) {
  // Refuse before a request exists: lifting nothing is not a request.
  await liftableOrThrow(ctx, me);
  const request = await receive(ctx, me, 'lift_restriction', {});
  const result = await liftRestriction(ctx, { tenantId: me.tenantId, subjectId: me.subjectId, requestId: request.id, actor: ACTOR });
  return { requestId: request.id, ...result };
}

async function liftableOrThrow(ctx: AppContext, me: Me) {
  const subject = await loadSubject(ctx.db, me.tenantId, me.subjectId);
  if (subject.restricted !== 1) throw new ApiError(409, 'CONFLICT', 'Processing of your data is not restricted');
}

export async function objectMe(ctx: AppContext, me: Me, locale?: string) {
  const request = await receive(ctx, me, 'objection', {});
  const result = await objectToMarketing(ctx, {
    tenantId: me.tenantId, subjectId: me.subjectId, source: 'preference_center', requestId: request.id, actor: ACTOR, locale,
  });
  return { requestId: request.id, ...result };
}

export async function eraseMe(ctx: AppContext, me: Me, scope: ErasureScope): Promise<{ requestId: string } & EraseResult> {
  const request = await receive(ctx, me, 'erasure', { ...scope });
  const result = await eraseSubject(ctx, { tenantId: me.tenantId, subjectId: me.subjectId, scope, requestId: request.id, actor: ACTOR });
  return { requestId: request.id, ...result };
}

export async function listMyRequests(ctx: AppContext, me: Me): Promise<RequestView[]> {
  const requests = await listRequests(ctx, me.tenantId, { subjectId: me.subjectId, limit: 1000 });
  return requests.sort((a, b) => b.receivedAt.localeCompare(a.receivedAt));
}
