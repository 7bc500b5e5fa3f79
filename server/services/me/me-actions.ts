// What a signed-in person does in the preference center. Each right is a data-subject
// request (origin `preference_center`), verified by the sign-in and run
// at once through the rights services, which complete it, audit it and emit its feed
// event. Consent changes go through the same ledger as the banner's.
import {
  isCommunicationPurpose,
  isMarketingPurpose,
  type TenantConfig,
} from '../../../shared/schemas/config.js';
import type { ConsentState, Decisions } from '../../../shared/schemas/consent.js';
import type {
  ErasureScope,
  RectificationScope,
  RequestType,
  RequestView,
  RestrictionReason,
} from '../../../shared/schemas/requests.js';
import { listRecipients } from '../registers/disclosures.js';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import { appendAudit } from '../registers/audit.js';
import { requirePublishedConfig } from '../config/config.js';
import {
  readStateRows,
  shapeState,
  effectiveStatus,
  type StateRow,
} from '../consent/consent-state.js';
import { startDoubleOptIn } from './double-opt-in.js';
import { openJson, sealEmail } from '../subjects/personal-data.js';
import { recordConsentIn } from '../consent/consent-write.js';
import { decisionsToChanges } from '../consent/record-consent.js';
import type { RequestContext } from '../../http/request-context.js';
import { exportSubject, type ExportFile } from '../rights/access-export.js';
import { eraseSubject, type EraseResult } from '../rights/erase.js';
import { keptByLawFor } from '../rights/kept-by-law.js';
import { objectToMarketing, storeObjectionReason } from '../rights/object.js';
import { rectifySubject } from '../rights/rectify.js';
import { completeRequest, createRequest, listRequests } from '../rights/requests.js';
import { liftRestriction, restrictSubject } from '../rights/restrict.js';
import { loadSubject } from '../rights/subject-row.js';

export interface Me {
  tenantId: string;
  subjectId: string;
  /** Who is behind the session, for the audit log: the person, and for a link session the link and its key. */
  actor: string;
  assurance: 'high' | 'low';
}
const HISTORY_LIMIT = 500;

/**
 * Everything the page shows: identities, profile, consents with when and how, history,
 * records per data set. A low-assurance session sees consents, restriction and objection
 * only: identities, profile fields and records stay hidden until the person steps up.
 */
export async function readMe(ctx: AppContext, me: Me) {
  const subject = await loadSubject(ctx.db, me.tenantId, me.subjectId);
  const { config } = await requirePublishedConfig(ctx.db, me.tenantId);
  const now = ctx.clock.now().toISOString();
  const [rows, history, records] = await Promise.all([
    readStateRows(ctx.db, me.tenantId, me.subjectId),
    ctx.db
      .selectFrom('consent_events')
      .select(['occurred_at', 'purpose', 'channel', 'status', 'source', 'reason'])
      .where('tenant_id', '=', me.tenantId)
      .where('subject_id', '=', me.subjectId)
      .orderBy('seq', 'desc')
      .limit(HISTORY_LIMIT)
      .execute(),
    ctx.db
      .selectFrom('records')
      .select(['dataset', (eb) => eb.fn.countAll<number>().as('n')])
      .where('tenant_id', '=', me.tenantId)
      .where('subject_id', '=', me.subjectId)
      .groupBy('dataset')
      .orderBy('dataset')
      .execute(),
  ]);
  const personal = me.assurance === 'high';
  return {
    canStepUp: !personal && subject.email_enc !== null,
    onFile: { email: subject.email_enc !== null, phone: subject.phone_enc !== null },
    subject: {
      id: subject.id,
      externalId: personal ? subject.external_id : null,
      email: personal && subject.email_enc !== null ? ctx.keyring.decrypt(subject.email_enc) : null,
      phone: personal && subject.phone_enc !== null ? ctx.keyring.decrypt(subject.phone_enc) : null,
      attributes: personal
        ? (openJson<Record<string, unknown>>(ctx.keyring, subject.attributes_enc) ?? {})
        : {},
      restriction: { restricted: subject.restricted === 1, reason: subject.restriction_reason },
      objection: {
        objectedAt: subject.objected_at,
        covers: subject.objected_at === null ? [] : objectionCovers(config, rows),
      },
    },
    consent: {
      state: shapeState(config, rows, now) as ConsentState,
      current: rows.map((r) => ({
        purpose: r.purpose,
        channel: r.channel || null,
        status: effectiveStatus(r, now),
        source: r.source,
        since: r.updated_at,
        expiresAt: r.expires_at,
      })),
      history: history.map((e) => ({
        occurredAt: e.occurred_at,
        purpose: e.purpose,
        channel: e.channel || null,
        status: e.status,
        source: e.source,
        reason: (e.reason as 'objected' | 'objection_lifted' | null) ?? null,
      })),
    },
    records: personal ? Object.fromEntries(records.map((r) => [r.dataset, Number(r.n)])) : {},
    recipients: personal
      ? (await listRecipients(ctx.db, me.tenantId, me.subjectId)).map(({ id: _id, ...r }) => r)
      : [],
    // Art. 17(3)(b): explained instead of offered for erasure; the dates only to the confirmed person.
    keptByLaw: (await keptByLawFor(ctx.db, config, me.tenantId, me.subjectId)).map((k) => ({
      ...k,
      until: personal ? k.until : null,
    })),
  };
}

/** The marketing purposes and channels an objection still covers: all but those the person granted again since. */
function objectionCovers(
  config: TenantConfig,
  rows: StateRow[],
): Array<{ purpose: string; channel: string | null }> {
  return config.purposes
    .filter(isMarketingPurpose)
    .flatMap((purpose) =>
      (isCommunicationPurpose(purpose) ? purpose.channels! : ['']).map((channel) => ({
        purpose: purpose.key,
        channel,
      })),
    )
    .filter(
      (slot) =>
        !rows.some(
          (r) => r.purpose === slot.purpose && r.channel === slot.channel && r.objection_lifted_at,
        ),
    )
    .map((slot) => ({ purpose: slot.purpose, channel: slot.channel || null }));
}

/**
 * PUT /v1/me/consents: the person's own change, recorded like the banner's with source
 * preference_center. After an objection to direct marketing, turning marketing back on
 * lifts the objection: that must be the person's own act, so a session opened by a
 * tool's link (which the tool could follow itself) has to step up first.
 */
export async function changeConsents(
  ctx: AppContext,
  me: Me,
  decisions: Decisions,
  locale: string | undefined,
  request: RequestContext,
  email?: string,
) {
  const published = await requirePublishedConfig(ctx.db, me.tenantId);
  const confirmations: Array<{ purpose: string; channel: string }> = [];
  const result = await ctx.db.transaction().execute(async (trx) => {
    const rows = await readStateRows(trx, me.tenantId, me.subjectId);
    let changes = decisionsToChanges(published.config, decisions, rows);
    const granting = (channel: string) =>
      changes.some(
        (c) => c.channel === channel && (c.status === 'granted' || c.status === 'pending'),
      );
    if (granting('email') || granting('sms')) {
      // A channel needs an address: without one a "yes" would be recorded for nobody to reach.
      const subject = await loadSubject(trx, me.tenantId, me.subjectId);
      if (granting('sms') && subject.phone_enc === null) {
        throw new ApiError(
          409,
          'NO_ADDRESS_ON_FILE',
          'SMS needs a phone number on file; there is none',
        );
      }
      if (granting('email') && subject.email_enc === null) {
        if (!email)
          throw new ApiError(
            409,
            'NO_ADDRESS_ON_FILE',
            'E-mail needs an address: send `email`, and a confirmation link goes to it',
          );
        // The typed address is stored, but the e-mail consent is only pending: it counts once
        // the person follows the link mailed to that address (double opt-in).
        await trx
          .updateTable('subjects')
          .set({ ...sealEmail(ctx.keyring, email), updated_at: ctx.clock.now().toISOString() })
          .where('tenant_id', '=', me.tenantId)
          .where('id', '=', me.subjectId)
          .execute();
        changes = changes.map((c) =>
          c.channel === 'email' && c.status === 'granted'
            ? { ...c, status: 'pending' as const }
            : c,
        );
        confirmations.push(
          ...changes
            .filter((c) => c.channel === 'email' && c.status === 'pending')
            .map((c) => ({ purpose: c.purpose, channel: 'email' })),
        );
      }
    }
    if (me.assurance !== 'high') {
      const marketing = new Set(
        published.config.purposes.filter(isMarketingPurpose).map((p) => p.key),
      );
      const regranting = changes.some(
        (c) => marketing.has(c.purpose) && (c.status === 'granted' || c.status === 'pending'),
      );
      if (regranting && (await loadSubject(trx, me.tenantId, me.subjectId)).objected_at !== null) {
        throw new ApiError(
          403,
          'STEP_UP_REQUIRED',
          'Turning marketing back on after an objection lifts the objection: confirm it is you first (POST /v1/me/step-up)',
        );
      }
    }
    const recorded = await recordConsentIn(trx, ctx, {
      tenantId: me.tenantId,
      subjectId: me.subjectId,
      configVersion: published.version,
      locale: locale ?? published.config.defaultLocale,
      source: 'preference_center',
      changes,
      ipTruncated: request.ipTruncated,
      userAgent: request.userAgent,
    });
    if (recorded.events.length > 0) {
      await appendAudit(
        trx,
        me.tenantId,
        {
          actor: me.actor,
          action: 'consent.changed',
          target: me.subjectId,
          details: {
            consentId: recorded.consentId,
            changes: recorded.events.map((e) => ({
              purpose: e.purpose,
              channel: e.channel,
              status: e.status,
            })),
          },
        },
        recorded.occurredAt,
      );
    }
    return { state: recorded.state, changed: recorded.changed };
  });
  // After the commit: the confirmation writes a token and sends mail.
  for (const pending of confirmations) {
    await startDoubleOptIn(ctx, {
      tenantId: me.tenantId,
      subjectId: me.subjectId,
      ...pending,
      locale,
    });
  }
  return { ...result, confirmationSent: confirmations.length > 0 };
}

/** A request received now, to be completed by the rights service it is handed to. */
function receive(ctx: AppContext, me: Me, type: RequestType, scope: Record<string, unknown>) {
  return createRequest(ctx, {
    tenantId: me.tenantId,
    subjectId: me.subjectId,
    type,
    scope,
    origin: 'preference_center',
    actor: me.actor,
  });
}

export async function correctProfile(ctx: AppContext, me: Me, fields: RectificationScope) {
  // The request names the fields, never their new values (those are personal data).
  const names = [
    ...(fields.email !== undefined ? ['email'] : []),
    ...(fields.phone !== undefined ? ['phone'] : []),
    ...Object.keys(fields.attributes ?? {}).map((name) => `attributes.${name}`),
  ];
  const request = await receive(ctx, me, 'rectification', { fields: names });
  const result = await rectifySubject(ctx, {
    tenantId: me.tenantId,
    subjectId: me.subjectId,
    fields,
    requestId: request.id,
    actor: me.actor,
  });
  return { requestId: request.id, ...result };
}

/** POST /v1/me/export: JSON is the Art. 15 copy, CSV the Art. 20 portable table; both are requests. */
export async function exportMe(
  ctx: AppContext,
  me: Me,
  format: 'json' | 'csv',
  locale?: string,
): Promise<ExportFile> {
  const request = await receive(ctx, me, format === 'json' ? 'access' : 'portability', { format });
  const file = await exportSubject(ctx, me.tenantId, me.subjectId, format, { locale });
  await completeRequest(ctx, {
    tenantId: me.tenantId,
    requestId: request.id,
    outcome: { format, bytes: Buffer.byteLength(file.body) },
    actor: me.actor,
  });
  return file;
}

export async function restrictMe(ctx: AppContext, me: Me, reason: RestrictionReason) {
  const request = await receive(ctx, me, 'restriction', { reason });
  const result = await restrictSubject(ctx, {
    tenantId: me.tenantId,
    subjectId: me.subjectId,
    reason,
    requestId: request.id,
    actor: me.actor,
  });
  return { requestId: request.id, ...result };
}

/** Art. 18(3): the person is told before the lift; on this page the answer itself tells them what happens next. */
export async function liftMe(ctx: AppContext, me: Me) {
  // Refuse before a request exists: lifting nothing is not a request.
  await liftableOrThrow(ctx, me);
  const request = await receive(ctx, me, 'lift_restriction', {});
  const result = await liftRestriction(ctx, {
    tenantId: me.tenantId,
    subjectId: me.subjectId,
    requestId: request.id,
    actor: me.actor,
  });
  return { requestId: request.id, ...result };
}

async function liftableOrThrow(ctx: AppContext, me: Me) {
  const subject = await loadSubject(ctx.db, me.tenantId, me.subjectId);
  if (subject.restricted !== 1)
    throw new ApiError(409, 'CONFLICT', 'Processing of your data is not restricted');
}

export async function objectMe(ctx: AppContext, me: Me, locale?: string, reason?: string) {
  const request = await receive(ctx, me, 'objection', {});
  await storeObjectionReason(ctx.db, ctx.keyring, me.tenantId, request.id, reason);
  const result = await objectToMarketing(ctx, {
    tenantId: me.tenantId,
    subjectId: me.subjectId,
    source: 'preference_center',
    requestId: request.id,
    actor: me.actor,
    locale,
  });
  return { requestId: request.id, ...result };
}

export async function eraseMe(
  ctx: AppContext,
  me: Me,
  scope: ErasureScope,
): Promise<{ requestId: string } & EraseResult> {
  const request = await receive(ctx, me, 'erasure', { ...scope });
  const result = await eraseSubject(ctx, {
    tenantId: me.tenantId,
    subjectId: me.subjectId,
    scope,
    requestId: request.id,
    actor: me.actor,
  });
  return { requestId: request.id, ...result };
}

export async function listMyRequests(ctx: AppContext, me: Me): Promise<RequestView[]> {
  const requests = await listRequests(ctx, me.tenantId, { subjectId: me.subjectId, limit: 1000 });
  return requests.sort((a, b) => b.receivedAt.localeCompare(a.receivedAt));
}
