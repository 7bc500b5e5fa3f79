// What a banner's consent asks the ledger to write and what it answers, as plain data and
// pure functions: the same on the event loop (visitor-consents.ts) and in the write worker
// (banner-write-worker.ts), which gets the request and the config version as messages.
//
// The write stores its answer unsigned: the receipt's key id and payload JSON. The
// server signs it on the way out, first time and retry alike (answerFromStored), so the
// write itself (and the worker holding the ledger) never signs, never holds a private
// key, and keeps a row about half the size of the whole answer. Ed25519 signatures are
// deterministic, so a retry gets the first answer byte for byte.
import type { RecordConsentBody, ReceiptPayloadV1 } from '../../../shared/schemas/consents.js';
import type { RequestContext } from '../../http/request-context.js';
import type { PublishedConfig } from '../config/config.js';
import { bannerOwner } from '../idempotency.js';
import { signReceipt, type SigningKey } from '../ledger/receipts.js';
import { visitorHash } from '../subjects/subjects-core.js';
import type { ConsentWriteOutcome, ConsentWriteRequest } from './consent-write-plan.js';
import { decisionsToChanges, type RecordedConsent } from './record-consent.js';

export interface VisitorConsentInput extends RecordConsentBody, RequestContext {
  tenantId: string;
}

/** The answer as the write stored it (see storedAnswer below) and whether it was a retry's. */
export interface StoredBannerAnswer {
  stored: string;
  replayed: boolean;
}

export interface VisitorConsentAnswer {
  /** The response JSON exactly as first sent: a retry gets the same bytes. */
  body: string;
  replayed: boolean;
}

/** Who issues the receipt: the server's public URL and the id of the key that will sign it. */
export interface Issuer {
  publicUrl: string;
  kid: string;
}

/** What the banner's request asks the ledger to record, once per visitor and clientEventId. */
export function visitorRequest(
  input: VisitorConsentInput,
  published: PublishedConfig,
  issuer: Issuer,
): ConsentWriteRequest {
  const hash = visitorHash(input.visitorId);
  return {
    subject: { visitorHash: hash },
    ledger: {
      tenantId: input.tenantId,
      configVersion: input.configVersion,
      locale: input.locale ?? published.config.defaultLocale,
      source: input.source,
      gpc: input.gpc || input.gpcHeader,
      interaction: input.interaction,
      ipTruncated: input.ipTruncated,
      userAgent: input.userAgent,
      clientEventId: input.clientEventId,
      published,
    },
    // Refuses unknown purposes and a refused required purpose before anything is written.
    changes: (current) => decisionsToChanges(published.config, input.decisions, current),
    idempotency: {
      owner: bannerOwner,
      clientEventId: input.clientEventId,
      answer: (recorded, subjectId) => storedAnswer(issuer, input, subjectId, recorded),
    },
  };
}

export const storedAnswerOf = (outcome: ConsentWriteOutcome): StoredBannerAnswer => ({
  // A banner request always has an idempotency key, so its write always stores an answer.
  stored: outcome.answer!,
  replayed: outcome.replayed,
});

/**
 * The stored form of a 201 answer: the signing key's id, a line break, then the receipt's
 * payload JSON (version 1). Answers stored whole, as JSON, before this form existed
 * begin with `{` and are sent as they are.
 */
function storedAnswer(
  issuer: Issuer,
  input: VisitorConsentInput,
  subjectId: string,
  recorded: RecordedConsent,
): string {
  const payload: ReceiptPayloadV1 = {
    v: 1,
    iss: issuer.publicUrl,
    tenant: input.tenantId,
    sub: subjectId,
    consentId: recorded.consentId,
    decisions: input.decisions,
    state: recorded.state,
    source: input.source,
    ...(input.interaction ? { interaction: input.interaction } : {}),
    gpc: input.gpc || input.gpcHeader,
    configVersion: recorded.configVersion,
    locale: recorded.locale,
    noticeHash: recorded.noticeHash,
    iat: Math.floor(Date.parse(recorded.occurredAt) / 1000),
    ledger: recorded.ledger,
  };
  return `${issuer.kid}\n${JSON.stringify(payload)}`;
}

/** The key id a stored answer must be signed with; null for an answer stored whole. */
export const storedAnswerKid = (stored: string): string | null =>
  stored.startsWith('{') ? null : stored.slice(0, stored.indexOf('\n'));

/** The 201 body: the consent id, the signed receipt and the state, as first sent. */
export function answerFromStored(stored: string, key: SigningKey | null): string {
  if (stored.startsWith('{')) return stored;
  const payloadJson = stored.slice(stored.indexOf('\n') + 1);
  const payload = JSON.parse(payloadJson) as ReceiptPayloadV1;
  if (!key || key.kid !== storedAnswerKid(stored))
    throw new Error('a stored banner answer is signed with the key it names');
  return JSON.stringify({
    id: payload.consentId,
    receipt: signReceipt(key, payloadJson),
    state: payload.state,
  });
}
