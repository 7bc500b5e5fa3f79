// PostgreSQL may end a transaction with a deadlock (40P01) or a serialization failure
// (40001) when concurrent writers meet; both mean "nothing of it was stored, run it
// again". Every transaction on PostgreSQL goes through here: `db.transaction().execute(fn)`
// keeps its signature and runs `fn` again, a bounded number of times with jittered
// backoff, counting each retry for /metrics. The work inside a transaction must
// therefore touch nothing outside the database (mail, notifications) before it commits.
import {
  Kysely,
  TransactionBuilder,
  type AccessMode,
  type IsolationLevel,
  type KyselyConfig,
  type Transaction,
} from 'kysely';

export const RETRYABLE_CODES = ['40P01', '40001'] as const;
export type RetryableCode = (typeof RETRYABLE_CODES)[number];
/** The first run and up to four more. */
export const MAX_TRANSACTION_ATTEMPTS = 5;

/** Retries per code (and `exhausted`: transactions that failed even after the last attempt), per database. */
export type RetryCounts = Map<RetryableCode | 'exhausted', number>;
const counts = new WeakMap<object, RetryCounts>();

export function transactionRetryCounts(db: object): RetryCounts {
  let found = counts.get(db);
  if (!found) {
    found = new Map();
    counts.set(db, found);
  }
  return found;
}

/** Counts `times` retries (a worker thread reports its own in bulk). */
export function countRetry(db: object, code: RetryableCode | 'exhausted', times = 1): void {
  const found = transactionRetryCounts(db);
  found.set(code, (found.get(code) ?? 0) + times);
}

/** The SQLSTATE of a deadlock or serialization failure, also when wrapped as a cause; else null. */
export function retryableCode(error: unknown): RetryableCode | null {
  for (
    let e = error, depth = 0;
    e && typeof e === 'object' && depth < 5;
    e = (e as { cause?: unknown }).cause, depth += 1
  ) {
    const code = (e as { code?: unknown }).code;
    if (RETRYABLE_CODES.includes(code as RetryableCode)) return code as RetryableCode;
  }
  return null;
}

/** Full jitter: a random wait up to 10 ms, 20 ms, 40 ms ... (capped), so the losers of a deadlock do not meet again in step. */
export function retryDelayMs(attempt: number): number {
  return Math.random() * Math.min(500, 10 * 2 ** (attempt - 1));
}

export async function runWithRetry<T>(db: object, run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await run();
    } catch (error) {
      const code = retryableCode(error);
      if (!code) throw error;
      if (attempt >= MAX_TRANSACTION_ATTEMPTS) {
        countRetry(db, 'exhausted');
        throw error;
      }
      countRetry(db, code);
      await new Promise((resolve) => setTimeout(resolve, retryDelayMs(attempt)));
    }
  }
}

/** Kysely whose transactions retry (PostgreSQL). */
export class RetryingKysely<DB> extends Kysely<DB> {
  constructor(config: KyselyConfig) {
    super(config);
  }

  override transaction(): TransactionBuilder<DB> {
    return new RetryingTransactionBuilder(super.transaction(), this);
  }
}

/** Delegates to Kysely's builder; only execute() differs. */
class RetryingTransactionBuilder<DB> extends TransactionBuilder<DB> {
  readonly #inner: TransactionBuilder<DB>;
  readonly #db: object;

  constructor(inner: TransactionBuilder<DB>, db: object) {
    // The parent's own state stays unused: every method goes to `inner`.
    super(undefined as never);
    this.#inner = inner;
    this.#db = db;
  }

  override setAccessMode(accessMode: AccessMode): TransactionBuilder<DB> {
    return new RetryingTransactionBuilder(this.#inner.setAccessMode(accessMode), this.#db);
  }

  override setIsolationLevel(isolationLevel: IsolationLevel): TransactionBuilder<DB> {
    return new RetryingTransactionBuilder(this.#inner.setIsolationLevel(isolationLevel), this.#db);
  }

  override execute<T>(callback: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
    return runWithRetry(this.#db, () => this.#inner.execute(callback));
  }
}
