// One-click unsubscribe (RFC 8058, MAIL-03, MAIL-07): the token of a List-Unsubscribe
// link withdraws consent for that purpose on that channel at once, through the same
// ledger as every other consent (source `unsubscribe`), so the feed tells every tool.
// Repeating it changes nothing: the ledger only records a status that moves.
import type { AppContext } from '../context.js';
import { appendAudit } from './audit.js';
import { getPublishedConfig, requirePublishedConfig } from './config.js';
import { readStateRows } from './consent-state.js';
import { readPurposeLink, type PurposeLink } from './links.js';
import { decisionsToChanges, recordConsentIn } from './record-consent.js';

export type UnsubscribeTarget = PurposeLink;

/** What an unsubscribe link is about, for its page; null when the link is unknown or expired. */
export const readUnsubscribeLink = (ctx: AppContext, token: string): Promise<UnsubscribeTarget | null> =>
  readPurposeLink(ctx, token, 'unsubscribe');

/** Withdraws the link's purpose and channel; true when the ledger changed. */
export async function unsubscribe(ctx: AppContext, target: UnsubscribeTarget): Promise<boolean> {
  const { tenantId, subjectId } = target.token;
  return ctx.db.transaction().execute(async (trx) => {
    const subject = await trx.selectFrom('subjects').select('id').where('tenant_id', '=', tenantId).where('id', '=', subjectId!).executeTakeFirst();
    // An erased person gets nothing any more: unsubscribing from nothing succeeds.
    if (!subject) return false;
    const rows = await readStateRows(trx, tenantId, subject.id);
    let published = await requirePublishedConfig(trx, tenantId);
    const stillOffered = published.config.purposes.some((p) => p.key === target.purpose && (p.channels ?? []).includes(target.channel));
    if (!stillOffered) {
      // The purpose left the configuration: withdraw under the version the consent was given on.
      const row = rows.find((r) => r.purpose === target.purpose && r.channel === target.channel);
      const older = row ? await getPublishedConfig(trx, tenantId, row.config_version) : null;
      if (!older) return false;
      published = older;
    }
    const changes = decisionsToChanges(published.config, { [target.purpose]: { [target.channel]: false } }, rows);
    const recorded = await recordConsentIn(trx, ctx, {
      tenantId, subjectId: subject.id, configVersion: published.version, locale: target.locale, source: 'unsubscribe', changes,
    });
    if (recorded.events.length === 0) return false;
    await appendAudit(trx, tenantId, {
      actor: 'data_subject', action: 'consent.unsubscribed', target: subject.id,
      details: { purpose: target.purpose, channel: target.channel, consentId: recorded.consentId },
    }, recorded.occurredAt);
    return true;
  });
}
