// Consent a tool captured outside the banner (a form, a call centre, an import):
// recorded through the same ledger with its source and the time it was given, and
// with double opt-in left `pending` until the person confirms by e-mail (MAIL-08,
// GDPR Art. 7(1): the controller must be able to show the person agreed).
import type { CaptureConsentBody } from '../../../shared/schemas/subjects.js';
import type { ConsentState } from '../../../shared/schemas/consent.js';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import { checkAgeOfConsent } from './age-of-consent.js';
import { appendAudit } from '../registers/audit.js';
import { expiredOnArrival, type ExpiredOnArrival } from './consent-lifetime.js';
import { readStateRows } from './consent-state.js';
import { requirePublishedConfig } from '../config/config.js';
import { revivalWaiting, startDoubleOptIn, startRevivalOptIn } from '../me/double-opt-in.js';
import { notifyFeed } from '../feed/feed-watch.js';
import { saveAnswer, storedAnswer, subjectOwner } from '../idempotency.js';
import { lockLedgerHead } from '../ledger/ledger-head.js';
import { sealEmail } from '../subjects/personal-data.js';
import { recordConsentIn } from './consent-write.js';
import { configSeen, decisionsToChanges } from './record-consent.js';
import { erasureOf, subjectErased } from '../rights/erasure-register.js';
import { findOrCreateExternalSubject } from '../subjects/subjects.js';
import { findSubjectByExternalId } from '../subjects/subjects-core.js';

/** Clocks of tools drift a little; a capture time further ahead than this is refused. */
const FUTURE_SKEW_MS = 5 * 60_000;

export interface CapturedConsent {
  id: string;
  subject: { id: string; externalId: string };
  state: ConsentState;
  changed: ConsentState;
  doubleOptIn: { started: Array<{ purpose: string; channel: string }> };
  /** Grants already past their lifetime when they arrived (capturedAt long ago): stored as history, not usable. */
  warnings: ExpiredOnArrival[];
}

/** The answer for an erased person: confirmation mails went out, nothing is stored. */
export interface SuppressedCapture {
  subject: null;
  erased: true;
  doubleOptIn: { started: Array<{ purpose: string; channel: string }> };
}

type Pending = Array<{ purpose: string; channel: string }>;

export async function captureConsent(
  ctx: AppContext,
  tenantId: string,
  externalId: string,
  input: CaptureConsentBody,
): Promise<CapturedConsent | SuppressedCapture> {
  const now = ctx.clock.now();
  const at = now.toISOString();
  let capturedAt: string | null = null;
  if (input.capturedAt !== undefined) {
    const time = Date.parse(input.capturedAt);
    if (Number.isNaN(time))
      throw new ApiError(400, 'VALIDATION_FAILED', 'capturedAt is not a time');
    if (time > now.getTime() + FUTURE_SKEW_MS)
      throw new ApiError(422, 'VALIDATION_FAILED', 'capturedAt lies in the future');
    capturedAt = new Date(time).toISOString();
  }
  const published =
    input.configVersion === undefined
      ? await requirePublishedConfig(ctx.db, tenantId)
      : await configSeen(ctx.db, tenantId, input.configVersion);
  // Art. 8: a declared child's grant needs the holder of parental responsibility; refused before anything is stored.
  const grants = Object.values(input.decisions).some(
    (d) => d === true || (typeof d === 'object' && Object.values(d).includes(true)),
  );
  const ageCheck = checkAgeOfConsent(published.config, input, grants, now);

  const answer = await ctx.db
    .transaction()
    .execute(
      async (trx): Promise<{ suppressed: Pending } | (CapturedConsent & { replay: boolean })> => {
        // The head lock first, like every writer here: no lock-order deadlock with the subject insert.
        const head = await lockLedgerHead(trx, tenantId);
        // Art. 17: an erased person is not stored again by a tool. Only a double opt-in may go
        // ahead, as mail only: their own confirmation is what brings them back.
        if (await erasureOf(trx, ctx.keyring, tenantId, { externalId, email: input.email })) {
          const pending: Pending = decisionsToChanges(published.config, input.decisions, [], {
            grantAs: 'pending',
          })
            .filter((change) => change.status === 'pending')
            .map(({ purpose, channel }) => ({ purpose, channel }));
          if (!input.doubleOptIn || !input.email || pending.length === 0) throw subjectErased();
          if (await revivalWaiting(trx, ctx, tenantId, { externalId, email: input.email })) {
            throw new ApiError(
              409,
              'SUBJECT_ERASED',
              'This person was erased; a confirmation mail already waits for them, and no other is sent until it is used or expires',
            );
          }
          return { suppressed: pending };
        }
        // A retry of this person's capture gets the first answer; the same id for another person is their own.
        const known = input.clientEventId
          ? await findSubjectByExternalId(trx, tenantId, externalId)
          : undefined;
        if (known) {
          const seen = await storedAnswer(
            trx,
            { tenantId, owner: subjectOwner(known.id), clientEventId: input.clientEventId! },
            now,
          );
          if (seen !== undefined) return { ...(JSON.parse(seen) as CapturedConsent), replay: true };
        }
        // Found above (under the head lock, so still current): not read again.
        const { row, created } = known
          ? { row: known, created: false }
          : await findOrCreateExternalSubject(trx, tenantId, externalId, at);
        if (input.email && row.email_enc === null) {
          const sealed = sealEmail(ctx.keyring, input.email);
          await trx
            .updateTable('subjects')
            .set({ ...sealed, updated_at: at })
            .where('id', '=', row.id)
            .execute();
          Object.assign(row, sealed);
        }
        if (input.doubleOptIn && row.email_enc === null) {
          throw new ApiError(
            422,
            'VALIDATION_FAILED',
            'Double opt-in needs an e-mail address: PUT /v1/subjects/{externalId} with "email" first',
          );
        }
        // A person created just now has no consent yet.
        const current = created ? [] : await readStateRows(trx, tenantId, row.id);
        const changes = decisionsToChanges(published.config, input.decisions, current, {
          grantAs: input.doubleOptIn ? 'pending' : 'granted',
        });
        const recorded = await recordConsentIn(trx, ctx, {
          tenantId,
          subjectId: row.id,
          configVersion: published.version,
          locale: input.locale ?? published.config.defaultLocale,
          source: input.source,
          changes,
          capturedAt,
          clientEventId: input.clientEventId ?? null,
          // Read above (the state in this transaction): the write need not read them again.
          published,
          currentRows: current,
          // Nothing above wrote to the ledger or the feed: the head is as locked.
          lockedHead: head,
          ...(created ? { madeNow: { externalId } } : {}),
        });
        const result: CapturedConsent = {
          id: recorded.consentId,
          subject: { id: row.id, externalId },
          state: recorded.state,
          changed: recorded.changed,
          doubleOptIn: {
            started: recorded.events
              .filter((e) => e.status === 'pending')
              .map((e) => ({ purpose: e.purpose, channel: e.channel })),
          },
          warnings: expiredOnArrival(published.config, recorded.events, capturedAt ?? at, at),
        };
        // The proof of the age check (Art. 8(2): reasonable efforts to verify) sits beside the consent it belongs to.
        if (ageCheck && recorded.events.length > 0) {
          await appendAudit(
            trx,
            tenantId,
            {
              actor: 'system',
              action: 'consent.age_checked',
              target: row.id,
              details: { consentId: recorded.consentId, ...ageCheck },
            },
            at,
          );
        }
        if (input.clientEventId) {
          await saveAnswer(
            trx,
            { tenantId, owner: subjectOwner(row.id), clientEventId: input.clientEventId },
            JSON.stringify(result),
            at,
          );
        }
        return { ...result, replay: false };
      },
    );
  if ('suppressed' in answer) {
    for (const { purpose, channel } of answer.suppressed) {
      await startRevivalOptIn(ctx, {
        tenantId,
        purpose,
        channel,
        locale: input.locale,
        revival: {
          externalId,
          email: input.email!,
          configVersion: published.version,
          source: input.source,
        },
      });
    }
    return { subject: null, erased: true, doubleOptIn: { started: answer.suppressed } };
  }
  const { replay, ...result } = answer;
  if (replay) return result;
  notifyFeed(ctx, tenantId);
  // After the commit: the confirmation mail must not go out for a consent that was rolled back.
  for (const pending of result.doubleOptIn.started) {
    await startDoubleOptIn(ctx, {
      tenantId,
      subjectId: result.subject.id,
      purpose: pending.purpose,
      channel: pending.channel,
      locale: input.locale,
    });
  }
  return result;
}
