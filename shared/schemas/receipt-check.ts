// Checking a consent receipt a person shows: its signature against the published
// keys, and whether the ledger still holds the decision it names.
import * as v from 'valibot';

export const ReceiptCheckBody = v.object({
  receipt: v.pipe(
    v.string(),
    v.trim(),
    v.maxLength(20_000),
    v.regex(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/, 'a compact JWS'),
  ),
});

export const ReceiptCheckResponse = v.object({
  /** The signature verifies with a key of /.well-known/jwks.json. */
  signatureValid: v.boolean(),
  kid: v.nullable(v.string()),
  /** The receipt is this tenant's. */
  tenantMatches: v.boolean(),
  /** The ledger still holds the event at the receipt's position with the hash the receipt names. */
  ledgerMatches: v.boolean(),
  /** The receipt's payload when the signature verifies (ids, decisions, state; no personal data). */
  payload: v.nullable(v.record(v.string(), v.unknown())),
});
