// Walks a tenant's consent chain and reports the first position where it breaks
// (CONTRACT.md §10, GDPR-04: record rewrites are detectable). Reads keyset pages in
// seq order, so millions of events are checked in bounded memory.
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { contextDigest, eventHash } from './ledger-hash.js';
import { GENESIS_HASH } from './ledger-head.js';

export type LedgerReport =
  | { ok: true; events: number; head: string }
  /** `events`: how many events verified before the break. */
  | { ok: false; events: number; brokenAt: number; reason: string };

export interface VerifyOptions {
  batchSize?: number;
  /** Called after each page with the number of events checked so far (the CLI's progress bar). */
  onProgress?: (checked: number) => void;
}

const DEFAULT_BATCH = 2000;

export async function verifyLedger(db: Kysely<Database>, tenantId: string, options: VerifyOptions = {}): Promise<LedgerReport> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH;
  // The tip is read first: events appended while the walk runs are left for the next check.
  const head = await db.selectFrom('ledger_heads').select(['ledger_seq', 'ledger_hash']).where('tenant_id', '=', tenantId).executeTakeFirst();
  const tipSeq = head?.ledger_seq ?? 0;
  let expectedSeq = 1;
  let previousHash = GENESIS_HASH;
  const broken = (reason: string) => ({ ok: false as const, events: expectedSeq - 1, brokenAt: expectedSeq, reason });

  while (expectedSeq <= tipSeq) {
    const page = await db
      .selectFrom('consent_events')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('seq', '>=', expectedSeq)
      .where('seq', '<=', tipSeq)
      .orderBy('seq')
      .limit(batchSize)
      .execute();
    if (page.length === 0) return broken(`events ${expectedSeq} to ${tipSeq} are missing`);
    for (const row of page) {
      if (row.seq !== expectedSeq) return broken(`event ${expectedSeq} is missing`);
      if (row.prev_hash !== previousHash) return broken('prev_hash does not match the hash of the event before it');
      if (eventHash(row) !== row.hash) return broken('the event does not match its hash');
      // Erasure nulls the request context but keeps its digest; while it is present it must match.
      if ((row.ip_truncated !== null || row.user_agent !== null) && contextDigest(row.ip_truncated, row.user_agent) !== row.context_digest) {
        return broken('the IP address or user agent does not match the context digest');
      }
      previousHash = row.hash;
      expectedSeq += 1;
    }
    options.onProgress?.(expectedSeq - 1);
  }

  const events = expectedSeq - 1;
  // The head row records the tip's hash: a rewritten last event with a recomputed hash shows here.
  if (head && head.ledger_hash !== previousHash) {
    return { ok: false, events: events - 1, brokenAt: events, reason: 'the ledger head does not match the last event' };
  }
  return { ok: true, events, head: previousHash };
}
