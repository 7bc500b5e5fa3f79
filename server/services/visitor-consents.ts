// The banner's side of the ledger (CONTRACT.md §5): record a visitor's choice once
// per clientEventId and answer with a signed receipt, and let the browser that holds
// a visitor id read that visitor's state and history.
import type { Kysely } from 'kysely';
import type { ConsentState } from '../../shared/schemas/consent.js';
import type { HistoryEntry, RecordConsentBody } from '../../shared/schemas/consents.js';
import type { AppContext } from '../context.js';
import type { Database } from '../db/database.js';
import { notFound } from '../errors.js';
import { requirePublishedConfig } from './config.js';
import { readStateRows, shapeState } from './consent-state.js';
import { lockLedgerHead } from './ledger-head.js';
import { createGroupCommit, type GroupCommit } from './group-commit.js';
import { activeSigningKey, signReceipt } from './receipts.js';
import { configSeen, decisionsToChanges, recordConsentIn } from './record-consent.js';
import type { RequestContext } from './request-context.js';
import { createSubject, findSubjectByVisitor, linkVisitor } from './subjects-core.js';

export interface VisitorConsentInput extends RecordConsentBody, RequestContext {
  tenantId: string;
}

export interface VisitorConsentAnswer {
  /** The response JSON exactly as first sent: a retry gets the same bytes. */
  body: string;
  replayed: boolean;
}

type SigningKey = Awaited<ReturnType<typeof activeSigningKey>>;
type Job = { ctx: AppContext; input: VisitorConsentInput; signingKey: SigningKey };

const groupCommits = new WeakMap<Kysely<Database>, GroupCommit<Job, VisitorConsentAnswer>>();

function groupCommitFor(ctx: AppContext): GroupCommit<Job, VisitorConsentAnswer> {
  let found = groupCommits.get(ctx.db);
  if (!found) {
    found = createGroupCommit(ctx.db, (trx, job: Job) => recordOnce(trx, job.ctx, job.input, job.signingKey), { retryable: isUniqueViolation });
    groupCommits.set(ctx.db, found);
  }
  return found;
}

/**
 * Records a visitor's choice; concurrent calls share a transaction (group commit),
 * and the answer comes once it is committed. SQLite has one writer, so every tenant
 * shares one queue there; on PostgreSQL each tenant's writes queue apart and commit
 * in parallel (they serialise on the tenant's ledger head anyway).
 */
export async function recordVisitorConsent(ctx: AppContext, input: VisitorConsentInput): Promise<VisitorConsentAnswer> {
  // Loaded before the transaction: on SQLite a query beside an open transaction waits for it.
  const signingKey = await activeSigningKey(ctx);
  const lane = ctx.store.sqlite ? 'single-writer' : input.tenantId;
  return groupCommitFor(ctx).submit(lane, { ctx, input, signingKey });
}

async function recordOnce(
  trx: Kysely<Database>,
  ctx: AppContext,
  input: VisitorConsentInput,
  signingKey: SigningKey,
): Promise<VisitorConsentAnswer> {
  const at = ctx.clock.now().toISOString();
  // The tenant's head lock first: on PostgreSQL two batches (other processes) writing for
  // one tenant then queue here instead of taking row locks in different orders (deadlock).
  // SQLite has a single writer, and recordConsentIn takes the lock anyway.
  if (!ctx.store.sqlite) await lockLedgerHead(trx, input.tenantId);
  // Then claim the clientEventId. A concurrent identical request blocks on this row
  // until the first commits and then finds its answer; SQLite runs one transaction at
  // a time, so the claim is enough there too.
  const claimed = await trx
    .insertInto('idempotency_keys')
    .values({ tenant_id: input.tenantId, client_event_id: input.clientEventId, response: '', created_at: at })
    .onConflict((oc) => oc.columns(['tenant_id', 'client_event_id']).doNothing())
    .returning('client_event_id')
    .executeTakeFirst();
  if (!claimed) {
    const first = await trx
      .selectFrom('idempotency_keys')
      .select('response')
      .where('tenant_id', '=', input.tenantId)
      .where('client_event_id', '=', input.clientEventId)
      .executeTakeFirstOrThrow();
    return { body: first.response, replayed: true };
  }

  const published = await configSeen(trx, input.tenantId, input.configVersion);
  const { config } = published;
  const existing = await findSubjectByVisitor(trx, input.tenantId, input.visitorId);
  const current = existing ? await readStateRows(trx, input.tenantId, existing) : [];
  // Refuses unknown purposes and a refused required purpose before anything is written.
  const changes = decisionsToChanges(config, input.decisions, current);
  let subjectId = existing;
  if (!subjectId) {
    subjectId = await createSubject(trx, input.tenantId, at);
    await linkVisitor(trx, input.tenantId, input.visitorId, subjectId, at);
  }
  const gpc = input.gpc || input.gpcHeader;
  const recorded = await recordConsentIn(trx, ctx, {
    tenantId: input.tenantId,
    subjectId,
    configVersion: input.configVersion,
    locale: input.locale ?? config.defaultLocale,
    source: input.source,
    changes,
    gpc,
    ipTruncated: input.ipTruncated,
    userAgent: input.userAgent,
    clientEventId: input.clientEventId,
    published,
    currentRows: current,
  });
  const receipt = signReceipt(signingKey, {
    v: 1,
    iss: ctx.config.publicUrl,
    tenant: input.tenantId,
    sub: subjectId,
    consentId: recorded.consentId,
    decisions: input.decisions,
    state: recorded.state,
    source: input.source,
    gpc,
    configVersion: recorded.configVersion,
    locale: recorded.locale,
    noticeHash: recorded.noticeHash,
    iat: Math.floor(Date.parse(recorded.occurredAt) / 1000),
    ledger: recorded.ledger,
  });
  const body = JSON.stringify({ id: recorded.consentId, receipt, state: recorded.state });
  await trx
    .updateTable('idempotency_keys')
    .set({ response: body })
    .where('tenant_id', '=', input.tenantId)
    .where('client_event_id', '=', input.clientEventId)
    .execute();
  return { body, replayed: false };
}

/** A duplicate key on PostgreSQL (23505) or SQLite: another transaction got there first. */
function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/** The newest events a visitor may read back; older ones remain in the ledger and the exports. */
const HISTORY_LIMIT = 1000;

/** A visitor's state and history, without the stored request context (IP, user agent). */
export async function readVisitorConsents(ctx: AppContext, tenantId: string, visitorId: string): Promise<{ state: ConsentState; history: HistoryEntry[] }> {
  const subjectId = await findSubjectByVisitor(ctx.db, tenantId, visitorId);
  if (!subjectId) throw notFound('visitor');
  const { config } = await requirePublishedConfig(ctx.db, tenantId);
  const rows = await readStateRows(ctx.db, tenantId, subjectId);
  const events = await ctx.db
    .selectFrom('consent_events')
    .select(['occurred_at', 'consent_id', 'purpose', 'channel', 'status', 'source', 'config_version', 'locale', 'notice_hash', 'gpc'])
    .where('tenant_id', '=', tenantId)
    .where('subject_id', '=', subjectId)
    .orderBy('seq', 'desc')
    .limit(HISTORY_LIMIT)
    .execute();
  const state = shapeState(config, rows, ctx.clock.now().toISOString());
  const history = events.reverse().map((e) => ({
    occurredAt: e.occurred_at,
    consentId: e.consent_id,
    purpose: e.purpose,
    channel: e.channel === '' ? null : e.channel,
    status: e.status,
    source: e.source,
    configVersion: e.config_version,
    locale: e.locale,
    noticeHash: e.notice_hash,
    gpc: e.gpc === 1,
  }));
  return { state, history };
}
