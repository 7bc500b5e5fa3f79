// The consent write path's statements on SQLite, run synchronously. better-sqlite3 is
// synchronous, so a whole group-commit batch can run inside one call: prepared once,
// no promise and no query building per statement (Kysely's per-statement cost was most
// of a consent write). The service layer (visitor-consents.ts) decides what to write;
// this module only knows how, and PostgreSQL keeps the Kysely path.
import type SQLite from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { ConsentEventsTable, ConsentStateTable, Database, FeedEventsTable } from './database.js';

export type StateRowOut = Pick<ConsentStateTable, 'purpose' | 'channel' | 'status' | 'expires_at' | 'updated_at' | 'source' | 'config_version'>;

/** Synchronous writes for one consent batch; every method runs inside `batch`. */
export interface SyncConsentWriter {
  /**
   * Runs `work` in one write transaction (BEGIN IMMEDIATE ... COMMIT; the commit is the
   * synchronous=FULL flush). Waits first for any Kysely transaction on the same
   * connection, so the two never interleave.
   */
  batch<T>(work: () => T): Promise<T>;
  /** Runs `work` in a savepoint: if it throws, only its own writes are undone. */
  isolated<T>(work: () => T): T;
  /**
   * The answer first given for a clientEventId, if any. The batch holds SQLite's write
   * lock, so no other writer can store one between this read and saveIdempotentResponse.
   */
  idempotentResponse(tenantId: string, clientEventId: string): string | undefined;
  saveIdempotentResponse(tenantId: string, clientEventId: string, response: string, at: string): void;
  subjectByVisitorHash(tenantId: string, visitorHash: string): string | null;
  stateRows(tenantId: string, subjectId: string): StateRowOut[];
  /** A new subject with no personal data, and the visitor that links to it. */
  insertVisitorSubject(tenantId: string, subjectId: string, visitorHash: string, at: string): void;
  ledgerTip(tenantId: string): { seq: number; hash: string };
  insertEvent(row: ConsentEventsTable): void;
  upsertState(row: ConsentStateTable): void;
  /** Saves the chain tip and reserves the next feed position in one statement; returns that position. */
  advanceHead(tenantId: string, ledgerSeq: number, ledgerHash: string): number;
  /** Marks the subject active; returns its externalId. */
  touchSubject(subjectId: string, at: string): string | null;
  insertFeedEvent(row: Pick<FeedEventsTable, 'tenant_id' | 'seq' | 'id' | 'type' | 'subject_id' | 'external_id' | 'data' | 'occurred_at' | 'event_json'>): void;
  latestEventOf(tenantId: string, subjectId: string): { seq: number; hash: string } | undefined;
}

export function createSqliteConsentWriter(handle: SQLite.Database, db: Kysely<Database>): SyncConsentWriter {
  // Prepared on first use: the tables exist only after the migrations ran.
  let s: ReturnType<typeof prepareAll> | null = null;
  const st = () => (s ??= prepareAll(handle));
  const outer = handle.transaction((work: () => unknown) => work());
  // Called inside `outer`, better-sqlite3 runs a transaction function as a SAVEPOINT.
  const inner = handle.transaction((work: () => unknown) => work());
  return {
    // Kysely's SQLite driver serialises its use of the one connection with a mutex; holding
    // the connection keeps its transactions (other services) out while the batch runs.
    batch: (work) => db.connection().execute(async () => outer.immediate(work) as ReturnType<typeof work>),
    isolated: (work) => inner(work) as ReturnType<typeof work>,
    idempotentResponse: (tenantId, clientEventId) => st().response.get(tenantId, clientEventId) as string | undefined,
    saveIdempotentResponse: (tenantId, clientEventId, response, at) => void st().saveResponse.run(tenantId, clientEventId, response, at),
    subjectByVisitorHash: (tenantId, hash) => (st().visitor.get(tenantId, hash) as string | undefined) ?? null,
    stateRows: (tenantId, subjectId) => st().state.all(tenantId, subjectId) as StateRowOut[],
    insertVisitorSubject(tenantId, subjectId, hash, at) {
      st().subject.run(subjectId, tenantId, at, at, at);
      st().link.run(tenantId, hash, subjectId, at);
    },
    ledgerTip(tenantId) {
      const row = st().head.get(tenantId) as { seq: number; hash: string } | undefined;
      if (!row) throw new Error(`tenant ${tenantId} has no ledger head`);
      return row;
    },
    insertEvent: (row) => void st().event.run(row),
    upsertState: (row) => void st().upsert.run(row),
    advanceHead(tenantId, ledgerSeq, ledgerHash) {
      const seq = st().advance.get(ledgerSeq, ledgerHash, tenantId) as number | undefined;
      if (seq === undefined) throw new Error(`tenant ${tenantId} has no ledger head`);
      return seq;
    },
    touchSubject: (subjectId, at) => (st().touch.get(at, subjectId) as string | null | undefined) ?? null,
    insertFeedEvent: (row) => void st().feed.run(row),
    latestEventOf: (tenantId, subjectId) => st().latest.get(tenantId, subjectId) as { seq: number; hash: string } | undefined,
  };
}

function prepareAll(handle: SQLite.Database) {
  return {
    response: handle.prepare('SELECT response FROM idempotency_keys WHERE tenant_id = ? AND client_event_id = ?').pluck(),
    saveResponse: handle.prepare('INSERT INTO idempotency_keys (tenant_id, client_event_id, response, created_at) VALUES (?, ?, ?, ?)'),
    visitor: handle.prepare('SELECT subject_id FROM subject_visitors WHERE tenant_id = ? AND visitor_hash = ?').pluck(),
    state: handle.prepare(`SELECT purpose, channel, status, expires_at, updated_at, source, config_version
      FROM consent_state WHERE tenant_id = ? AND subject_id = ?`),
    subject: handle.prepare(`INSERT INTO subjects (id, tenant_id, restricted, created_at, updated_at, last_activity_at)
      VALUES (?, ?, 0, ?, ?, ?)`),
    link: handle.prepare('INSERT INTO subject_visitors (tenant_id, visitor_hash, subject_id, created_at) VALUES (?, ?, ?, ?)'),
    head: handle.prepare('SELECT ledger_seq AS seq, ledger_hash AS hash FROM ledger_heads WHERE tenant_id = ?'),
    event: handle.prepare(`INSERT INTO consent_events (tenant_id, seq, consent_id, subject_id, purpose, channel, status,
      config_version, notice_hash, locale, source, gpc, ip_truncated, user_agent, context_digest, client_event_id,
      captured_at, occurred_at, prev_hash, hash)
      VALUES (@tenant_id, @seq, @consent_id, @subject_id, @purpose, @channel, @status, @config_version, @notice_hash,
      @locale, @source, @gpc, @ip_truncated, @user_agent, @context_digest, @client_event_id, @captured_at, @occurred_at,
      @prev_hash, @hash)`),
    upsert: handle.prepare(`INSERT INTO consent_state (tenant_id, subject_id, purpose, channel, status, event_seq,
      config_version, source, updated_at, expires_at)
      VALUES (@tenant_id, @subject_id, @purpose, @channel, @status, @event_seq, @config_version, @source, @updated_at, @expires_at)
      ON CONFLICT (tenant_id, subject_id, purpose, channel) DO UPDATE SET status = excluded.status,
      event_seq = excluded.event_seq, config_version = excluded.config_version, source = excluded.source,
      updated_at = excluded.updated_at, expires_at = excluded.expires_at`),
    advance: handle.prepare(`UPDATE ledger_heads SET ledger_seq = ?, ledger_hash = ?, feed_seq = feed_seq + 1
      WHERE tenant_id = ? RETURNING feed_seq`).pluck(),
    touch: handle.prepare('UPDATE subjects SET last_activity_at = ? WHERE id = ? RETURNING external_id').pluck(),
    feed: handle.prepare(`INSERT INTO feed_events (tenant_id, seq, id, type, subject_id, external_id, data, occurred_at, event_json)
      VALUES (@tenant_id, @seq, @id, @type, @subject_id, @external_id, @data, @occurred_at, @event_json)`),
    latest: handle.prepare('SELECT seq, hash FROM consent_events WHERE tenant_id = ? AND subject_id = ? ORDER BY seq DESC LIMIT 1'),
  };
}
