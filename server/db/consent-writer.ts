// What the consent write asks of a database: read what a write depends on, then write the
// rows a plan lists. services/consent/consent-write-plan.ts works out the rows; the two writers
// (sqlite-consent-writer.ts, kysely-consent-writer.ts) implement this and only know SQL.
import type {
  ConsentEventsTable,
  ConsentStateTable,
  FeedEventsTable,
  IdempotencyKeysTable,
} from './database.js';

/** Whose consent it is: a banner visitor (a subject is made on its first choice) or a known subject. */
export type SubjectRef = { visitorHash: string } | { subjectId: string };

/** The tenant's chain tip and last feed position: where the next write continues. */
export interface LedgerCursor {
  seq: number;
  hash: string;
  feedSeq: number;
}

/** A subject's state row for one purpose and channel, as reads return it. */
export type StateRow = Pick<
  ConsentStateTable,
  'purpose' | 'channel' | 'status' | 'expires_at' | 'updated_at' | 'source' | 'config_version'
> &
  Partial<Pick<ConsentStateTable, 'objection_lifted_at'>>;

/** What the writer read for a request, inside the write's transaction and under the tenant's head lock. */
export interface ConsentWriteRead {
  /** The stored answer to the same owner and clientEventId, if younger than a day (only with a subject). */
  answer?: string;
  subject: { id: string; externalId: string | null; objectedAt: string | null } | null;
  /** The subject's state rows (empty for a new subject; the caller's own when it passed them). */
  current: StateRow[];
  /** The subject's newest event: a write that changes nothing still names the ledger position that holds. */
  latest?: { seq: number; hash: string };
}

/** What a writer must read for a request. */
export interface ConsentReadKey {
  tenantId: string;
  subject: SubjectRef;
  /** The owner is the subject's: a request without a subject yet has no stored answer. */
  answer?: { owner: (subjectId: string) => string; clientEventId: string; notBefore: string };
  /** False when the caller already holds the subject's state rows. */
  state: boolean;
}

export type FeedRow = Pick<
  FeedEventsTable,
  | 'tenant_id'
  | 'seq'
  | 'id'
  | 'type'
  | 'subject_id'
  | 'external_id'
  | 'data'
  | 'occurred_at'
  | 'event_json'
>;

/** Every row one write inserts or updates; a writer writes exactly these and nothing else. */
export interface ConsentWritePlan {
  tenantId: string;
  /** A banner visitor's first choice: the subject (no personal data) and its visitor link. */
  newSubject: { id: string; visitorHash: string; at: string } | null;
  events: ConsentEventsTable[];
  states: ConsentStateTable[];
  /** The subject's last activity, unless the write is the system's own (expiry). */
  touch: { subjectId: string; at: string } | null;
  feed: FeedRow[];
  answer: IdempotencyKeysTable | null;
  /** The tenant's head after this write. */
  cursor: LedgerCursor;
}

export type Io<T, Sync extends boolean> = Sync extends true ? T : Promise<T>;

/** What a database must do for the consent write; `Sync` says whether it answers at once (SQLite's batch) or later. */
export interface ConsentWriter<Sync extends boolean> {
  /** The tenant's head, locked until the transaction ends where other writers could race (PostgreSQL). */
  cursor(tenantId: string): Io<LedgerCursor, Sync>;
  read(key: ConsentReadKey): Io<ConsentWriteRead, Sync>;
  /** Writes the plans' rows, in order, and the head as the last plan leaves it (once). */
  apply(plans: ConsentWritePlan[]): Io<void, Sync>;
}
