// The right to restriction (Art. 18): a flag every consumer honours (feed, audience,
// check) with one of the four grounds of 18(1) (GDPR-34); lifting it only after the
// person has been told (18(3), GDPR-35), with that notice logged in the same step.
import type { RestrictionReason } from '../../../shared/schemas/requests.js';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import { appendAudit } from '../registers/audit.js';
import { appendFeedEvent } from '../feed/feed-events.js';
import { prepareNotice, type NoticeRecord } from './notices.js';
import { recipientsToNotify } from '../registers/disclosures.js';
import { completeRequestIn } from './requests.js';
import { loadSubject } from './subject-row.js';

type Ctx = Pick<AppContext, 'db' | 'clock' | 'keyring' | 'mailer'>;

export interface RestrictInput {
  tenantId: string;
  subjectId: string;
  reason: RestrictionReason;
  requestId?: string | null;
  actor: string;
}

export interface RestrictResult {
  /** Art. 19: the recipients told of it (they received the person's data, or receive the feed). */
  notified: Awaited<ReturnType<typeof recipientsToNotify>>;
  restricted: true;
  reason: RestrictionReason;
  /** False when it was already restricted on this ground: nothing changed, no event. */
  changed: boolean;
}

export async function restrictSubject(ctx: Ctx, input: RestrictInput): Promise<RestrictResult> {
  return ctx.db.transaction().execute(async (trx) => {
    const subject = await loadSubject(trx, input.tenantId, input.subjectId);
    const at = ctx.clock.now().toISOString();
    const changed = subject.restricted !== 1 || subject.restriction_reason !== input.reason;
    if (changed) {
      await trx
        .updateTable('subjects')
        .set({ restricted: 1, restriction_reason: input.reason, updated_at: at })
        .where('tenant_id', '=', input.tenantId)
        .where('id', '=', input.subjectId)
        .execute();
      await appendFeedEvent(
        trx,
        input.tenantId,
        {
          type: 'subject.restricted',
          subjectId: subject.id,
          externalId: subject.external_id,
          data: { reason: input.reason },
        },
        at,
      );
      await appendAudit(
        trx,
        input.tenantId,
        {
          actor: input.actor,
          action: 'subject.restricted',
          target: subject.id,
          details: { reason: input.reason, requestId: input.requestId ?? null },
        },
        at,
      );
    }
    const result: RestrictResult = {
      restricted: true,
      reason: input.reason,
      changed,
      notified: await recipientsToNotify(trx, input.tenantId, input.subjectId),
    };
    if (input.requestId)
      await completeRequestIn(trx, ctx, {
        tenantId: input.tenantId,
        requestId: input.requestId,
        outcome: { ...result },
        actor: input.actor,
      });
    return result;
  });
}

export interface LiftInput {
  tenantId: string;
  subjectId: string;
  requestId?: string | null;
  actor: string;
}

export interface LiftResult {
  restricted: false;
  /** How the person was told before the lift (Art. 18(3)). */
  notice: NoticeRecord;
}

/**
 * Tells the person first (e-mail when an address is known; in the preference center
 * they are shown it on the page; through the API the requesting tool passes it on),
 * then lifts and logs the notice with the lift in one transaction, the queued mail
 * included. A notice that cannot be queued rolls the lift back.
 */
export async function liftRestriction(ctx: Ctx, input: LiftInput): Promise<LiftResult> {
  const before = await loadSubject(ctx.db, input.tenantId, input.subjectId);
  if (before.restricted !== 1)
    throw new ApiError(409, 'CONFLICT', 'Processing of this subject is not restricted');
  const fallback = input.actor === 'data_subject' ? 'preference_center' : 'requester';
  const prepared = await prepareNotice(
    ctx,
    input.tenantId,
    input.subjectId,
    { kind: 'restriction_lift' },
    fallback,
  );
  const notice = prepared.record;

  return ctx.db.transaction().execute(async (trx) => {
    const subject = await loadSubject(trx, input.tenantId, input.subjectId);
    await prepared.queue(trx);
    const at = ctx.clock.now().toISOString();
    await appendAudit(
      trx,
      input.tenantId,
      {
        actor: input.actor,
        action: 'subject.restriction_lift_notified',
        target: subject.id,
        details: { via: notice.via, notifiedAt: notice.at, requestId: input.requestId ?? null },
      },
      at,
    );
    const lifted = await trx
      .updateTable('subjects')
      .set({ restricted: 0, restriction_reason: null, updated_at: at })
      .where('tenant_id', '=', input.tenantId)
      .where('id', '=', input.subjectId)
      .where('restricted', '=', 1)
      .executeTakeFirst();
    if (Number(lifted.numUpdatedRows) !== 1)
      throw new ApiError(409, 'CONFLICT', 'Processing of this subject is not restricted');
    await appendFeedEvent(
      trx,
      input.tenantId,
      {
        type: 'subject.restriction_lifted',
        subjectId: subject.id,
        externalId: subject.external_id,
        data: { previousReason: subject.restriction_reason, notifiedVia: notice.via },
      },
      at,
    );
    await appendAudit(
      trx,
      input.tenantId,
      {
        actor: input.actor,
        action: 'subject.restriction_lifted',
        target: subject.id,
        details: { previousReason: subject.restriction_reason, requestId: input.requestId ?? null },
      },
      at,
    );
    const result: LiftResult = { restricted: false, notice };
    if (input.requestId)
      await completeRequestIn(trx, ctx, {
        tenantId: input.tenantId,
        requestId: input.requestId,
        outcome: { ...result },
        actor: input.actor,
      });
    return result;
  });
}
