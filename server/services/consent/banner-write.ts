// What a banner's consent asks the ledger to write and what it answers, as plain data and
// pure functions: the same on the event loop (visitor-consents.ts) and in the write worker
// (banner-write-worker.ts), which gets the request, the config version and the signing key
// as messages.
import type { RecordConsentBody } from '../../../shared/schemas/consents.js';
import type { RequestContext } from '../../http/request-context.js';
import type { PublishedConfig } from '../config/config.js';
import { bannerOwner } from '../idempotency.js';
import { signReceipt, type ActiveKey } from '../ledger/receipts.js';
import { visitorHash } from '../subjects/subjects-core.js';
import type { ConsentWriteOutcome, ConsentWriteRequest } from './consent-write-plan.js';
import { decisionsToChanges, type RecordedConsent } from './record-consent.js';

export interface VisitorConsentInput extends RecordConsentBody, RequestContext {
  tenantId: string;
}

export interface VisitorConsentAnswer {
  /** The response JSON exactly as first sent: a retry gets the same bytes. */
  body: string;
  replayed: boolean;
}

/** What signs and names the receipt: the issuer (the server's public URL) and the active key. */
export interface Signer {
  publicUrl: string;
  key: ActiveKey;
}

/** What the banner's request asks the ledger to record, once per visitor and clientEventId. */
export function visitorRequest(
  input: VisitorConsentInput,
  published: PublishedConfig,
  signer: Signer,
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
      answer: (recorded, subjectId) => answerBody(signer, input, subjectId, recorded),
    },
  };
}

export const answerOf = (outcome: ConsentWriteOutcome): VisitorConsentAnswer =>
  outcome.replayed
    ? { body: outcome.answer, replayed: true }
    : { body: outcome.answer!, replayed: false };

/** The 201 body: the consent id, the signed receipt (payload version 1) and the state. */
function answerBody(
  signer: Signer,
  input: VisitorConsentInput,
  subjectId: string,
  recorded: RecordedConsent,
): string {
  const receipt = signReceipt(signer.key, {
    v: 1,
    iss: signer.publicUrl,
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
  });
  return JSON.stringify({ id: recorded.consentId, receipt, state: recorded.state });
}
