// A batch of banner consents on PostgreSQL, as the write worker runs it
// (banner-write-worker.ts): one transaction, the tenant's head locked once, every
// table's rows in one statement (writeConsentBatch). If a statement fails (a unique key
// another writer took), nothing of the batch stands, and each request runs again in a
// transaction of its own so that only the failing one fails.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { kyselyConsentWriter } from '../../db/kysely-consent-writer.js';
import { storedAnswerOf, type StoredBannerAnswer } from './banner-write.js';
import { writeConsent, writeConsentBatch } from './consent-write.js';
import type { ConsentWriteRequest } from './consent-write-plan.js';
import type { Outcome } from './group-commit.js';

export async function writeBannerBatch(
  db: Kysely<Database>,
  requests: ConsentWriteRequest[],
  at: string,
): Promise<Outcome<StoredBannerAnswer>[]> {
  try {
    const outcomes = await db
      .transaction()
      .execute((trx) => writeConsentBatch(kyselyConsentWriter(trx), requests, { at }));
    return outcomes.map((o) =>
      o.ok ? { ok: true as const, output: storedAnswerOf(o.output) } : o,
    );
  } catch (error) {
    if (requests.length === 1 && !isUniqueViolation(error)) return [{ ok: false, error }];
    const outcomes = [];
    for (const request of requests) outcomes.push(await writeAlone(db, request, at));
    return outcomes;
  }
}

const ALONE_ATTEMPTS = 3;

/**
 * One request in a transaction of its own. A visitor may be linked to a subject by
 * another transaction that does not take the ledger head (a tool's PUT /v1/subjects
 * with visitorIds): the write read no link, and its own link then meets the other's
 * unique key. Run again, it reads that link and records on that subject.
 */
async function writeAlone(
  db: Kysely<Database>,
  request: ConsentWriteRequest,
  at: string,
): Promise<Outcome<StoredBannerAnswer>> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      const output = await db
        .transaction()
        .execute((trx) => writeConsent(kyselyConsentWriter(trx), request, { at }));
      return { ok: true, output: storedAnswerOf(output) };
    } catch (error) {
      if (attempt >= ALONE_ATTEMPTS || !isUniqueViolation(error)) return { ok: false, error };
    }
  }
}

/** PostgreSQL's unique_violation. */
const isUniqueViolation = (error: unknown): boolean =>
  (error as { code?: unknown } | null)?.code === '23505';
