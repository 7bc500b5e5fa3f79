// One-click unsubscribe (RFC 8058, MAIL-03, MAIL-07): the token of a List-Unsubscribe
// link withdraws consent for that purpose on that channel at once, through the same
// ledger as every other consent (source `unsubscribe`), so the feed tells every tool.
// The objection link beside it objects to all direct marketing (Art. 21(2)-(4)).
// Repeating either changes nothing: the ledger only records a status that moves.
import type { AppContext } from '../../context.js';
import { appendAudit } from '../registers/audit.js';
import { getPublishedConfig, requirePublishedConfig } from '../config/config.js';
import { readStateRows } from '../consent/consent-state.js';
import { findToken, readPurposeLink, type PurposeLink, type TokenRow } from './links.js';
import { recordConsentIn } from '../consent/consent-write.js';
import { decisionsToChanges } from '../consent/record-consent.js';
import { objectToMarketing } from '../rights/object.js';

export type UnsubscribeTarget = PurposeLink;

/** What an unsubscribe link is about, for its page; null when the link is unknown or expired. */
export const readUnsubscribeLink = (
  ctx: AppContext,
  token: string,
): Promise<UnsubscribeTarget | null> => readPurposeLink(ctx, token, 'unsubscribe');

/** Withdraws the link's purpose and channel; true when the ledger changed. */
export async function unsubscribe(ctx: AppContext, target: UnsubscribeTarget): Promise<boolean> {
  const { tenantId, subjectId } = target.token;
  return ctx.db.transaction().execute(async (trx) => {
    const subject = await trx
      .selectFrom('subjects')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('id', '=', subjectId!)
      .executeTakeFirst();
    // An erased person gets nothing any more: unsubscribing from nothing succeeds.
    if (!subject) return false;
    const rows = await readStateRows(trx, tenantId, subject.id);
    let published = await requirePublishedConfig(trx, tenantId);
    const stillOffered = published.config.purposes.some(
      (p) => p.key === target.purpose && (p.channels ?? []).includes(target.channel),
    );
    if (!stillOffered) {
      // The purpose left the configuration: withdraw under the version the consent was given on.
      const row = rows.find((r) => r.purpose === target.purpose && r.channel === target.channel);
      const older = row ? await getPublishedConfig(trx, tenantId, row.config_version) : null;
      if (!older) return false;
      published = older;
    }
    const changes = decisionsToChanges(
      published.config,
      { [target.purpose]: { [target.channel]: false } },
      rows,
    );
    const recorded = await recordConsentIn(trx, ctx, {
      tenantId,
      subjectId: subject.id,
      configVersion: published.version,
      locale: target.locale,
      source: 'unsubscribe',
      changes,
    });
    if (recorded.events.length === 0) return false;
    await appendAudit(
      trx,
      tenantId,
      {
        actor: 'data_subject',
        action: 'consent.unsubscribed',
        target: subject.id,
        details: {
          purpose: target.purpose,
          channel: target.channel,
          consentId: recorded.consentId,
        },
      },
      recorded.occurredAt,
    );
    return true;
  });
}

/** An objection link: whose, and in which language its page speaks. */
export interface ObjectionLink {
  token: TokenRow;
  locale: string;
  tenantName: string;
}

/** Null when the link is unknown (never issued, or its person erased). */
export async function readObjectionLink(
  ctx: AppContext,
  token: string,
): Promise<ObjectionLink | null> {
  const row = await findToken(ctx.db, ctx, token, ['objection']);
  if (!row?.subjectId) return null;
  const tenant = await ctx.db
    .selectFrom('tenants')
    .select('name')
    .where('id', '=', row.tenantId)
    .executeTakeFirst();
  const published = await getPublishedConfig(ctx.db, row.tenantId);
  return {
    token: row,
    locale: row.data.locale ?? published?.config.defaultLocale ?? 'en',
    tenantName: tenant?.name ?? '',
  };
}

/**
 * Objects to all direct marketing, recorded like every objection (ledger source
 * `unsubscribe`, feed subject.objected); true when something changed. An objection
 * already standing in full (nothing lifted since) is left as it is.
 */
export async function objectByLink(ctx: AppContext, link: ObjectionLink): Promise<boolean> {
  const { tenantId, subjectId } = link.token;
  const subject = await ctx.db
    .selectFrom('subjects')
    .select('objected_at')
    .where('tenant_id', '=', tenantId)
    .where('id', '=', subjectId!)
    .executeTakeFirst();
  if (!subject) return false;
  if (subject.objected_at !== null) {
    const lifted = await ctx.db
      .selectFrom('consent_state')
      .select('purpose')
      .where('tenant_id', '=', tenantId)
      .where('subject_id', '=', subjectId!)
      .where('objection_lifted_at', 'is not', null)
      .executeTakeFirst();
    if (!lifted) return false;
  }
  await objectToMarketing(ctx, {
    tenantId,
    subjectId: subjectId!,
    source: 'unsubscribe',
    actor: 'data_subject',
    locale: link.locale,
  });
  return true;
}
