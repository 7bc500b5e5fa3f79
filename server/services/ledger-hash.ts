// How a ledger event is hashed. The chain is SHA-256 over the previous hash and a
// canonical serialisation of the event, so any rewrite of a stored row shows
// (GDPR Art. 7(1), REQUIREMENTS GDPR-04). The request context (truncated IP, user
// agent) enters only through its digest, so erasing it keeps the chain verifiable.
import { canonicalJson } from '../../shared/canonical-json.js';
import type { ConsentEventsTable } from '../db/database.js';
import { sha256Hex } from '../ids.js';

export function contextDigest(ipTruncated: string | null, userAgent: string | null): string {
  return sha256Hex(canonicalJson({ ip: ipTruncated, ua: userAgent }));
}

type HashedFields = Omit<ConsentEventsTable, 'hash' | 'ip_truncated' | 'user_agent'>;

export function eventHash(event: HashedFields): string {
  const body = canonicalJson({
    v: 1,
    tenant: event.tenant_id,
    seq: event.seq,
    consent: event.consent_id,
    subject: event.subject_id,
    purpose: event.purpose,
    channel: event.channel,
    status: event.status,
    configVersion: event.config_version,
    noticeHash: event.notice_hash,
    locale: event.locale,
    source: event.source,
    gpc: event.gpc,
    context: event.context_digest,
    clientEventId: event.client_event_id,
    capturedAt: event.captured_at,
    occurredAt: event.occurred_at,
  });
  return sha256Hex(`${event.prev_hash}\n${body}`);
}
