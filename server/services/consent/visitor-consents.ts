// The banner's side of the ledger (POST /v1/consents): record a visitor's choice once
// per visitor and clientEventId (services/idempotency.ts) and answer with a signed receipt, and let the browser that holds
// a visitor id read that visitor's state and history.
import type { ConsentState } from '../../../shared/schemas/consent.js';
import type { HistoryEntry } from '../../../shared/schemas/consents.js';
import type { AppContext } from '../../context.js';
import { notFound } from '../../errors.js';
import type { SyncConsentWriter } from '../../db/sqlite-consent-writer.js';
import { requirePublishedConfig, type PublishedConfig } from '../config/config.js';
import { readStateRows, shapeState } from './consent-state.js';
import { notifyFeed } from '../feed/feed-watch.js';
import { writeConsentSync } from './consent-write.js';
import { createSyncGroupCommit, type GroupCommit } from './group-commit.js';
import { objectToMarketing } from '../rights/object.js';
import { activeSigningKey, signingKeyById, type SigningKey } from '../ledger/receipts.js';
import { configSeen } from './record-consent.js';
import { findSubjectByVisitor } from '../subjects/subjects-core.js';
import {
  answerFromStored,
  storedAnswerKid,
  storedAnswerOf,
  visitorRequest,
  type Issuer,
  type StoredBannerAnswer,
  type VisitorConsentAnswer,
  type VisitorConsentInput,
} from './banner-write.js';
import { bannerWriteWorker } from './banner-write-client.js';

type Job = {
  ctx: AppContext;
  input: VisitorConsentInput;
  issuer: Issuer;
  published: PublishedConfig;
};

const requestOf = (job: Job) => visitorRequest(job.input, job.published, job.issuer);

const syncGroupCommits = new WeakMap<SyncConsentWriter, GroupCommit<Job, StoredBannerAnswer>>();

/** SQLite on the event loop (an in-memory database, or the benchmark's comparison): a whole batch in one call. */
function syncGroupCommitFor(writer: SyncConsentWriter): GroupCommit<Job, StoredBannerAnswer> {
  let found = syncGroupCommits.get(writer);
  if (!found) {
    found = createSyncGroupCommit(writer, (job: Job) =>
      storedAnswerOf(
        writeConsentSync(writer, requestOf(job), { at: job.ctx.clock.now().toISOString() }),
      ),
    );
    syncGroupCommits.set(writer, found);
  }
  return found;
}

/**
 * Records a visitor's choice; concurrent calls share a transaction (group commit),
 * and the answer comes once it is committed. A worker thread with connections of its own
 * reads, plans, writes and commits each batch (banner-write-client.ts) while this thread
 * parses and validates the next requests and signs the answers: on a SQLite file one batch
 * at a time, on PostgreSQL one per tenant at a time (they serialise on the tenant's ledger
 * head anyway). An in-memory SQLite database is written on this thread.
 */
export async function recordVisitorConsent(
  ctx: AppContext,
  input: VisitorConsentInput,
): Promise<VisitorConsentAnswer> {
  // Loaded before the transaction: on SQLite a query beside an open transaction waits for it.
  const active = await activeSigningKey(ctx);
  const issuer = { publicUrl: ctx.config.publicUrl, kid: active.kid };
  const published = await configSeen(ctx.db, input.tenantId, input.configVersion);
  const worker = bannerWriteWorker(ctx);
  const answer = worker
    ? await worker.submit(ctx.store.dialect === 'postgres' ? input.tenantId : 'single-writer', {
        input,
        issuer,
        published,
        at: ctx.clock.now().toISOString(),
      })
    : await syncGroupCommitFor(inlineWriter(ctx)).submit('single-writer', {
        ctx,
        input,
        issuer,
        published,
      });
  if (!answer.replayed && (input.gpc || input.gpcHeader)) await recordGpcObjection(ctx, input);
  // Long-polling feed readers of this process hear of the new event at once.
  if (!answer.replayed) notifyFeed(ctx, input.tenantId);
  return { body: await answerBody(ctx, answer.stored, active), replayed: answer.replayed };
}

/** The SQLite writer of a store whose banner writes run on this thread (in memory, or the inline bench). */
function inlineWriter(ctx: AppContext): SyncConsentWriter {
  if (!ctx.store.consentWriter)
    throw new Error('only a SQLite store writes banner consents on the server thread');
  return ctx.store.consentWriter;
}

/** The answer as sent: a stored receipt signed with the key that signed it first (a retry's may have been retired since). */
async function answerBody(ctx: AppContext, stored: string, active: SigningKey): Promise<string> {
  const kid = storedAnswerKid(stored);
  const key = kid === null || kid === active.kid ? active : await signingKeyById(ctx, kid);
  return answerFromStored(stored, key ?? null);
}

/** The newest events a visitor may read back; older ones remain in the ledger and the exports. */
const HISTORY_LIMIT = 1000;

/** A visitor's state and history, without the stored request context (IP, user agent). */
export async function readVisitorConsents(
  ctx: AppContext,
  tenantId: string,
  visitorId: string,
): Promise<{ state: ConsentState; history: HistoryEntry[] }> {
  const subjectId = await findSubjectByVisitor(ctx.db, tenantId, visitorId);
  if (!subjectId) throw notFound('visitor');
  const { config } = await requirePublishedConfig(ctx.db, tenantId);
  const rows = await readStateRows(ctx.db, tenantId, subjectId);
  const events = await ctx.db
    .selectFrom('consent_events')
    .select([
      'occurred_at',
      'consent_id',
      'purpose',
      'channel',
      'status',
      'source',
      'config_version',
      'locale',
      'notice_hash',
      'gpc',
    ])
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

/**
 * GPC-05, Art. 21(5): where the tenant chose so, a Global Privacy Control signal is the person's
 * objection to direct marketing by automated means, recorded once (the first choice sent with it).
 */
async function recordGpcObjection(ctx: AppContext, input: VisitorConsentInput): Promise<void> {
  const published = await requirePublishedConfig(ctx.db, input.tenantId);
  if (published.config.gpcAsObjection !== true) return;
  const subjectId = await findSubjectByVisitor(ctx.db, input.tenantId, input.visitorId);
  if (!subjectId) return;
  const subject = await ctx.db
    .selectFrom('subjects')
    .select('objected_at')
    .where('id', '=', subjectId)
    .executeTakeFirst();
  if (!subject || subject.objected_at !== null) return;
  await objectToMarketing(ctx, {
    tenantId: input.tenantId,
    subjectId,
    source: 'banner',
    actor: 'gpc',
    signal: 'gpc',
  });
}
