// The banner's consent write in a worker thread: its own connection to the SQLite file,
// and the whole batch there: the reads, the plan, the statements and the COMMIT (the
// synchronous=FULL fsync). The server's event loop meanwhile parses and validates the
// next requests, and signs the receipts of the stored answers, so the two cores share the work.
// banner-write-client.ts sends a batch as one message and answers nobody before this
// thread replies that the batch committed.
import { parentPort, workerData } from 'node:worker_threads';
import { createSqliteConsentWriter } from '../../db/sqlite-consent-writer.js';
import { openSqliteHandle } from '../../db/sqlite-handle.js';
import type { PublishedConfig } from '../config/config.js';
import { storedAnswerOf, visitorRequest, type StoredBannerAnswer } from './banner-write.js';
import type { BatchMessage, BatchReply } from './banner-write-client.js';
import { writeConsentSync } from './consent-write.js';
import { runSyncBatch } from './group-commit.js';
import { wireError } from './banner-write-errors.js';

const { file, publicUrl } = workerData as { file: string; publicUrl: string };
const writer = createSqliteConsentWriter(openSqliteHandle(file));
/** Config versions are sent once each; the client knows which it sent. */
const configs = new Map<string, PublishedConfig>();

parentPort!.on('message', (message: BatchMessage) => {
  for (const [key, published] of message.configs) configs.set(key, published);
  const write = (job: BatchMessage['jobs'][number]): StoredBannerAnswer => {
    const request = visitorRequest(job.input, configs.get(job.config)!, {
      publicUrl,
      kid: job.kid,
    });
    return storedAnswerOf(writeConsentSync(writer, request, { at: job.at }));
  };
  runSyncBatch(writer, write, message.jobs)
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
      (reply) => parentPort!.postMessage(reply),
      () => undefined,
    );
});
