// The banner's side of the ledger (CONTRACT.md §5): record a visitor's choice once
// per clientEventId and answer with a signed receipt, and let the browser that holds
// a visitor id read that visitor's state and history.
import type { Kysely } from 'kysely';
import type { ConsentState } from '../../shared/schemas/consent.js';
import type { HistoryEntry, RecordConsentBody } from '../../shared/schemas/consents.js';
import type { AppContext } from '../context.js';
import type { Database } from '../db/database.js';
import { notFound } from '../errors.js';
import type { SyncConsentWriter } from '../db/sqlite-consent-writer.js';
import { newId, newOrderedId } from '../ids.js';
import { requirePublishedConfig, type PublishedConfig } from './config.js';
import { readStateRows, shapeState, type StateRow } from './consent-state.js';
import { feedEventJson } from './feed.js';
import { notifyFeed } from './feed-watch.js';
import { createGroupCommit, createSyncGroupCommit, type GroupCommit } from './group-commit.js';
import { lockLedgerHead } from './ledger-head.js';
import { activeSigningKey, signReceipt } from './receipts.js';
import {
  chainEvents, configSeen, consentFeedData, decisionsToChanges, planConsent, recordConsentIn, recordedConsent, stateAfter,
  type ConsentChange, type RecordConsentInput, type RecordedConsent,
} from './record-consent.js';
import type { RequestContext } from './request-context.js';
import { createSubject, findSubjectByVisitor, linkVisitor, visitorHash } from './subjects-core.js';

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
type SyncJob = Job & { published: PublishedConfig; writer: SyncConsentWriter };

const groupCommits = new WeakMap<Kysely<Database>, GroupCommit<Job, VisitorConsentAnswer>>();
const syncGroupCommits = new WeakMap<SyncConsentWriter, GroupCommit<SyncJob, VisitorConsentAnswer>>();

function groupCommitFor(ctx: AppContext): GroupCommit<Job, VisitorConsentAnswer> {
  let found = groupCommits.get(ctx.db);
  if (!found) {
    found = createGroupCommit(ctx.db, (trx, job: Job) => recordOnce(trx, job.ctx, job.input, job.signingKey), { retryable: isUniqueViolation });
    groupCommits.set(ctx.db, found);
  }
  return found;
}

function syncGroupCommitFor(writer: SyncConsentWriter): GroupCommit<SyncJob, VisitorConsentAnswer> {
  let found = syncGroupCommits.get(writer);
  if (!found) {
    found = createSyncGroupCommit(writer, recordOnceSync);
    syncGroupCommits.set(writer, found);
  }
  return found;
}

/**
 * Records a visitor's choice; concurrent calls share a transaction (group commit),
 * and the answer comes once it is committed. Where the store writes synchronously
 * (SQLite) a whole batch runs in one call with prepared statements; elsewhere
 * (PostgreSQL) through Kysely, each tenant's writes queueing apart and committing in
 * parallel (they serialise on the tenant's ledger head anyway).
 */
export async function recordVisitorConsent(ctx: AppContext, input: VisitorConsentInput): Promise<VisitorConsentAnswer> {
  // Loaded before the transaction: on SQLite a query beside an open transaction waits for it.
  const signingKey = await activeSigningKey(ctx);
  const writer = ctx.store.consentWriter;
  const answer = writer
    ? await syncGroupCommitFor(writer).submit('single-writer', {
      ctx, input, signingKey, writer, published: await configSeen(ctx.db, input.tenantId, input.configVersion),
    })
    : await groupCommitFor(ctx).submit(input.tenantId, { ctx, input, signingKey });
  // Long-polling feed readers of this process hear of the new event at once.
  if (!answer.replayed) notifyFeed(ctx, input.tenantId);
  return answer;
}

async function recordOnce(
  trx: Kysely<Database>,
  ctx: AppContext,
  input: VisitorConsentInput,
  signingKey: SigningKey,
): Promise<VisitorConsentAnswer> {
  const at = ctx.clock.now().toISOString();
  // The tenant's head lock first: two batches (other processes) writing for one tenant
  // then queue here instead of taking row locks in different orders (deadlock).
  await lockLedgerHead(trx, input.tenantId);
  // Then claim the clientEventId. A concurrent identical request blocks on this row
  // until the first commits and then finds its answer.
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
  const existing = await findSubjectByVisitor(trx, input.tenantId, input.visitorId);
  const current = existing ? await readStateRows(trx, input.tenantId, existing) : [];
  // Refuses unknown purposes and a refused required purpose before anything is written.
  const changes = decisionsToChanges(published.config, input.decisions, current);
  let subjectId = existing;
  if (!subjectId) {
    subjectId = await createSubject(trx, input.tenantId, at);
    await linkVisitor(trx, input.tenantId, input.visitorId, subjectId, at);
  }
  const recorded = await recordConsentIn(trx, ctx, ledgerInput(input, subjectId, changes, published, current));
  const body = answerBody(ctx, input, subjectId, recorded, signingKey);
  await trx
    .updateTable('idempotency_keys')
    .set({ response: body })
    .where('tenant_id', '=', input.tenantId)
    .where('client_event_id', '=', input.clientEventId)
    .execute();
  return { body, replayed: false };
}

/**
 * recordOnce for a synchronous store: the same rows (subject and visitor link, chained
 * events, state, head, feed event, the answer under its clientEventId), written inside
 * the batch's transaction; a refused request (422) leaves nothing and the others in the
 * batch stand (createSyncGroupCommit). The idempotency row is written last, with the
 * answer: the batch holds the write lock, so nothing can claim the id in between.
 */
function recordOnceSync({ ctx, input, signingKey, published, writer }: SyncJob): VisitorConsentAnswer {
  const { tenantId, clientEventId } = input;
  const at = ctx.clock.now().toISOString();
  const first = writer.idempotentResponse(tenantId, clientEventId);
  if (first !== undefined) return { body: first, replayed: true };
  const visitor = visitorHash(input.visitorId);
  const existing = writer.subjectByVisitorHash(tenantId, visitor);
  const current = existing ? writer.stateRows(tenantId, existing) : [];
  const changes = decisionsToChanges(published.config, input.decisions, current);
  const subjectId = existing ?? newOrderedId('sub');
  if (!existing) writer.insertVisitorSubject(tenantId, subjectId, visitor, at);

  const ledger = ledgerInput(input, subjectId, changes, published, current);
  const plan = planConsent(ledger, published, current, at);
  const chained = plan.changes.length > 0 ? chainEvents(plan, ledger, writer.ledgerTip(tenantId)) : undefined;
  const after = stateAfter(plan, current, chained?.stateRows ?? []);
  if (chained) {
    for (const row of chained.eventRows) writer.insertEvent(row);
    for (const row of chained.stateRows) writer.upsertState(row);
    const tip = chained.events.at(-1)!;
    const feedSeq = writer.advanceHead(tenantId, tip.seq, tip.hash);
    // A subject made just now has no externalId and was made active at `at`.
    const externalId = existing ? writer.touchSubject(subjectId, at) : null;
    const event = {
      id: newId('evt'), type: 'consent.updated', subject_id: subjectId, external_id: externalId,
      data: JSON.stringify(consentFeedData(after.changed, ledger)), occurred_at: at,
    };
    writer.insertFeedEvent({ tenant_id: tenantId, seq: feedSeq, ...event, event_json: feedEventJson(event) });
  }
  const latest = chained ? undefined : writer.latestEventOf(tenantId, subjectId);
  const recorded = recordedConsent(plan, ledger, after, chained?.events ?? [], latest);
  const body = answerBody(ctx, input, subjectId, recorded, signingKey);
  writer.saveIdempotentResponse(tenantId, clientEventId, body, at);
  return { body, replayed: false };
}

/** What the banner's request asks the ledger to record. */
function ledgerInput(input: VisitorConsentInput, subjectId: string, changes: ConsentChange[], published: PublishedConfig, current: StateRow[]): RecordConsentInput {
  return {
    tenantId: input.tenantId,
    subjectId,
    configVersion: input.configVersion,
    locale: input.locale ?? published.config.defaultLocale,
    source: input.source,
    changes,
    gpc: input.gpc || input.gpcHeader,
    ipTruncated: input.ipTruncated,
    userAgent: input.userAgent,
    clientEventId: input.clientEventId,
    published,
    currentRows: current,
  };
}

/** The 201 body: the consent id, the signed receipt (payload version 1) and the state. */
function answerBody(ctx: AppContext, input: VisitorConsentInput, subjectId: string, recorded: RecordedConsent, signingKey: SigningKey): string {
  const receipt = signReceipt(signingKey, {
    v: 1,
    iss: ctx.config.publicUrl,
    tenant: input.tenantId,
    sub: subjectId,
    consentId: recorded.consentId,
    decisions: input.decisions,
    state: recorded.state,
    source: input.source,
    gpc: input.gpc || input.gpcHeader,
    configVersion: recorded.configVersion,
    locale: recorded.locale,
    noticeHash: recorded.noticeHash,
    iat: Math.floor(Date.parse(recorded.occurredAt) / 1000),
    ledger: recorded.ledger,
  });
  return JSON.stringify({ id: recorded.consentId, receipt, state: recorded.state });
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
