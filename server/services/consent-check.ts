// "May I?" (CONTRACT.md §9): may this tool process this person for this purpose and
// channel right now, and if not, why. Erasure, restriction (Art. 18) and an objection
// to direct marketing (Art. 21(3)) outrank any consent.
import { isCommunicationPurpose, isMarketingPurpose, type Purpose } from '../../shared/schemas/config.js';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import { effectiveStatus } from './consent-state.js';
import { requirePublishedConfig } from './config.js';
import { isErased } from './rights/tombstones.js';
import { findSubjectByExternalId } from './subjects-core.js';

export type CheckReason =
  | 'granted' | 'no_consent' | 'denied' | 'withdrawn' | 'expired' | 'pending'
  | 'restricted' | 'objected' | 'erased' | 'unknown_subject';

/** The purpose and the stored channel ('' for a website purpose); unknown ones are 422. */
export async function resolvePurpose(ctx: AppContext, tenantId: string, purposeKey: string, channel: string | undefined): Promise<{ purpose: Purpose; channel: string }> {
  const { config } = await requirePublishedConfig(ctx.db, tenantId);
  const purpose = config.purposes.find((p) => p.key === purposeKey);
  if (!purpose) throw new ApiError(422, 'UNKNOWN_PURPOSE', `Unknown purpose "${purposeKey.slice(0, 40)}"`);
  if (isCommunicationPurpose(purpose)) {
    if (channel === undefined) throw new ApiError(422, 'VALIDATION_FAILED', `Purpose "${purpose.key}" is given per channel: pass channel (${purpose.channels!.join(', ')})`);
    if (!purpose.channels!.includes(channel)) throw new ApiError(422, 'VALIDATION_FAILED', `Purpose "${purpose.key}" has no channel "${channel}"`);
    return { purpose, channel };
  }
  if (channel !== undefined) throw new ApiError(422, 'VALIDATION_FAILED', `Purpose "${purpose.key}" is a website purpose and has no channels`);
  return { purpose, channel: '' };
}

export async function checkConsent(ctx: AppContext, tenantId: string, externalId: string, purposeKey: string, channelIn: string | undefined): Promise<{ allowed: boolean; reason: CheckReason }> {
  const { purpose, channel } = await resolvePurpose(ctx, tenantId, purposeKey, channelIn);
  const deny = (reason: CheckReason) => ({ allowed: false, reason });
  const subject = await findSubjectByExternalId(ctx.db, tenantId, externalId);
  if (!subject) return deny((await isErased(ctx, tenantId, { externalId })) ? 'erased' : 'unknown_subject');
  if (subject.restricted === 1) return deny('restricted');
  if (subject.objected_at !== null && isMarketingPurpose(purpose)) return deny('objected');
  if (purpose.required && !isCommunicationPurpose(purpose)) return { allowed: true, reason: 'granted' };
  const row = await ctx.db.selectFrom('consent_state').select(['status', 'expires_at'])
    .where('tenant_id', '=', tenantId).where('subject_id', '=', subject.id)
    .where('purpose', '=', purpose.key).where('channel', '=', channel).executeTakeFirst();
  if (!row) return deny('no_consent');
  const status = effectiveStatus(row, ctx.clock.now().toISOString());
  return status === 'granted' ? { allowed: true, reason: 'granted' } : deny(status);
}
