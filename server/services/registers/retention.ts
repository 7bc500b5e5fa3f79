// Storage limitation (GDPR Art. 5(1)(e)): the tenant's retention rules, run on a
// schedule inside the server and on demand (`akkoord purge`). People inactive for
// `retention.inactiveSubjectDays`, records older than `retention.records[dataset]`
// days, granted consents past `consentTtlDays` (recorded as expired), and records kept by law
// (Art. 17(3)(b)) after their person's erasure once their term has ended. Every erasure is a request with
// origin `retention` carried out by eraseSubject, so connected tools hear of it
// through the same feed events as any other erasure (Art. 19).
import type { TenantConfig } from '../../../shared/schemas/config.js';
import type { AppContext } from '../../context.js';
import { appendAudit } from './audit.js';
import { getPublishedConfig } from '../config/config.js';
import { expireConsents } from '../consent/consent-expiry.js';
import { pruneAnswers } from '../idempotency.js';
import { eraseSubject } from '../rights/erase.js';
import { purgeKeptRecords } from '../rights/kept-by-law.js';
import { createRequest } from '../rights/requests.js';

const DAY_MS = 86_400_000;
const BATCH = 200;
const ACTOR = 'system';

export interface RetentionCounts {
  tenants: number;
  subjectsErased: number;
  recordsDeleted: number;
  /** Records kept by law after an erasure, deleted because their term ended. */
  keptRecordsDeleted: number;
  consentsExpired: number;
  requests: number;
}

const emptyCounts = (): RetentionCounts => ({
  tenants: 0,
  subjectsErased: 0,
  recordsDeleted: 0,
  keptRecordsDeleted: 0,
  consentsExpired: 0,
  requests: 0,
});

/** Runs every rule for every active tenant (or one), as of `now`; answers what it did. */
export async function runRetention(
  ctx: AppContext,
  options: { now?: Date; tenantId?: string } = {},
): Promise<RetentionCounts> {
  const now = options.now ?? ctx.clock.now();
  let query = ctx.db.selectFrom('tenants').select('id').where('status', '=', 'active');
  if (options.tenantId) query = query.where('id', '=', options.tenantId);
  const total = emptyCounts();
  for (const { id } of await query.orderBy('id').execute()) {
    const published = await getPublishedConfig(ctx.db, id);
    if (!published) continue;
    const counts = await runTenantRetention(ctx, id, published.config, now);
    total.tenants += 1;
    for (const key of [
      'subjectsErased',
      'recordsDeleted',
      'keptRecordsDeleted',
      'consentsExpired',
      'requests',
    ] as const)
      total[key] += counts[key];
  }
  return total;
}

async function runTenantRetention(
  ctx: AppContext,
  tenantId: string,
  config: TenantConfig,
  now: Date,
): Promise<RetentionCounts> {
  const counts = emptyCounts();
  const inactiveDays = config.retention?.inactiveSubjectDays;
  // Inactive people first: expiring their consents would otherwise look like activity.
  if (inactiveDays)
    await eraseInactiveSubjects(
      ctx,
      tenantId,
      new Date(now.getTime() - inactiveDays * DAY_MS).toISOString(),
      counts,
    );
  for (const [dataset, days] of Object.entries(config.retention?.records ?? {})) {
    await eraseOldRecords(
      ctx,
      tenantId,
      dataset,
      new Date(now.getTime() - days * DAY_MS).toISOString(),
      counts,
    );
  }
  counts.keptRecordsDeleted += await purgeKeptRecords(ctx.db, tenantId, now.toISOString());
  // Expiry is recorded as of the context's clock, through the ledger (consent-expiry.ts).
  counts.consentsExpired += (await expireConsents(ctx, { tenantId })).events;
  if (
    counts.subjectsErased +
      counts.recordsDeleted +
      counts.keptRecordsDeleted +
      counts.consentsExpired >
    0
  ) {
    const at = ctx.clock.now().toISOString();
    await ctx.db.transaction().execute((trx) =>
      appendAudit(
        trx,
        tenantId,
        {
          actor: ACTOR,
          action: 'retention.ran',
          target: tenantId,
          details: {
            subjectsErased: counts.subjectsErased,
            recordsDeleted: counts.recordsDeleted,
            keptRecordsDeleted: counts.keptRecordsDeleted,
            consentsExpired: counts.consentsExpired,
            requests: counts.requests,
          },
        },
        at,
      ),
    );
  }
  return counts;
}

async function eraseInactiveSubjects(
  ctx: AppContext,
  tenantId: string,
  cutoff: string,
  counts: RetentionCounts,
) {
  let after = '';
  for (;;) {
    const due = await ctx.db
      .selectFrom('subjects')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('last_activity_at', '<', cutoff)
      .where('id', '>', after)
      // A merged-away subject is an alias of another; its identifiers must not be tombstoned.
      .where('merged_into', 'is', null)
      .orderBy('id')
      .limit(BATCH)
      .execute();
    for (const { id } of due) {
      const request = await createRequest(ctx, {
        tenantId,
        subjectId: id,
        type: 'erasure',
        scope: { all: true, rule: 'inactive_subject' },
        origin: 'retention',
        actor: ACTOR,
      });
      await eraseSubject(ctx, {
        tenantId,
        subjectId: id,
        scope: { all: true },
        requestId: request.id,
        actor: ACTOR,
      });
      counts.requests += 1;
      counts.subjectsErased += 1;
    }
    if (due.length < BATCH) return;
    after = due[due.length - 1].id;
  }
}

async function eraseOldRecords(
  ctx: AppContext,
  tenantId: string,
  dataset: string,
  cutoff: string,
  counts: RetentionCounts,
) {
  let after = '';
  for (;;) {
    const due = await ctx.db
      .selectFrom('records')
      .select('subject_id')
      .distinct()
      .where('tenant_id', '=', tenantId)
      .where('dataset', '=', dataset)
      .where('created_at', '<', cutoff)
      .where('subject_id', '>', after)
      .orderBy('subject_id')
      .limit(BATCH)
      .execute();
    for (const { subject_id: subjectId } of due) {
      const request = await createRequest(ctx, {
        tenantId,
        subjectId,
        type: 'erasure',
        scope: { datasets: [dataset], rule: 'record_age', createdBefore: cutoff },
        origin: 'retention',
        actor: ACTOR,
      });
      const result = await eraseSubject(ctx, {
        tenantId,
        subjectId,
        scope: { datasets: [dataset] },
        recordsCreatedBefore: cutoff,
        requestId: request.id,
        actor: ACTOR,
      });
      counts.requests += 1;
      if (result.erased === 'partial') counts.recordsDeleted += result.datasets[dataset] ?? 0;
    }
    if (due.length < BATCH) return;
    after = due[due.length - 1].subject_id;
  }
}

/** Runs runRetention, and prunes retry answers older than a day, every `intervalMs` (hourly by default), one run at a time; the timer never keeps the process alive. */
export function startRetentionJob(ctx: AppContext, intervalMs = 3_600_000): () => void {
  let running = false;
  const run = async () => {
    if (running) return;
    running = true;
    try {
      await runRetention(ctx);
      // Retry answers are kept a day (services/idempotency.ts).
      await pruneAnswers(ctx);
    } catch (error) {
      ctx.logger.error({ err: error as Error }, 'retention job failed');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void run(), intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
