// Consent a tool captured outside the banner (a form, a call centre, an import):
// recorded through the same ledger with its source and the time it was given, and
// with double opt-in left `pending` until the person confirms by e-mail (MAIL-08,
// GDPR Art. 7(1): the controller must be able to show the person agreed).
import type { CaptureConsentBody } from '../../shared/schemas/subjects.js';
import type { ConsentState } from '../../shared/schemas/consent.js';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import { readStateRows } from './consent-state.js';
import { requirePublishedConfig } from './config.js';
import { startDoubleOptIn } from './double-opt-in.js';
import { notifyFeed } from './feed-watch.js';
import { lockLedgerHead } from './ledger-head.js';
import { configSeen, decisionsToChanges, recordConsentIn } from './record-consent.js';
import { findOrCreateExternalSubject } from './subjects.js';

/** Clocks of tools drift a little; a capture time further ahead than this is refused. */
const FUTURE_SKEW_MS = 5 * 60_000;

export interface CapturedConsent {
  id: string;
  subject: { id: string; externalId: string };
  state: ConsentState;
  changed: ConsentState;
  doubleOptIn: { started: Array<{ purpose: string; channel: string }> };
}

export async function captureConsent(ctx: AppContext, tenantId: string, externalId: string, input: CaptureConsentBody): Promise<CapturedConsent> {
  const now = ctx.clock.now();
  const at = now.toISOString();
  let capturedAt: string | null = null;
  if (input.capturedAt !== undefined) {
    const time = Date.parse(input.capturedAt);
    if (Number.isNaN(time)) throw new ApiError(400, 'VALIDATION_FAILED', 'capturedAt is not a time');
    if (time > now.getTime() + FUTURE_SKEW_MS) throw new ApiError(422, 'VALIDATION_FAILED', 'capturedAt lies in the future');
    capturedAt = new Date(time).toISOString();
  }
  const published = input.configVersion === undefined
    ? await requirePublishedConfig(ctx.db, tenantId)
    : await configSeen(ctx.db, tenantId, input.configVersion);

  const answer = await ctx.db.transaction().execute(async (trx) => {
    // The head lock first, like every writer here: no lock-order deadlock with the subject insert.
    await lockLedgerHead(trx, tenantId);
    if (input.clientEventId) {
      const seen = await trx.selectFrom('idempotency_keys').select('response')
        .where('tenant_id', '=', tenantId).where('client_event_id', '=', input.clientEventId).executeTakeFirst();
      if (seen) return { ...(JSON.parse(seen.response) as CapturedConsent), replay: true };
    }
    const { row } = await findOrCreateExternalSubject(trx, tenantId, externalId, at);
    if (input.doubleOptIn && row.email_enc === null) {
      throw new ApiError(422, 'VALIDATION_FAILED', 'Double opt-in needs an e-mail address: PUT /v1/subjects/{externalId} with "email" first');
    }
    const current = await readStateRows(trx, tenantId, row.id);
    const changes = decisionsToChanges(published.config, input.decisions, current, { grantAs: input.doubleOptIn ? 'pending' : 'granted' });
    const recorded = await recordConsentIn(trx, ctx, {
      tenantId,
      subjectId: row.id,
      configVersion: published.version,
      locale: input.locale ?? published.config.defaultLocale,
      source: input.source,
      changes,
      capturedAt,
      clientEventId: input.clientEventId ?? null,
    });
    const result: CapturedConsent = {
      id: recorded.consentId,
      subject: { id: row.id, externalId },
      state: recorded.state,
      changed: recorded.changed,
      doubleOptIn: { started: recorded.events.filter((e) => e.status === 'pending').map((e) => ({ purpose: e.purpose, channel: e.channel })) },
    };
    if (input.clientEventId) {
      await trx.insertInto('idempotency_keys')
        .values({ tenant_id: tenantId, client_event_id: input.clientEventId, response: JSON.stringify(result), created_at: at })
        .execute();
    }
    return { ...result, replay: false };
  });
  const { replay, ...result } = answer;
  if (replay) return result;
  notifyFeed(ctx, tenantId);
  // After the commit: the confirmation mail must not go out for a consent that was rolled back.
  for (const pending of result.doubleOptIn.started) {
    await startDoubleOptIn(ctx, { tenantId, subjectId: result.subject.id, purpose: pending.purpose, channel: pending.channel, locale: input.locale });
  }
  return result;
}
