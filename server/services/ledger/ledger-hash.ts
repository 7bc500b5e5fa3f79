// How a ledger event is hashed. The chain is SHA-256 over the previous hash and a
// canonical serialisation of the event, so any rewrite of a stored row shows
// (GDPR-04, Art. 7(1)). The request context (truncated IP, user
// agent) enters only through its digest, so erasing it keeps the chain verifiable.
import type { ConsentEventsTable } from '../../db/database.js';
import { sha256Hex } from '../../ids.js';

/** SHA-256 of canonicalJson({ ip, ua }); both keys are in order and both values strings or null. */
export function contextDigest(ipTruncated: string | null, userAgent: string | null): string {
  return sha256Hex(JSON.stringify({ ip: ipTruncated, ua: userAgent }));
}

type HashedFields = Omit<
  ConsentEventsTable,
  'hash' | 'ip_truncated' | 'user_agent' | 'reason' | 'interaction'
> & { reason?: string | null; interaction?: string | null };

/**
 * The hashed body is canonicalJson of the event's fields. Every value is a string, a
 * number or null, so JSON.stringify of an object whose keys are written in sorted
 * order is that same text without canonicalJson's generic sorting: this runs three
 * times per consent write. test/server/ledger-hash.test.ts holds the two equal.
 */
export function eventHash(event: HashedFields): string {
  const body = JSON.stringify({
    capturedAt: event.captured_at,
    channel: event.channel,
    clientEventId: event.client_event_id,
    configVersion: event.config_version,
    consent: event.consent_id,
    context: event.context_digest,
    gpc: event.gpc,
    // Only when set, like `reason`.
    ...(event.interaction ? { interaction: event.interaction } : {}),
    locale: event.locale,
    noticeHash: event.notice_hash,
    occurredAt: event.occurred_at,
    purpose: event.purpose,
    // Only when set: events recorded before the column existed keep their hashes.
    ...(event.reason ? { reason: event.reason } : {}),
    seq: event.seq,
    source: event.source,
    status: event.status,
    subject: event.subject_id,
    tenant: event.tenant_id,
    v: 1,
  });
  return sha256Hex(`${event.prev_hash}\n${body}`);
}
