// Group commit: requests that arrive while a write transaction is committing wait and
// then share the next transaction, each inside its own savepoint (on SQLite only once a
// request of the batch failed: see createSyncGroupCommit). The disk flush that
// makes a commit durable (synchronous=FULL, fsync) is then paid once per batch, not
// once per request, and no answer is given before its batch has committed: an
// acknowledged write survives a crash exactly as with one transaction per request.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import {
  countRetry,
  MAX_TRANSACTION_ATTEMPTS,
  retryableCode,
  retryDelayMs,
} from '../../db/transaction-retry.js';

interface Job<I, O> {
  input: I;
  resolve: (output: O) => void;
  reject: (error: unknown) => void;
  /** Runs so far that lost a deadlock or serialization failure. */
  retries: number;
}

export type Outcome<O> = { ok: true; output: O } | { ok: false; error: unknown };

export interface GroupCommitOptions {
  /** At most this many requests share one transaction. */
  maxBatch?: number;
  /** Errors for which a request is run again in a fresh savepoint (e.g. a unique key a concurrent writer took). */
  retryable?: (error: unknown) => boolean;
}

export interface GroupCommit<I, O> {
  /** Runs `work` for `input` in a shared transaction; `lane` separates queues that may commit in parallel. */
  submit(lane: string, input: I): Promise<O>;
}

const MAX_ATTEMPTS = 3;

/**
 * The queueing both kinds share: the first request of a lane schedules a drain; every
 * request that arrives before (or while) a batch commits joins the next batch.
 */
function createBatcher<I, O>(
  runBatch: (inputs: I[]) => Promise<Outcome<O>[]>,
  maxBatch: number,
  countsFor: object,
): GroupCommit<I, O> {
  const lanes = new Map<string, Job<I, O>[]>();

  function enqueue(lane: string, job: Job<I, O>): void {
    const queue = lanes.get(lane);
    if (queue) {
      queue.push(job);
      return;
    }
    const fresh = [job];
    lanes.set(lane, fresh);
    // Started on the next turn, so requests parsed in this turn join the first batch.
    setImmediate(() => void drain(lane, fresh));
  }

  /**
   * A request that lost a deadlock (PostgreSQL) was undone to its savepoint, its locks
   * released; it joins a later batch after a jittered wait, like a retried transaction.
   */
  function settle(lane: string, job: Job<I, O>, outcome: Outcome<O>): void {
    if (outcome.ok) return job.resolve(outcome.output);
    const code = retryableCode(outcome.error);
    if (code && job.retries + 1 < MAX_TRANSACTION_ATTEMPTS) {
      job.retries += 1;
      countRetry(countsFor, code);
      setTimeout(() => enqueue(lane, job), retryDelayMs(job.retries));
      return;
    }
    if (code) countRetry(countsFor, 'exhausted');
    job.reject(outcome.error);
  }

  async function drain(lane: string, queue: Job<I, O>[]): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.splice(0, maxBatch);
      let outcomes: Outcome<O>[];
      try {
        outcomes = await runBatch(batch.map((job) => job.input));
      } catch (error) {
        // The commit itself failed: nothing of the batch is stored, and every request says so.
        for (const job of batch) job.reject(error);
        continue;
      }
      outcomes.forEach((outcome, i) => settle(lane, batch[i], outcome));
    }
    lanes.delete(lane);
  }

  return {
    submit(lane, input) {
      return new Promise<O>((resolve, reject) =>
        enqueue(lane, { input, resolve, reject, retries: 0 }),
      );
    },
  };
}

/**
 * Group commit where the caller runs the whole batch (its own transaction, its own
 * statements) and answers one outcome per input; `countsFor` is where retries are counted.
 */
export function createBatchCommit<I, O>(
  runBatch: (inputs: I[]) => Promise<Outcome<O>[]>,
  options: { maxBatch?: number; countsFor: object },
): GroupCommit<I, O> {
  return createBatcher(runBatch, options.maxBatch ?? 256, options.countsFor);
}

/** Group commit over Kysely: one transaction per batch, a savepoint per request. */
export function createGroupCommit<I, O>(
  db: Kysely<Database>,
  work: (trx: Kysely<Database>, input: I) => Promise<O>,
  options: GroupCommitOptions = {},
): GroupCommit<I, O> {
  async function runOne(trx: Kysely<Database>, input: I): Promise<Outcome<O>> {
    for (let attempt = 1; ; attempt += 1) {
      await sql`SAVEPOINT job`.execute(trx);
      try {
        const output = await work(trx, input);
        await sql`RELEASE SAVEPOINT job`.execute(trx);
        return { ok: true, output };
      } catch (error) {
        // Undo only this request's writes; the others in the batch stand.
        await sql`ROLLBACK TO SAVEPOINT job`.execute(trx);
        await sql`RELEASE SAVEPOINT job`.execute(trx);
        if (attempt >= MAX_ATTEMPTS || !options.retryable?.(error)) return { ok: false, error };
      }
    }
  }
  return createBatcher(
    (inputs) =>
      db.transaction().execute(async (trx) => {
        const done: Outcome<O>[] = [];
        for (const input of inputs) done.push(await runOne(trx, input));
        return done;
      }),
    options.maxBatch ?? 64,
    db,
  );
}

/** A writer that runs a batch synchronously in one transaction, with savepoints inside. */
export interface SyncBatchWriter {
  batch<T>(work: () => T): Promise<T>;
  isolated<T>(work: () => T): T;
}

/** A request of a batch failed: the batch's transaction is undone and run again request by request. */
class RequestFailed extends Error {}

/**
 * Group commit for a synchronous driver (better-sqlite3): the whole batch runs in one
 * call with no await between statements. While the commit flushes, new requests wait
 * in the socket buffers and form the next batch, so the batch grows with the load and
 * the flush is paid once per batch.
 *
 * Optimistic: the batch first runs without a savepoint per request (each savepoint makes
 * SQLite keep a journal of every page the request touches, a tenth of a write's cost).
 * If any request fails, that transaction is rolled back, nothing of it was answered, and
 * the batch runs again with each request in its own savepoint, so only the failing
 * ones fail. The work must be safe to run twice: it is, as nothing outside the
 * database changes before the commit.
 */
export function createSyncGroupCommit<I, O>(
  writer: SyncBatchWriter,
  work: (input: I) => O,
  options: Pick<GroupCommitOptions, 'maxBatch'> = {},
): GroupCommit<I, O> {
  return createBatcher(
    (inputs) => runSyncBatch(writer, work, inputs),
    options.maxBatch ?? 512,
    writer,
  );
}

/** One batch of createSyncGroupCommit: optimistic, then request by request if one failed. */
export async function runSyncBatch<I, O>(
  writer: SyncBatchWriter,
  work: (input: I) => O,
  inputs: I[],
): Promise<Outcome<O>[]> {
  try {
    return await writer.batch(() =>
      inputs.map((input): Outcome<O> => {
        try {
          return { ok: true, output: work(input) };
        } catch {
          throw new RequestFailed();
        }
      }),
    );
  } catch (error) {
    if (!(error instanceof RequestFailed)) throw error;
    return writer.batch(() =>
      inputs.map((input): Outcome<O> => {
        try {
          return { ok: true, output: writer.isolated(() => work(input)) };
        } catch (failed) {
          return { ok: false, error: failed };
        }
      }),
    );
  }
}
