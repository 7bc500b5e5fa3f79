// The one consent write: the head, then the read, then the pure plan
// (consent-write-plan.ts), then the writer writes the plan's rows. Two writers
// implement ConsentWriter: SQLite through prepared statements, synchronously, for the
// banner's group commit (db/sqlite-consent-writer.ts), and Kysely for PostgreSQL and
// every write inside a caller's transaction (db/kysely-consent-writer.ts). The drivers
// below are the only orchestration; the writers only know SQL.
import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Database } from '../../db/database.js';
import { kyselyConsentWriter } from '../../db/kysely-consent-writer.js';
import { idempotencyCutoff } from '../idempotency.js';
import type {
  ConsentReadKey,
  ConsentWritePlan,
  ConsentWriteRead,
  ConsentWriter,
} from '../../db/consent-writer.js';
import {
  planConsentWrite,
  readKeyOf,
  type ConsentWriteOutcome,
  type ConsentWriteRequest,
  type PlanOptions,
} from './consent-write-plan.js';
import { configSeen, type RecordConsentInput, type RecordedConsent } from './record-consent.js';

const notBefore = (options: PlanOptions) => idempotencyCutoff(new Date(options.at));

/** One write on a synchronous writer, inside its batch. */
export function writeConsentSync(
  writer: ConsentWriter<true>,
  request: ConsentWriteRequest,
  options: PlanOptions,
): ConsentWriteOutcome {
  const cursor = writer.cursor(request.ledger.tenantId);
  const outcome = planConsentWrite(
    request,
    readOfSubjectMadeNow(request) ?? writer.read(readKeyOf(request, notBefore(options))),
    cursor,
    options,
  );
  if (!outcome.replayed) writer.apply([outcome.plan]);
  return outcome;
}

/** One write on an asynchronous writer, inside the caller's transaction. The head lock comes first. */
export async function writeConsent(
  writer: ConsentWriter<false>,
  request: ConsentWriteRequest,
  options: PlanOptions,
): Promise<ConsentWriteOutcome> {
  const cursor = request.ledger.lockedHead ?? (await writer.cursor(request.ledger.tenantId));
  const outcome = planConsentWrite(
    request,
    readOfSubjectMadeNow(request) ?? (await writer.read(readKeyOf(request, notBefore(options)))),
    cursor,
    options,
  );
  if (!outcome.replayed) await writer.apply([outcome.plan]);
  return outcome;
}

/** What a read would find of a subject the caller made in this transaction: itself and nothing else. */
function readOfSubjectMadeNow(request: ConsentWriteRequest): ConsentWriteRead | null {
  const { madeNow } = request.ledger;
  if (!madeNow || !('subjectId' in request.subject)) return null;
  return {
    subject: { id: request.subject.subjectId, externalId: madeNow.externalId, objectedAt: null },
    current: [],
  };
}

export type BatchOutcome =
  { ok: true; output: ConsentWriteOutcome } | { ok: false; error: unknown };

const subjectKey = (request: ConsentWriteRequest): string =>
  'visitorHash' in request.subject
    ? `v:${request.subject.visitorHash}`
    : `s:${request.subject.subjectId}`;

/**
 * Many writes of one tenant in one transaction: the head is locked and read once, every
 * request is read and planned, and the writer writes all the plans together (one
 * statement per table) and the head once. A request refused while
 * planning (422) fails alone; a failing statement fails the whole transaction.
 */
export async function writeConsentBatch(
  writer: ConsentWriter<false>,
  requests: ConsentWriteRequest[],
  options: PlanOptions,
): Promise<BatchOutcome[]> {
  const outcomes: BatchOutcome[] = new Array(requests.length);
  if (requests.length === 0) return outcomes;
  let cursor = await writer.cursor(requests[0].ledger.tenantId);
  for (let start = 0; start < requests.length;) {
    // A round ends before a second request for a subject already in it, so that request
    // reads what the first wrote, and the ledger order stays the order of the requests.
    const seen = new Set<string>();
    let end = start;
    while (end < requests.length && !seen.has(subjectKey(requests[end])))
      seen.add(subjectKey(requests[end++]));
    const round = requests.slice(start, end);
    const reads = await readAll(
      writer,
      round.map((request) => readKeyOf(request, notBefore(options))),
    );
    const plans: ConsentWritePlan[] = [];
    round.forEach((request, n) => {
      try {
        const outcome = planConsentWrite(request, reads[n], cursor, options);
        if (!outcome.replayed) {
          plans.push(outcome.plan);
          cursor = outcome.plan.cursor;
        }
        outcomes[start + n] = { ok: true, output: outcome };
      } catch (error) {
        outcomes[start + n] = { ok: false, error };
      }
    });
    if (plans.length > 0) await writer.apply(plans);
    start = end;
  }
  return outcomes;
}

async function readAll(
  writer: ConsentWriter<false> & {
    readMany?: (keys: ConsentReadKey[]) => Promise<ConsentWriteRead[]>;
  },
  keys: ConsentReadKey[],
): Promise<ConsentWriteRead[]> {
  if (writer.readMany) return writer.readMany(keys);
  const reads: ConsentWriteRead[] = [];
  for (const key of keys) reads.push(await writer.read(key));
  return reads;
}

/** The write of consent a person, a tool or the system gave for a known subject. */
function requestOf(
  input: RecordConsentInput & Required<Pick<RecordConsentInput, 'published'>>,
): ConsentWriteRequest {
  const { subjectId, changes, ...ledger } = input;
  return { subject: { subjectId }, ledger, changes };
}

/**
 * Records within the caller's transaction, which must be the one that made the subject.
 * A caller that already read the config version or the subject's state rows in this
 * transaction may pass them (`published`, `currentRows`) to spare the second read.
 */
export async function recordConsentIn(
  trx: Kysely<Database>,
  ctx: Pick<AppContext, 'clock'>,
  input: RecordConsentInput,
): Promise<RecordedConsent> {
  const published = input.published ?? (await configSeen(trx, input.tenantId, input.configVersion));
  const outcome = await writeConsent(kyselyConsentWriter(trx), requestOf({ ...input, published }), {
    at: ctx.clock.now().toISOString(),
  });
  if (outcome.replayed) throw new Error('a write without a clientEventId key cannot be a replay');
  return outcome.recorded;
}

/** recordConsentIn in a transaction of its own. */
export function recordConsent(
  ctx: AppContext,
  input: RecordConsentInput,
): Promise<RecordedConsent> {
  return ctx.db.transaction().execute((trx) => recordConsentIn(trx, ctx, input));
}
