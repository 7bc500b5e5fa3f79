// The banner's consent write in a worker thread, with connections of its own, and the
// whole batch there: the reads, the plan, the statements and the COMMIT. On a SQLite
// file one connection and a synchronous batch (its synchronous=FULL fsync included); on
// PostgreSQL a small pool and one transaction per batch, so that the server thread's HTTP
// work never delays the round trips of a transaction holding the tenant's ledger head.
// The server's event loop meanwhile parses and validates the next requests and signs the
// receipts of the stored answers, so the two cores share the work.
// banner-write-client.ts sends a batch as one message and answers nobody before this
// thread replies that the batch committed.
import { parentPort, workerData } from 'node:worker_threads';
import { createStore } from '../../db/create-db.js';
import { createSqliteConsentWriter } from '../../db/sqlite-consent-writer.js';
import { openSqliteHandle } from '../../db/sqlite-handle.js';
import { transactionRetryCounts, type RetryableCode } from '../../db/transaction-retry.js';
import type { PublishedConfig } from '../config/config.js';
import { storedAnswerOf, visitorRequest, type StoredBannerAnswer } from './banner-write.js';
import type { BatchMessage, BatchReply, WorkerData } from './banner-write-client.js';
import { writeConsentSync } from './consent-write.js';
import { runSyncBatch, type Outcome } from './group-commit.js';
import { wireError } from './banner-write-errors.js';
import { writeBannerBatch } from './postgres-banner-batch.js';

const { databaseUrl, publicUrl } = workerData as WorkerData;
/** Config versions are sent once each; the client knows which it sent. */
const configs = new Map<string, PublishedConfig>();

const requestOf = (job: BatchMessage['jobs'][number]) =>
  visitorRequest(job.input, configs.get(job.config)!, { publicUrl, kid: job.kid });

/** How this worker writes a batch, and the database whose transaction retries it reports. */
interface BatchWriter {
  write(jobs: BatchMessage['jobs']): Promise<Outcome<StoredBannerAnswer>[]>;
  retrying: object | null;
}

function sqliteBatches(): BatchWriter {
  const writer = createSqliteConsentWriter(openSqliteHandle(databaseUrl.slice('sqlite:'.length)));
  const write = (job: BatchMessage['jobs'][number]): StoredBannerAnswer =>
    storedAnswerOf(writeConsentSync(writer, requestOf(job), { at: job.at }));
  return { write: (jobs) => runSyncBatch(writer, write, jobs), retrying: null };
}

/** Three connections: one batch per tenant is open at a time. */
function postgresBatches(): BatchWriter {
  const { db } = createStore(databaseUrl, { connections: 3 });
  return { write: (jobs) => writeBannerBatch(db, jobs.map(requestOf), jobs[0].at), retrying: db };
}

const batches = databaseUrl.startsWith('sqlite:') ? sqliteBatches() : postgresBatches();
const reported = new Map<RetryableCode | 'exhausted', number>();

/** The worker's transaction retries since its last reply: the server's /metrics counts them. */
function retriesSinceLastReply(): Pick<BatchReply, 'retries'> {
  if (!batches.retrying) return {};
  const retries: NonNullable<BatchReply['retries']> = [];
  for (const [code, total] of transactionRetryCounts(batches.retrying)) {
    const since = total - (reported.get(code) ?? 0);
    if (since === 0) continue;
    retries.push([code, since]);
    reported.set(code, total);
  }
  return retries.length > 0 ? { retries } : {};
}

parentPort!.on('message', (message: BatchMessage) => {
  for (const [key, published] of message.configs) configs.set(key, published);
  batches
    .write(message.jobs)
    .then(
      (outcomes): BatchReply => ({
        id: message.id,
        outcomes: outcomes.map((o) =>
          o.ok ? o : { ok: false as const, error: wireError(o.error) },
        ),
      }),
      (error: unknown): BatchReply => ({ id: message.id, failed: wireError(error) }),
    )
    .then(
      (reply) => parentPort!.postMessage({ ...reply, ...retriesSinceLastReply() }),
      () => undefined,
    );
});
