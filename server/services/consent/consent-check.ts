// "May I?": may this tool process this person for this purpose and
// channel right now, and if not, why. Erasure, restriction (Art. 18) and an objection
// to direct marketing (Art. 21(3)) outrank any consent.
import {
  isCommunicationPurpose,
  isMarketingPurpose,
  isNoticeOnlyPurpose,
  isObjectablePurpose,
  type Purpose,
} from '../../../shared/schemas/config.js';
import type { AppContext } from '../../context.js';
import { ApiError } from '../../errors.js';
import { effectiveStatus } from './consent-state.js';
import { requirePublishedConfig } from '../config/config.js';
import { isErased } from '../rights/tombstones.js';
import { findSubjectByExternalId } from '../subjects/subjects-core.js';

export type CheckReason =
  | 'granted'
  | 'no_consent'
  | 'denied'
  | 'withdrawn'
  | 'expired'
  | 'pending'
  | 'restricted'
  | 'objected'
  | 'erased'
  | 'unknown_subject'
  | 'stale_notice';

/** The purpose and the stored channel ('' for a website purpose); unknown ones are 422. */
export async function resolvePurpose(
  ctx: AppContext,
  tenantId: string,
  purposeKey: string,
  channel: string | undefined,
): Promise<{ purpose: Purpose; channel: string }> {
  const { config } = await requirePublishedConfig(ctx.db, tenantId);
  const purpose = config.purposes.find((p) => p.key === purposeKey);
  if (!purpose)
    throw new ApiError(422, 'UNKNOWN_PURPOSE', `Unknown purpose "${purposeKey.slice(0, 40)}"`);
  if (isCommunicationPurpose(purpose)) {
    if (channel === undefined)
      throw new ApiError(
        422,
        'VALIDATION_FAILED',
        `Purpose "${purpose.key}" is given per channel: pass channel (${purpose.channels!.join(', ')})`,
      );
    if (!purpose.channels!.includes(channel))
      throw new ApiError(
        422,
        'VALIDATION_FAILED',
        `Purpose "${purpose.key}" has no channel "${channel}"`,
      );
    return { purpose, channel };
  }
  if (channel !== undefined)
    throw new ApiError(
      422,
      'VALIDATION_FAILED',
      `Purpose "${purpose.key}" is a website purpose and has no channels`,
    );
  return { purpose, channel: '' };
}

export async function checkConsent(
  ctx: AppContext,
  tenantId: string,
  externalId: string,
  purposeKey: string,
  channelIn: string | undefined,
): Promise<{ allowed: boolean; reason: CheckReason }> {
  const { purpose, channel } = await resolvePurpose(ctx, tenantId, purposeKey, channelIn);
  const deny = (reason: CheckReason) => ({ allowed: false, reason });
  const subject = await findSubjectByExternalId(ctx.db, tenantId, externalId);
  if (!subject)
    return deny((await isErased(ctx, tenantId, { externalId })) ? 'erased' : 'unknown_subject');
  if (subject.restricted === 1) return deny('restricted');
  const row = await ctx.db
    .selectFrom('consent_state')
    .select(['status', 'expires_at', 'objection_lifted_at', 'config_version'])
    .where('tenant_id', '=', tenantId)
    .where('subject_id', '=', subject.id)
    .where('purpose', '=', purpose.key)
    .where('channel', '=', channel)
    .executeTakeFirst();
  // The objection holds until the person's own grant lifted it for this purpose and channel.
  if (subject.objected_at !== null && isMarketingPurpose(purpose) && !row?.objection_lifted_at)
    return deny('objected');
  if (purpose.required && !isCommunicationPurpose(purpose))
    return { allowed: true, reason: 'granted' };
  // Contract or legal obligation needs no consent; legitimate interest or public task holds
  // until the person objects to that purpose (Art. 21(1)).
  if (isNoticeOnlyPurpose(purpose)) return { allowed: true, reason: 'granted' };
  if (isObjectablePurpose(purpose))
    return row?.status === 'objected' ? deny('objected') : { allowed: true, reason: 'granted' };
  if (!row) return deny('no_consent');
  const status = effectiveStatus(row, ctx.clock.now().toISOString());
  if (status !== 'granted') return deny(status);
  // GDPR-12: given under a notice that has since changed materially. Still a valid consent
  // (allowed stays true), flagged so the tool asks again.
  return (await staleNotice(ctx, tenantId, row.config_version))
    ? { allowed: true, reason: 'stale_notice' }
    : { allowed: true, reason: 'granted' };
}

/** Whether a decision's configuration version lies before the current material version. */
async function staleNotice(
  ctx: AppContext,
  tenantId: string,
  configVersion: number,
): Promise<boolean> {
  const [current, given] = await Promise.all([
    requirePublishedConfig(ctx.db, tenantId),
    ctx.db
      .selectFrom('config_versions')
      .select('material_version')
      .where('tenant_id', '=', tenantId)
      .where('version', '=', configVersion)
      .executeTakeFirst(),
  ]);
  return given !== undefined && given.material_version < current.materialVersion;
}
