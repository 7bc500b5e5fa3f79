// Objection to direct marketing (Art. 21(2)-(3), GDPR-41): absolute, no balancing.
// It marks the subject as objected and withdraws, through the one consent ledger,
// every marketing purpose and channel that is granted or pending.
import { isMarketingPurpose } from '../../../shared/schemas/config.js';
import type { AppContext } from '../../context.js';
import { appendAudit } from '../audit.js';
import { getPublishedConfig } from '../config.js';
import { readStateRows } from '../consent-state.js';
import { appendFeedEvent } from '../feed-events.js';
import { recordConsentIn, type ConsentChange } from '../record-consent.js';
import { completeRequestIn } from './requests.js';
import { loadSubject } from './subject-row.js';

type Ctx = Pick<AppContext, 'db' | 'clock'>;

export interface ObjectInput {
  tenantId: string;
  subjectId: string;
  /** Ledger source of the withdrawals. */
  source: 'preference_center' | 'api' | 'unsubscribe';
  requestId?: string | null;
  actor: string;
  locale?: string;
}

export interface ObjectResult {
  objectedAt: string;
  /** The consents this objection withdrew. */
  withdrawn: Array<{ purpose: string; channel: string }>;
}

export async function objectToMarketing(ctx: Ctx, input: ObjectInput): Promise<ObjectResult> {
  return ctx.db.transaction().execute(async (trx) => {
    const subject = await loadSubject(trx, input.tenantId, input.subjectId);
    const at = ctx.clock.now().toISOString();
    const objectedAt = subject.objected_at ?? at;
    const published = await getPublishedConfig(trx, input.tenantId);
    const marketing = new Set((published?.config.purposes ?? []).filter(isMarketingPurpose).map((p) => p.key));
    const rows = await readStateRows(trx, input.tenantId, input.subjectId);
    const changes: ConsentChange[] = rows
      .filter((r) => marketing.has(r.purpose) && (r.status === 'granted' || r.status === 'pending'))
      .map((r) => ({ purpose: r.purpose, channel: r.channel, status: 'withdrawn' }));
    if (changes.length > 0 && published) {
      await recordConsentIn(trx, ctx, {
        tenantId: input.tenantId, subjectId: input.subjectId, configVersion: published.version,
        locale: input.locale ?? published.config.defaultLocale, source: input.source, changes,
      });
    }
    if (subject.objected_at === null) {
      await trx.updateTable('subjects').set({ objected_at: objectedAt, updated_at: at })
        .where('tenant_id', '=', input.tenantId).where('id', '=', input.subjectId).execute();
    }
    const withdrawn = changes.map(({ purpose, channel }) => ({ purpose, channel }));
    await appendFeedEvent(trx, input.tenantId, {
      type: 'subject.objected', subjectId: subject.id, externalId: subject.external_id, data: { objectedAt, withdrawn },
    }, at);
    await appendAudit(trx, input.tenantId, {
      actor: input.actor, action: 'subject.objected', target: subject.id, details: { requestId: input.requestId ?? null, withdrawn: withdrawn.length },
    }, at);
    const result: ObjectResult = { objectedAt, withdrawn };
    if (input.requestId) await completeRequestIn(trx, ctx, { tenantId: input.tenantId, requestId: input.requestId, outcome: { ...result }, actor: input.actor });
    return result;
  });
}
