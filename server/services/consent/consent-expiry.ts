// Records `expired` in the ledger for granted consents past their expiry
// (consentTtlDays, GDPR-12: consent is refreshed at intervals). Reads already show
// such a consent as expired; this job makes the ledger and the feed say so too, so
// marketing tools that follow the feed stop using it. Run by a timer in the server
// and by the CLI.
import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Database } from '../../db/database.js';
import { lockLedgerHead } from '../ledger/ledger-head.js';
import { recordConsentIn } from './consent-write.js';

export interface ExpiryResult {
  subjects: number;
  events: number;
}

type ExpiryContext = Pick<AppContext, 'db' | 'clock'>;

const PAGE = 500;

/** Every tenant's overdue grants, a page of subjects at a time, one transaction per subject. */
export async function expireConsents(
  ctx: ExpiryContext,
  options: { tenantId?: string } = {},
): Promise<ExpiryResult> {
  const now = ctx.clock.now().toISOString();
  const result: ExpiryResult = { subjects: 0, events: 0 };
  let after: { tenant: string; subject: string } | null = null;
  for (;;) {
    let query = ctx.db
      .selectFrom('consent_state')
      .select(['tenant_id', 'subject_id'])
      .distinct()
      .where('status', '=', 'granted')
      .where('expires_at', '<=', now)
      .orderBy('tenant_id')
      .orderBy('subject_id')
      .limit(PAGE);
    if (options.tenantId) query = query.where('tenant_id', '=', options.tenantId);
    const cursor = after;
    if (cursor) {
      query = query.where((eb) =>
        eb.or([
          eb('tenant_id', '>', cursor.tenant),
          eb.and([eb('tenant_id', '=', cursor.tenant), eb('subject_id', '>', cursor.subject)]),
        ]),
      );
    }
    const page = await query.execute();
    for (const { tenant_id: tenantId, subject_id: subjectId } of page) {
      const events = await ctx.db
        .transaction()
        .execute((trx) => expireSubject(trx, ctx, tenantId, subjectId, now));
      if (events > 0) result.subjects += 1;
      result.events += events;
    }
    if (page.length < PAGE) return result;
    const last = page[page.length - 1];
    after = { tenant: last.tenant_id, subject: last.subject_id };
  }
}

/**
 * One subject's overdue grants, grouped by the config version and locale they were
 * given under (the expiry event names the notice that was agreed to). The head lock is taken before
 * the state is read, so a grant made meanwhile is not overwritten.
 */
async function expireSubject(
  trx: Kysely<Database>,
  ctx: ExpiryContext,
  tenantId: string,
  subjectId: string,
  now: string,
): Promise<number> {
  await lockLedgerHead(trx, tenantId);
  const overdue = await trx
    .selectFrom('consent_state as s')
    .leftJoin('consent_events as e', (join) =>
      join.onRef('e.tenant_id', '=', 's.tenant_id').onRef('e.seq', '=', 's.event_seq'),
    )
    .select(['s.purpose', 's.channel', 's.config_version', 'e.locale'])
    .where('s.tenant_id', '=', tenantId)
    .where('s.subject_id', '=', subjectId)
    .where('s.status', '=', 'granted')
    .where('s.expires_at', '<=', now)
    .execute();
  const groups = new Map<string, typeof overdue>();
  for (const row of overdue) {
    const key = `${row.config_version}:${row.locale ?? ''}`;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  let events = 0;
  for (const rows of groups.values()) {
    const recorded = await recordConsentIn(trx, ctx, {
      tenantId,
      subjectId,
      configVersion: rows[0].config_version,
      // The locale of the grant that expires; recordConsentIn falls back to the default one.
      locale: rows[0].locale ?? '',
      source: 'expiry',
      changes: rows.map((row) => ({
        purpose: row.purpose,
        channel: row.channel,
        status: 'expired' as const,
      })),
    });
    events += recorded.events.length;
  }
  return events;
}

/**
 * Runs expireConsents shortly after start and then every `intervalMs` (default hourly)
 * in this process; overlapping runs are skipped. Returns a function that stops it.
 */
export function startExpiryJob(
  ctx: AppContext,
  { intervalMs = 60 * 60_000, firstRunMs = 5_000 } = {},
): () => void {
  let running = false;
  const run = async () => {
    if (running) return;
    running = true;
    try {
      const result = await expireConsents(ctx);
      if (result.events > 0) ctx.logger.info(result, 'consent expiry recorded');
    } catch (error) {
      ctx.logger.error({ err: error as Error }, 'consent expiry failed');
    } finally {
      running = false;
    }
  };
  const first = setTimeout(run, firstRunMs);
  const timer = setInterval(run, intervalMs);
  first.unref();
  timer.unref();
  return () => {
    clearTimeout(first);
    clearInterval(timer);
  };
}
