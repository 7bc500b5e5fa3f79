// POST /v1/receipts/verify (subjects:read): a DPO checks a receipt a person sent as
// proof. The JWS is verified against the same keys /.well-known/jwks.json publishes,
// then matched with the ledger: the event at the receipt's position must still have
// the hash the receipt names.
import { Hono } from 'hono';
import { compactVerify, createLocalJWKSet, decodeProtectedHeader, type JSONWebKeySet } from 'jose';
import { ReceiptCheckBody, ReceiptCheckResponse } from '../../shared/schemas/receipt-check.js';
import type { ReceiptPayloadV1 } from '../../shared/schemas/consents.js';
import { requireScope, type AuthEnv } from '../auth.js';
import type { AppContext } from '../context.js';
import { describe } from '../openapi/describe.js';
import { publicJwks, RECEIPT_TYP } from '../services/ledger/receipts.js';
import { validate } from '../validate.js';

export function receiptCheckRoutes(ctx: AppContext) {
  return new Hono<AuthEnv>().post(
    '/v1/receipts/verify',
    describe({
      tag: 'Accountability',
      auth: { scopes: ['subjects:read'] },
      body: ReceiptCheckBody,
      summary:
        'Check a consent receipt: its signature against /.well-known/jwks.json and its event in the ledger',
      description:
        'Answers 200 with what holds (signatureValid, tenantMatches, ledgerMatches), also for a receipt that does not verify. ' +
        'The payload is returned only when the signature verifies.',
      responses: { 200: { description: 'The result', schema: ReceiptCheckResponse } },
    }),
    requireScope(ctx, 'subjects:read'),
    validate('json', ReceiptCheckBody),
    async (c) => {
      const { tenantId } = c.get('auth');
      const { receipt } = c.req.valid('json');
      let kid: string | null = null;
      let payload: ReceiptPayloadV1 | null = null;
      try {
        kid = decodeProtectedHeader(receipt).kid ?? null;
        const keys = createLocalJWKSet((await publicJwks(ctx)) as JSONWebKeySet);
        const verified = await compactVerify(receipt, keys, { algorithms: ['EdDSA'] });
        if (verified.protectedHeader.typ === RECEIPT_TYP)
          payload = JSON.parse(new TextDecoder().decode(verified.payload)) as ReceiptPayloadV1;
      } catch {
        payload = null;
      }
      const tenantMatches = payload?.tenant === tenantId;
      let ledgerMatches = false;
      if (payload && tenantMatches && Number.isSafeInteger(payload.ledger?.seq)) {
        const event = await ctx.db
          .selectFrom('consent_events')
          .select('hash')
          .where('tenant_id', '=', tenantId)
          .where('seq', '=', payload.ledger.seq)
          .executeTakeFirst();
        // The position may be the person's latest event rather than one of this call (a call that changed nothing).
        ledgerMatches = event !== undefined && event.hash === payload.ledger.hash;
      }
      return c.json({
        signatureValid: payload !== null,
        kid,
        tenantMatches,
        ledgerMatches,
        // Another tenant's receipt says nothing to this one.
        payload: payload && tenantMatches ? (payload as unknown as Record<string, unknown>) : null,
      });
    },
  );
}
