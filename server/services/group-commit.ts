// Group commit: requests that arrive while a write transaction is committing wait and
// then share the next transaction, each inside its own savepoint. The disk flush that
// makes a commit durable (synchronous=FULL, fsync) is then paid once per batch, not
// once per request, and no answer is given before its batch has committed: an
// acknowledged write survives a crash exactly as with one transaction per request.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database.js';

interface Job<I, O> {
  input: I;
  resolve: (output: O) => void;
  reject: (error: unknown) => void;
}

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

export function createGroupCommit<I, O>(
  db: Kysely<Database>,
  work: (trx: Kysely<Database>, input: I) => Promise<O>,
  options: GroupCommitOptions = {},
): GroupCommit<I, O> {
  const maxBatch = options.maxBatch ?? 64;
  const lanes = new Map<string, Job<I, O>[]>();

  async function runOne(trx: Kysely<Database>, job: Job<I, O>): Promise<{ ok: true; output: O } | { ok: false; error: unknown }> {
    for (let attempt = 1; ; attempt += 1) {
      await sql`SAVEPOINT job`.execute(trx);
      try {
        const output = await work(trx, job.input);
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

  async function drain(lane: string, queue: Job<I, O>[]): Promise<void> {
    while (queue.length > 0) {
      const batch = queue.splice(0, maxBatch);
      let outcomes: Array<Awaited<ReturnType<typeof runOne>>>;
      try {
        outcomes = await db.transaction().execute(async (trx) => {
          const done = [];
          for (const job of batch) done.push(await runOne(trx, job));
          return done;
        });
      } catch (error) {
        // The commit itself failed: nothing of the batch is stored, and every request says so.
        for (const job of batch) job.reject(error);
        continue;
      }
      outcomes.forEach((outcome, i) => (outcome.ok ? batch[i].resolve(outcome.output) : batch[i].reject(outcome.error)));
    }
    lanes.delete(lane);
  }

  return {
    submit(lane, input) {
      return new Promise<O>((resolve, reject) => {
        const queue = lanes.get(lane);
        if (queue) {
          queue.push({ input, resolve, reject });
          return;
        }
        const fresh = [{ input, resolve, reject }];
        lanes.set(lane, fresh);
        // Started on the next turn, so requests parsed in this turn join the first batch.
        setImmediate(() => void drain(lane, fresh));
      });
    },
  };
}
