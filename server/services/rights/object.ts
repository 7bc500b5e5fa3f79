// Objection to direct marketing (Art. 21(2)-(3), GDPR-41): absolute, no balancing.
// It marks the subject as objected and withdraws, through the one consent ledger,
// every marketing purpose and channel that is granted or pending. Afterwards a tool's
// grant is stored as refused (reason `objected`); only the person's own grant lifts the
// objection, for that purpose and channel (record-consent.ts, applyObjection).
import type { Kysely } from 'kysely';
import { isMarketingPurpose } from '../../../shared/schemas/config.js';
import type { AppContext } from '../../context.js';
import type { Database } from '../../db/database.js';
import type { Keyring } from '../../keyring.js';
import { appendAudit } from '../registers/audit.js';
import { getPublishedConfig } from '../config/config.js';
import { readStateRows } from '../consent/consent-state.js';
import { appendFeedEvent } from '../feed/feed-events.js';
import { recordConsentIn } from '../consent/consent-write.js';
import type { ConsentChange } from '../consent/record-consent.js';
import { completeRequestIn } from './requests.js';
import { loadSubject } from './subject-row.js';

type Ctx = Pick<AppContext, 'db' | 'clock'>;

export interface ObjectInput {
  tenantId: string;
  subjectId: string;
  /** Ledger source of the withdrawals. */
  source: 'preference_center' | 'api' | 'unsubscribe' | 'banner';
  requestId?: string | null;
  actor: string;
  locale?: string;
  /**
   * Global Privacy Control as an objection (Art. 21(5), GPC-05): the browser's signal, sent with
   * a choice the person just made. Marketing purposes the person granted themselves under it stay
   * granted, as their own lift of the objection.
   */
  signal?: 'gpc';
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
    const marketing = new Set(
      (published?.config.purposes ?? []).filter(isMarketingPurpose).map((p) => p.key),
    );
    const rows = await readStateRows(trx, input.tenantId, input.subjectId);
    const changes: ConsentChange[] = rows
      .filter(
        (r) =>
          !input.signal &&
          marketing.has(r.purpose) &&
          (r.status === 'granted' || r.status === 'pending'),
      )
      .map((r) => ({ purpose: r.purpose, channel: r.channel, status: 'withdrawn' }));
    if (changes.length > 0 && published) {
      await recordConsentIn(trx, ctx, {
        tenantId: input.tenantId,
        subjectId: input.subjectId,
        configVersion: published.version,
        locale: input.locale ?? published.config.defaultLocale,
        source: input.source,
        changes,
      });
    }
    if (subject.objected_at === null) {
      await trx
        .updateTable('subjects')
        .set({ objected_at: objectedAt, updated_at: at })
        .where('tenant_id', '=', input.tenantId)
        .where('id', '=', input.subjectId)
        .execute();
    }
    if (input.signal) {
      const granted = rows
        .filter((r) => marketing.has(r.purpose) && r.status === 'granted')
        .map((r) => r.purpose);
      if (granted.length > 0) {
        await trx
          .updateTable('consent_state')
          .set({ objection_lifted_at: at })
          .where('tenant_id', '=', input.tenantId)
          .where('subject_id', '=', input.subjectId)
          .where('purpose', 'in', granted)
          .execute();
      }
    } else {
      // Objecting again covers every marketing purpose again, also those the person had taken back.
      await trx
        .updateTable('consent_state')
        .set({ objection_lifted_at: null })
        .where('tenant_id', '=', input.tenantId)
        .where('subject_id', '=', input.subjectId)
        .where('objection_lifted_at', 'is not', null)
        .execute();
    }
    const withdrawn = changes.map(({ purpose, channel }) => ({ purpose, channel }));
    await appendFeedEvent(
      trx,
      input.tenantId,
      {
        type: 'subject.objected',
        subjectId: subject.id,
        externalId: subject.external_id,
        data: { objectedAt, withdrawn, ...(input.signal && { signal: input.signal }) },
      },
      at,
    );
    await appendAudit(
      trx,
      input.tenantId,
      {
        actor: input.actor,
        action: 'subject.objected',
        target: subject.id,
        details: {
          requestId: input.requestId ?? null,
          withdrawn: withdrawn.length,
          ...(input.signal && { signal: input.signal }),
        },
      },
      at,
    );
    const result: ObjectResult = { objectedAt, withdrawn };
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

/**
 * Keeps the person's reason for an objection with its request, encrypted (it is their own
 * text and may hold anything); an empty reason is none. Never in the scope, audit or feed.
 */
export async function storeObjectionReason(
  db: Kysely<Database>,
  keyring: Keyring,
  tenantId: string,
  requestId: string,
  reason: string | undefined,
): Promise<void> {
  if (!reason?.trim()) return;
  await db
    .updateTable('requests')
    .set({ reason_enc: keyring.encrypt(reason.trim()) })
    .where('tenant_id', '=', tenantId)
    .where('id', '=', requestId)
    .execute();
}

/** The reasons given with a person's requests, by request id, decrypted. */
export async function objectionReasons(
  db: Kysely<Database>,
  keyring: Keyring,
  tenantId: string,
  requestIds: string[],
): Promise<Map<string, string>> {
  if (requestIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('requests')
    .select(['id', 'reason_enc'])
    .where('tenant_id', '=', tenantId)
    .where('id', 'in', requestIds)
    .where('reason_enc', 'is not', null)
    .execute();
  return new Map(rows.map((r) => [r.id, keyring.decrypt(r.reason_enc!)]));
}
