// Requests and answers of the public consent API, the JWKS and
// GPC resources, and the ledger verification report.
import * as v from 'valibot';
import { localePattern } from './config.js';
import { consentStatuses, Decisions } from './consent.js';

/**
 * The widget's visitor id: `v_` and at least 22 base64url characters (≥ 128 random
 * bits), the browser's secret that lets it read its own consents.
 */
export const VisitorId = v.pipe(
  v.string(),
  v.regex(
    /^v_[A-Za-z0-9_-]{22,128}$/,
    'a visitor id: v_ followed by at least 22 base64url characters',
  ),
);

/** Any string: a wrong key is a 401 (unknown key), not a 400. */
const PublicKey = v.pipe(
  v.string(),
  v.minLength(1, "the tenant's public key pk_..."),
  v.maxLength(200),
);

export const ClientEventId = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z0-9_.:-]{8,128}$/, '8 to 128 characters of A-Z a-z 0-9 _ . : -'),
);

/** What the public, key-authenticated endpoint may claim; other sources need a secret key. */
/** `placeholder`: the banner's button on a gated element ("allow Advertising to see this video"). */
export const publicConsentSources = ['banner', 'placeholder', 'preference_center'] as const;

/**
 * Which control made a banner choice: the first layer's buttons, the settings dialog's save,
 * a gated element's button, or a site's own script through window.akkoord (never a click).
 */
export const consentInteractions = [
  'accept_all',
  'reject_all',
  'save_choices',
  'placeholder',
  'script',
] as const;
export type ConsentInteraction = (typeof consentInteractions)[number];

export const RecordConsentBody = v.object({
  key: PublicKey,
  visitorId: VisitorId,
  decisions: v.pipe(
    Decisions,
    v.check((d) => Object.keys(d).length > 0, 'at least one decision'),
  ),
  configVersion: v.pipe(v.number(), v.integer(), v.minValue(1)),
  locale: v.optional(v.pipe(v.string(), v.regex(localePattern, 'a locale such as nl or en'))),
  source: v.optional(v.picklist(publicConsentSources), 'banner'),
  gpc: v.optional(v.boolean(), false),
  interaction: v.optional(
    v.pipe(
      v.picklist(consentInteractions),
      v.description(
        'Which control made the choice: accept_all, reject_all, save_choices (the settings dialog), placeholder ' +
          "(a gated element's button) or script (a call through window.akkoord). Kept in the ledger and named in the receipt.",
      ),
    ),
  ),
  clientEventId: ClientEventId,
});
export type RecordConsentBody = v.InferOutput<typeof RecordConsentBody>;

const StatusSchema = v.picklist(consentStatuses);
export const ConsentStateSchema = v.record(
  v.string(),
  v.union([StatusSchema, v.record(v.string(), StatusSchema)]),
);

export const RecordConsentResponse = v.object({
  id: v.pipe(v.string(), v.description('cns_...: this consent call')),
  receipt: v.pipe(
    v.string(),
    v.description(
      'A compact JWS (alg EdDSA, Ed25519; typ akkoord-receipt+jwt; kid names the key in /.well-known/jwks.json). ' +
        'Payload version 1: { v: 1, iss, tenant, sub (pseudonymous subject id), consentId, decisions (as sent), state (after the write), ' +
        'source, interaction (when sent), gpc, configVersion, locale, noticeHash, iat, ledger: { seq, hash } }.',
    ),
  ),
  state: ConsentStateSchema,
});

export const VisitorParams = v.object({ visitorId: VisitorId });
export const PublicKeyQuery = v.object({ key: PublicKey });

export const HistoryEntry = v.object({
  occurredAt: v.string(),
  consentId: v.string(),
  purpose: v.string(),
  channel: v.nullable(v.string()),
  status: StatusSchema,
  source: v.string(),
  configVersion: v.number(),
  locale: v.string(),
  noticeHash: v.string(),
  gpc: v.boolean(),
});
export type HistoryEntry = v.InferOutput<typeof HistoryEntry>;

export const VisitorConsentsResponse = v.object({
  state: ConsentStateSchema,
  history: v.array(HistoryEntry),
});

/** The signed receipt's payload, format version 1 (persisted formats carry a version so readers can switch on it). */
export interface ReceiptPayloadV1 {
  v: 1;
  iss: string;
  tenant: string;
  /** The pseudonymous subject id (sub_...), never a visitor id or e-mail address. */
  sub: string;
  consentId: string;
  /** The decisions as sent, and the whole resulting state. */
  decisions: Decisions;
  state: v.InferOutput<typeof ConsentStateSchema>;
  source: string;
  /** Which control made the choice, when the banner said so. */
  interaction?: ConsentInteraction;
  gpc: boolean;
  configVersion: number;
  locale: string;
  noticeHash: string;
  /** Seconds since the epoch (JWT `iat`). */
  iat: number;
  /** The ledger position and hash of the last event this consent call wrote (or the subject's latest). */
  ledger: { seq: number; hash: string };
}

export const JwksResponse = v.object({
  keys: v.array(
    v.object({
      kty: v.string(),
      crv: v.string(),
      x: v.string(),
      kid: v.string(),
      alg: v.string(),
      use: v.string(),
    }),
  ),
});

export const GpcResponse = v.object({ gpc: v.boolean(), lastUpdate: v.string() });

/** Present once old events were pruned: the walk started after this signed checkpoint. */
const LedgerCheckpointInfo = v.optional(
  v.object({
    seq: v.number(),
    hash: v.string(),
    at: v.string(),
    kid: v.string(),
    pruned: v.number(),
    kept: v.number(),
  }),
);

export const LedgerVerifyResponse = v.union([
  v.object({
    ok: v.literal(true),
    events: v.number(),
    head: v.string(),
    checkpoint: LedgerCheckpointInfo,
  }),
  v.object({
    ok: v.literal(false),
    events: v.number(),
    brokenAt: v.number(),
    reason: v.string(),
    checkpoint: LedgerCheckpointInfo,
  }),
]);
