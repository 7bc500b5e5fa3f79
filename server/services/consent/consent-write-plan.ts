// A consent write in three steps, the same for every source and every database: a
// writer reads what the write depends on (the stored answer to a retry, the subject,
// its state, the ledger tip), this module works out every row to write, and the
// writer writes them. Nothing here knows SQL or waits for anything, so the SQLite and
// the PostgreSQL writers cannot drift apart in what they write, only in how.
import type {
  ConsentReadKey,
  ConsentWritePlan,
  ConsentWriteRead,
  FeedRow,
  LedgerCursor,
  SubjectRef,
} from '../../db/consent-writer.js';
import { newId, newOrderedId } from '../../ids.js';
import type { StateRow } from './consent-state.js';
import { feedEventJson } from '../feed/feed.js';
import {
  chainEvents,
  consentFeedData,
  objectionLiftedFeedData,
  planConsent,
  recordedConsent,
  stateAfter,
  type ConsentChange,
  type RecordConsentInput,
  type RecordedConsent,
} from './record-consent.js';

export interface ConsentWriteRequest {
  subject: SubjectRef;
  /** What to record; `subjectId` comes from the read (or is made), `changes` may depend on the current state. */
  ledger: Omit<RecordConsentInput, 'subjectId' | 'changes'> &
    Required<Pick<RecordConsentInput, 'published'>>;
  changes: ConsentChange[] | ((current: StateRow[]) => ConsentChange[]);
  /**
   * A retried request gets its first answer. The key is read with the subject; when no
   * answer is stored, `answer` makes one from the result and it is stored with the write.
   * The owner is named by the subject, whose id is ordered by creation time, so new
   * answers go to the end of the key's index instead of a random page of it.
   */
  idempotency?: {
    owner: (subjectId: string) => string;
    clientEventId: string;
    answer(recorded: RecordedConsent, subjectId: string): string;
  };
}

export type ConsentWriteOutcome =
  | { replayed: true; answer: string }
  | {
      replayed: false;
      plan: ConsentWritePlan;
      recorded: RecordedConsent;
      subjectId: string;
      answer: string | null;
    };

/** Where new ids come from; a test passes its own to get the same rows and hashes every run. */
export interface WriteIds {
  subject(): string;
  consent(): string;
  event(): string;
}

export const randomIds: WriteIds = {
  subject: () => newOrderedId('sub'),
  consent: () => newId('cns'),
  event: () => newId('evt'),
};

export interface PlanOptions {
  /** The write's time (ISO). */
  at: string;
  ids?: WriteIds;
}

/** What the writer reads for this request; answers older than `notBefore` are ignored. */
export function readKeyOf(request: ConsentWriteRequest, notBefore: string): ConsentReadKey {
  const { idempotency } = request;
  return {
    tenantId: request.ledger.tenantId,
    subject: request.subject,
    ...(idempotency
      ? {
          answer: { owner: idempotency.owner, clientEventId: idempotency.clientEventId, notBefore },
        }
      : {}),
    state: request.ledger.currentRows === undefined,
  };
}

/** Pure: the rows of one write, chained onto `cursor`. */
export function planConsentWrite(
  request: ConsentWriteRequest,
  read: ConsentWriteRead,
  cursor: LedgerCursor,
  options: PlanOptions,
): ConsentWriteOutcome {
  if (read.answer !== undefined) return { replayed: true, answer: read.answer };
  const { at } = options;
  const ids = options.ids ?? randomIds;
  const { ledger } = request;
  const tenantId = ledger.tenantId;
  const current = ledger.currentRows ?? read.current;
  const changes =
    typeof request.changes === 'function' ? request.changes(current) : request.changes;
  const visitorHash = 'visitorHash' in request.subject ? request.subject.visitorHash : null;
  const subjectId =
    read.subject?.id ??
    ('subjectId' in request.subject ? request.subject.subjectId : ids.subject());
  const newSubject =
    visitorHash !== null && read.subject === null ? { id: subjectId, visitorHash, at } : null;
  const input: RecordConsentInput = {
    ...ledger,
    subjectId,
    changes,
    currentRows: current,
    objectedAt:
      ledger.objectedAt !== undefined ? ledger.objectedAt : (read.subject?.objectedAt ?? null),
  };

  const plan = planConsent(input, ledger.published, current, at, ids.consent());
  const changed = plan.changes.length > 0;
  const chained = changed
    ? chainEvents(plan, input, cursor)
    : { eventRows: [], stateRows: [], events: [] };
  const after = stateAfter(plan, current, chained.stateRows);
  const tip = chained.events.at(-1);
  let feedSeq = cursor.feedSeq;
  const feed: FeedRow[] = [];
  if (changed) {
    const externalId = read.subject?.externalId ?? null;
    const append = (type: string, data: Record<string, unknown>) => {
      const fields = {
        id: ids.event(),
        type,
        subject_id: subjectId,
        external_id: externalId,
        data: JSON.stringify(data),
        occurred_at: at,
      };
      feedSeq += 1;
      feed.push({
        tenant_id: tenantId,
        seq: feedSeq,
        ...fields,
        event_json: feedEventJson(fields),
      });
    };
    append('consent.updated', consentFeedData(after.changed, input));
    for (const data of objectionLiftedFeedData(chained.events, input))
      append('subject.objection_lifted', data);
  }
  const recorded = recordedConsent(
    plan,
    input,
    after,
    chained.events,
    changed ? undefined : read.latest,
  );
  const answer = request.idempotency?.answer(recorded, subjectId) ?? null;
  return {
    replayed: false,
    subjectId,
    recorded,
    answer,
    plan: {
      tenantId,
      newSubject,
      events: chained.eventRows,
      states: chained.stateRows,
      // An expiry is the system's doing, not the person's: it must not postpone the retention
      // rule for inactive subjects by another consent lifetime. A new subject is active from `at`.
      touch:
        changed && newSubject === null && ledger.source !== 'expiry' ? { subjectId, at } : null,
      feed,
      answer:
        answer === null
          ? null
          : {
              tenant_id: tenantId,
              owner: request.idempotency!.owner(subjectId),
              client_event_id: request.idempotency!.clientEventId,
              response: answer,
              created_at: at,
            },
      cursor: tip ? { seq: tip.seq, hash: tip.hash, feedSeq } : { ...cursor },
    },
  };
}
