// The consent writer on SQLite, run synchronously. better-sqlite3 is synchronous, so
// a whole group-commit batch can run inside one call: prepared once, no promise and
// no query building per statement (Kysely's per-statement cost was most of a consent
// write). What to write is the plan's (services/consent/consent-write-plan.ts); this module
// only knows how, as db/kysely-consent-writer.ts does for PostgreSQL.
import type SQLite from 'better-sqlite3';
import type { Kysely } from 'kysely';
import type { ConsentWriter, ConsentWriteRead, LedgerCursor } from './consent-writer.js';
import type { Database } from './database.js';

/** The consent writer on SQLite, run inside one group-commit batch. */
export interface SyncConsentWriter extends ConsentWriter<true> {
  /**
   * Runs `work` in one write transaction (BEGIN IMMEDIATE ... COMMIT; the commit is the
   * synchronous=FULL flush). Waits first for any Kysely transaction on the same
   * connection, so the two never interleave. The batch holds SQLite's write lock, so
   * nothing else can store an answer or move the head between a read and its write.
   */
  batch<T>(work: () => T): Promise<T>;
  /** Runs `work` in a savepoint: if it throws, only its own writes are undone. */
  isolated<T>(work: () => T): T;
}

/** Each tenant's head as the batch has moved it so far, by tenant id. */
type Heads = Map<string, { cursor: LedgerCursor; moved: boolean }>;

/**
 * `db` is the Kysely instance on the same connection, whose transactions the batch must
 * wait for; a connection nothing else uses (the write worker's) passes none.
 */
export function createSqliteConsentWriter(
  handle: SQLite.Database,
  db?: Kysely<Database>,
): SyncConsentWriter {
  // The tenants' heads as this batch moved them: read once and written once per batch, not
  // once per request. The batch holds SQLite's write lock, so nothing else moves them meanwhile.
  const heads: Heads = new Map();
  const statements = sqliteConsentStatements(handle, heads);
  const outer = handle.transaction((work: () => unknown) => {
    heads.clear();
    try {
      const result = work();
      for (const [tenantId, head] of heads)
        if (head.moved) statements.advance(tenantId, head.cursor);
      return result;
    } finally {
      heads.clear();
    }
  });
  // Called inside `outer`, better-sqlite3 runs a transaction function as a SAVEPOINT.
  const inner = handle.transaction((work: () => unknown) => work());
  return {
    // Kysely's SQLite driver serialises its use of the one connection with a mutex; holding
    // the connection keeps its transactions (other services) out while the batch runs.
    batch: db
      ? (work) =>
          db.connection().execute(async () => outer.immediate(work) as ReturnType<typeof work>)
      : async (work) => outer.immediate(work) as ReturnType<typeof work>,
    isolated: (work) => {
      // A request undone to its savepoint leaves the heads as they were before it.
      const before = new Map([...heads].map(([tenantId, head]) => [tenantId, { ...head }]));
      try {
        return inner(work) as ReturnType<typeof work>;
      } catch (error) {
        heads.clear();
        for (const [tenantId, head] of before) heads.set(tenantId, head);
        throw error;
      }
    },
    cursor: statements.cursor,
    read: statements.read,
    apply: statements.apply,
  };
}

/** The writer's reads and writes on a connection; the caller holds the write transaction. */
function sqliteConsentStatements(
  handle: SQLite.Database,
  heads: Heads,
): ConsentWriter<true> & { advance(tenantId: string, cursor: LedgerCursor): void } {
  // Prepared on first use: the tables exist only after the migrations ran.
  let s: ReturnType<typeof prepareAll> | null = null;
  const st = () => (s ??= prepareAll(handle));
  return {
    cursor(tenantId) {
      const known = heads.get(tenantId);
      if (known) return { ...known.cursor };
      const row = st().head.get(tenantId) as LedgerCursor | undefined;
      if (!row) throw new Error(`tenant ${tenantId} has no ledger head`);
      heads.set(tenantId, { cursor: row, moved: false });
      return { ...row };
    },
    read(key): ConsentWriteRead {
      const q = st();
      const subject = (
        'visitorHash' in key.subject
          ? q.visitor.get(key.tenantId, key.subject.visitorHash)
          : q.subject.get(key.subject.subjectId)
      ) as ConsentWriteRead['subject'] | undefined;
      const answer =
        key.answer && subject
          ? (q.response.get(
              key.tenantId,
              key.answer.owner(subject.id),
              key.answer.clientEventId,
              key.answer.notBefore,
            ) as string | undefined)
          : undefined;
      return {
        ...(answer !== undefined ? { answer } : {}),
        subject: subject ?? null,
        current:
          subject && key.state
            ? (q.state.all(key.tenantId, subject.id) as ConsentWriteRead['current'])
            : [],
        ...(subject
          ? latestOf(
              q.latest.get(key.tenantId, subject.id) as { seq: number; hash: string } | undefined,
            )
          : {}),
      };
    },
    apply(plans) {
      const q = st();
      for (const plan of plans) {
        if (plan.newSubject) {
          const { id, visitorHash, at } = plan.newSubject;
          q.insertSubject.run(id, plan.tenantId, at, at, at);
          q.link.run(plan.tenantId, visitorHash, id, at);
        }
        for (const row of plan.events) q.event.run(row);
        for (const row of plan.states) q.upsert.run(row);
        if (plan.touch) q.touch.run(plan.touch.at, plan.touch.subjectId);
        for (const row of plan.feed) q.feed.run(row);
        if (plan.answer) q.saveResponse.run(plan.answer);
      }
      if (plans.some((p) => p.events.length > 0))
        heads.set(plans[0].tenantId, { cursor: { ...plans.at(-1)!.cursor }, moved: true });
    },
    advance(tenantId, { seq, hash, feedSeq }) {
      st().advance.run(seq, hash, feedSeq, tenantId);
    },
  };
}

const latestOf = (row: { seq: number; hash: string } | undefined) => (row ? { latest: row } : {});

function prepareAll(handle: SQLite.Database) {
  return {
    response: handle
      .prepare(
        `SELECT response FROM idempotency_keys
      WHERE tenant_id = ? AND owner = ? AND client_event_id = ? AND created_at >= ?`,
      )
      .pluck(),
    saveResponse:
      handle.prepare(`INSERT INTO idempotency_keys (tenant_id, owner, client_event_id, response, created_at)
      VALUES (@tenant_id, @owner, @client_event_id, @response, @created_at) ON CONFLICT (tenant_id, owner, client_event_id) DO UPDATE SET
      response = excluded.response, created_at = excluded.created_at`),
    visitor: handle.prepare(`SELECT s.id, s.external_id AS externalId, s.objected_at AS objectedAt
      FROM subject_visitors v JOIN subjects s ON s.id = v.subject_id WHERE v.tenant_id = ? AND v.visitor_hash = ?`),
    subject: handle.prepare(
      'SELECT id, external_id AS externalId, objected_at AS objectedAt FROM subjects WHERE id = ?',
    ),
    state:
      handle.prepare(`SELECT purpose, channel, status, expires_at, updated_at, source, config_version, objection_lifted_at
      FROM consent_state WHERE tenant_id = ? AND subject_id = ?`),
    insertSubject:
      handle.prepare(`INSERT INTO subjects (id, tenant_id, restricted, created_at, updated_at, last_activity_at)
      VALUES (?, ?, 0, ?, ?, ?)`),
    link: handle.prepare(
      'INSERT INTO subject_visitors (tenant_id, visitor_hash, subject_id, created_at) VALUES (?, ?, ?, ?)',
    ),
    head: handle.prepare(
      'SELECT ledger_seq AS seq, ledger_hash AS hash, feed_seq AS feedSeq FROM ledger_heads WHERE tenant_id = ?',
    ),
    event:
      handle.prepare(`INSERT INTO consent_events (tenant_id, seq, consent_id, subject_id, purpose, channel, status,
      config_version, notice_hash, locale, source, gpc, ip_truncated, user_agent, context_digest, client_event_id,
      captured_at, reason, interaction, occurred_at, prev_hash, hash)
      VALUES (@tenant_id, @seq, @consent_id, @subject_id, @purpose, @channel, @status, @config_version, @notice_hash,
      @locale, @source, @gpc, @ip_truncated, @user_agent, @context_digest, @client_event_id, @captured_at, @reason,
      @interaction, @occurred_at, @prev_hash, @hash)`),
    upsert:
      handle.prepare(`INSERT INTO consent_state (tenant_id, subject_id, purpose, channel, status, event_seq,
      config_version, source, updated_at, expires_at, objection_lifted_at)
      VALUES (@tenant_id, @subject_id, @purpose, @channel, @status, @event_seq, @config_version, @source, @updated_at,
      @expires_at, @objection_lifted_at)
      ON CONFLICT (tenant_id, subject_id, purpose, channel) DO UPDATE SET status = excluded.status,
      event_seq = excluded.event_seq, config_version = excluded.config_version, source = excluded.source,
      updated_at = excluded.updated_at, expires_at = excluded.expires_at, objection_lifted_at = excluded.objection_lifted_at`),
    advance: handle.prepare(
      'UPDATE ledger_heads SET ledger_seq = ?, ledger_hash = ?, feed_seq = ? WHERE tenant_id = ?',
    ),
    touch: handle.prepare('UPDATE subjects SET last_activity_at = ? WHERE id = ?'),
    feed: handle.prepare(`INSERT INTO feed_events (tenant_id, seq, id, type, subject_id, external_id, data, occurred_at, event_json)
      VALUES (@tenant_id, @seq, @id, @type, @subject_id, @external_id, @data, @occurred_at, @event_json)`),
    latest: handle.prepare(
      'SELECT seq, hash FROM consent_events WHERE tenant_id = ? AND subject_id = ? ORDER BY seq DESC LIMIT 1',
    ),
  };
}
