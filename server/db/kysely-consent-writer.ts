// The consent write's statements through Kysely: PostgreSQL, and any write inside a
// caller's transaction on SQLite. The head row is locked first and written once;
// the plans' rows go in one multi-row statement per table. On PostgreSQL those statements
// travel as one query, each table's rows as one array per column, so a batch of writes
// costs one round trip and a query whose size does not grow with the batch.
import {
  PostgresAdapter,
  sql,
  type Insertable,
  type InsertQueryBuilder,
  type InsertResult,
  type Kysely,
  type OperationNodeSource,
} from 'kysely';
import type {
  ConsentWriter,
  ConsentReadKey,
  ConsentWritePlan,
  ConsentWriteRead,
  LedgerCursor,
} from './consent-writer.js';
import type { Database } from './database.js';
import { PREPARED } from './prepared-statements.js';

/** Rows per statement: far below either database's limit on bound parameters. */
const CHUNK = 400;

export function kyselyConsentWriter(
  trx: Kysely<Database>,
): ConsentWriter<false> & { readMany(keys: ConsentReadKey[]): Promise<ConsentWriteRead[]> } {
  const postgres = trx.getExecutor().adapter instanceof PostgresAdapter;
  const writer = {
    async cursor(tenantId: string): Promise<LedgerCursor> {
      let query = trx
        .selectFrom('ledger_heads')
        .select(['ledger_seq', 'ledger_hash', 'feed_seq'])
        .where('tenant_id', '=', tenantId);
      // On SQLite the transaction already holds the only write connection.
      if (postgres) query = query.forUpdate();
      const head = await query.executeTakeFirst();
      if (!head) throw new Error(`tenant ${tenantId} has no ledger head`);
      return { seq: head.ledger_seq, hash: head.ledger_hash, feedSeq: head.feed_seq };
    },

    async read(key: ConsentReadKey): Promise<ConsentWriteRead> {
      const [read] = await writer.readMany([key]);
      return read;
    },

    /** The reads of many requests of one tenant: one statement per table. */
    async readMany(keys: ConsentReadKey[]): Promise<ConsentWriteRead[]> {
      if (keys.length === 0) return [];
      const tenantId = keys[0].tenantId;
      const hashes = keys.flatMap((k) =>
        'visitorHash' in k.subject ? [k.subject.visitorHash] : [],
      );
      const ids = keys.flatMap((k) => ('subjectId' in k.subject ? [k.subject.subjectId] : []));
      const subjects = new Map<
        string,
        { id: string; externalId: string | null; objectedAt: string | null }
      >();
      if (hashes.length > 0) {
        const rows = await trx
          .selectFrom('subject_visitors')
          .innerJoin('subjects', 'subjects.id', 'subject_visitors.subject_id')
          .select([
            'subject_visitors.visitor_hash',
            'subjects.id',
            'subjects.external_id',
            'subjects.objected_at',
          ])
          .where('subject_visitors.tenant_id', '=', tenantId)
          .where('subject_visitors.visitor_hash', 'in', hashes)
          .execute();
        for (const row of rows)
          subjects.set(`v:${row.visitor_hash}`, {
            id: row.id,
            externalId: row.external_id,
            objectedAt: row.objected_at,
          });
      }
      if (ids.length > 0) {
        const rows = await trx
          .selectFrom('subjects')
          .select(['id', 'external_id', 'objected_at'])
          .where('id', 'in', ids)
          .execute();
        for (const row of rows)
          subjects.set(`s:${row.id}`, {
            id: row.id,
            externalId: row.external_id,
            objectedAt: row.objected_at,
          });
      }
      const subjectOf = (k: ConsentReadKey) =>
        subjects.get(
          'visitorHash' in k.subject ? `v:${k.subject.visitorHash}` : `s:${k.subject.subjectId}`,
        ) ?? null;
      // Answers are owned by the subject: only a request whose subject exists can have one.
      const answers = new Map<string, string>();
      const answerKeys = keys.map((k) => {
        const subject = subjectOf(k);
        return k.answer && subject ? { ...k.answer, owner: k.answer.owner(subject.id) } : null;
      });
      const withAnswer = answerKeys.filter((a) => a !== null);
      if (withAnswer.length > 0) {
        const rows = await trx
          .selectFrom('idempotency_keys')
          .select(['owner', 'client_event_id', 'response'])
          .where('tenant_id', '=', tenantId)
          .where((eb) =>
            eb.or(
              withAnswer.map((answer) =>
                eb.and([
                  eb('owner', '=', answer.owner),
                  eb('client_event_id', '=', answer.clientEventId),
                  eb('created_at', '>=', answer.notBefore),
                ]),
              ),
            ),
          )
          .execute();
        for (const row of rows) answers.set(`${row.owner}\n${row.client_event_id}`, row.response);
      }
      const found = [
        ...new Set(
          keys
            .map(subjectOf)
            .filter((s) => s !== null)
            .map((s) => s.id),
        ),
      ];
      const stateOf = new Map<string, ConsentWriteRead['current']>();
      const latestOf = new Map<string, { seq: number; hash: string }>();
      if (found.length > 0) {
        const stateWanted = [
          ...new Set(
            keys
              .filter((k) => k.state)
              .map(subjectOf)
              .filter((s) => s !== null)
              .map((s) => s.id),
          ),
        ];
        if (stateWanted.length > 0) {
          const rows = await trx
            .selectFrom('consent_state')
            .select([
              'subject_id',
              'purpose',
              'channel',
              'status',
              'expires_at',
              'updated_at',
              'source',
              'config_version',
              'objection_lifted_at',
            ])
            .where('tenant_id', '=', tenantId)
            .where('subject_id', 'in', stateWanted)
            .execute();
          for (const { subject_id, ...row } of rows) {
            const list = stateOf.get(subject_id) ?? [];
            list.push(row);
            stateOf.set(subject_id, list);
          }
        }
        // Each subject's newest event, in one statement (the subject index ends in seq).
        const latest = await trx
          .selectFrom('consent_events as e')
          .select(['e.subject_id', 'e.seq', 'e.hash'])
          .where('e.tenant_id', '=', tenantId)
          .where('e.subject_id', 'in', found)
          .where('e.seq', '=', (eb) =>
            eb
              .selectFrom('consent_events as m')
              .select((m) => m.fn.max('m.seq').as('seq'))
              .whereRef('m.tenant_id', '=', 'e.tenant_id')
              .whereRef('m.subject_id', '=', 'e.subject_id'),
          )
          .execute();
        for (const row of latest) latestOf.set(row.subject_id, { seq: row.seq, hash: row.hash });
      }
      return keys.map((k, i): ConsentWriteRead => {
        const subject = subjectOf(k);
        const key = answerKeys[i];
        const answer = key ? answers.get(`${key.owner}\n${key.clientEventId}`) : undefined;
        return {
          ...(answer !== undefined ? { answer } : {}),
          subject,
          current: subject ? (stateOf.get(subject.id) ?? []) : [],
          ...(subject && latestOf.has(subject.id) ? { latest: latestOf.get(subject.id)! } : {}),
        };
      });
    },

    async apply(plans: ConsentWritePlan[]): Promise<void> {
      if (plans.length === 0) return;
      const statements = statementsOf(trx, plans, postgres);
      if (postgres && statements.length > 1) await runAsOne(trx, statements);
      else for (const statement of statements) await statement.execute();
    },
  };
  return writer;
}

type Statement = OperationNodeSource & { execute(): Promise<unknown> };

/**
 * The statements that write the plans, in an order that satisfies the foreign keys when
 * run one after another: subjects before their links and events. A plan never both
 * creates and touches a subject, and a batch holds each subject once (writeConsentBatch),
 * so no two statements write the same row.
 */
function statementsOf(
  trx: Kysely<Database>,
  plans: ConsentWritePlan[],
  postgres: boolean,
): Statement[] {
  const insert = rowInserter(trx, postgres);
  const tenantId = plans[0].tenantId;
  const statements: Statement[] = [];
  const fresh = plans.flatMap((p) => (p.newSubject ? [p.newSubject] : []));
  for (const part of chunks(fresh)) {
    statements.push(
      insert(
        'subjects',
        part.map((s) => ({
          id: s.id,
          tenant_id: tenantId,
          restricted: 0 as const,
          created_at: s.at,
          updated_at: s.at,
          last_activity_at: s.at,
        })),
      ),
      insert(
        'subject_visitors',
        part.map((s) => ({
          tenant_id: tenantId,
          visitor_hash: s.visitorHash,
          subject_id: s.id,
          created_at: s.at,
        })),
      ),
    );
  }
  for (const part of chunks(plans.flatMap((p) => p.events)))
    statements.push(insert('consent_events', part));
  const states = lastPerKey(
    plans.flatMap((p) => p.states),
    (s) => `${s.subject_id}\n${s.purpose}\n${s.channel}`,
  );
  for (const part of chunks(states)) statements.push(upsertState(insert('consent_state', part)));
  const touches = new Map<string, string[]>();
  for (const { touch } of plans)
    if (touch) touches.set(touch.at, [...(touches.get(touch.at) ?? []), touch.subjectId]);
  for (const [at, subjectIds] of touches)
    for (const part of chunks(subjectIds))
      statements.push(
        trx.updateTable('subjects').set({ last_activity_at: at }).where('id', 'in', part),
      );
  for (const part of chunks(plans.flatMap((p) => p.feed)))
    statements.push(insert('feed_events', part));
  const answers = lastPerKey(
    plans.flatMap((p) => (p.answer ? [p.answer] : [])),
    (a) => `${a.owner}\n${a.client_event_id}`,
  );
  for (const part of chunks(answers))
    statements.push(saveAnswers(insert('idempotency_keys', part)));
  if (plans.some((p) => p.events.length > 0)) {
    const last = plans.at(-1)!.cursor;
    statements.push(
      trx
        .updateTable('ledger_heads')
        .set({ ledger_seq: last.seq, ledger_hash: last.hash, feed_seq: last.feedSeq })
        .where('tenant_id', '=', tenantId),
    );
  }
  return statements;
}

/**
 * PostgreSQL: all the statements as data-modifying WITH clauses of one query, so a batch
 * costs one round trip and one parse instead of one per table. Each clause runs to
 * completion whether or not the query reads it, and foreign keys are checked at the end
 * of the statement, when every clause's rows are in. With each table's rows as arrays
 * (rowInserter) the parameters stay a few dozen, far below PostgreSQL's limit.
 */
async function runAsOne(trx: Kysely<Database>, statements: Statement[]): Promise<void> {
  const clauses = statements.map((statement, i) => sql`${sql.raw(`w${i}`)} AS (${statement})`);
  // Prepared on each connection (prepared-statements.ts): batches of one shape share the text.
  await sql`${sql.raw(PREPARED)}WITH ${sql.join(clauses)} SELECT 1`.execute(trx);
}

/**
 * The integer columns of the tables the write inserts into; every other column is text. A
 * new integer column missing here fails the insert on PostgreSQL ("is of type integer but
 * expression is of type text"), which the conformance suite runs.
 */
const INTEGER_COLUMNS = new Set(['seq', 'config_version', 'gpc', 'event_seq', 'restricted']);

/**
 * Inserts rows into a table. On PostgreSQL each column travels as one array parameter
 * and `unnest` turns the arrays back into rows: the statement's text and its handful of
 * parameters are the same for one row or hundreds, so it is parsed and planned in a
 * fraction of the time a VALUES list with a parameter per cell takes.
 */
function rowInserter(trx: Kysely<Database>, postgres: boolean) {
  return <T extends keyof Database & string>(table: T, rows: Insertable<Database[T]>[]) => {
    if (!postgres) return trx.insertInto(table).values(rows);
    const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
    const arrays = columns.map((column) => {
      const values = rows.map((row) => (row as Record<string, unknown>)[column] ?? null);
      return sql`${values}::${sql.raw(INTEGER_COLUMNS.has(column) ? 'int4' : 'text')}[]`;
    });
    return trx
      .insertInto(table)
      .columns(columns as never)
      .expression(sql`SELECT * FROM unnest(${sql.join(arrays)})` as never);
  };
}

function chunks<T>(rows: T[]): T[][] {
  const parts: T[][] = [];
  for (let i = 0; i < rows.length; i += CHUNK) parts.push(rows.slice(i, i + CHUNK));
  return parts;
}

/** One row per key, the last one: a multi-row upsert may not touch a row twice. */
function lastPerKey<T>(rows: T[], key: (row: T) => string): T[] {
  return [...new Map(rows.map((row) => [key(row), row])).values()];
}

function upsertState(insert: InsertQueryBuilder<Database, 'consent_state', InsertResult>) {
  return insert.onConflict((oc) =>
    oc.columns(['tenant_id', 'subject_id', 'purpose', 'channel']).doUpdateSet((eb) => ({
      status: eb.ref('excluded.status'),
      event_seq: eb.ref('excluded.event_seq'),
      config_version: eb.ref('excluded.config_version'),
      source: eb.ref('excluded.source'),
      updated_at: eb.ref('excluded.updated_at'),
      expires_at: eb.ref('excluded.expires_at'),
      objection_lifted_at: eb.ref('excluded.objection_lifted_at'),
    })),
  );
}

/** Stores the answers, taking over expired ones of the same owner and id. */
function saveAnswers(insert: InsertQueryBuilder<Database, 'idempotency_keys', InsertResult>) {
  return insert.onConflict((oc) =>
    oc.columns(['tenant_id', 'owner', 'client_event_id']).doUpdateSet((eb) => ({
      response: eb.ref('excluded.response'),
      created_at: eb.ref('excluded.created_at'),
    })),
  );
}
