// Resources at fixed, well-known paths (RFC 8615): the receipt verification keys and
// the Global Privacy Control support resource.
import { Hono } from 'hono';
import { GpcResponse, JwksResponse } from '../../shared/schemas/consents.js';
import type { AppContext } from '../context.js';
import { describe } from '../openapi/describe.js';
import { publicJwks } from '../services/ledger/receipts.js';

/** The day GPC support last changed (GPC spec, section "GPC Support Resource": an RFC 3339 full-date). */
const GPC_LAST_UPDATE = '2026-11-29';

export function wellKnownRoutes(ctx: AppContext) {
  return new Hono()
    .get(
      '/.well-known/jwks.json',
      describe({
        tag: 'Consent',
        auth: 'none',
        summary: 'The public keys that verify consent receipts (JWK Set, RFC 7517)',
        description:
          "Retired keys stay listed, so a receipt signed before a rotation still verifies. Match a receipt's kid header.",
        responses: {
          200: {
            description: 'The key set',
            schema: JwksResponse,
            contentType: 'application/jwk-set+json',
          },
        },
      }),
      async (c) => {
        const jwks = await publicJwks(ctx);
        return c.body(JSON.stringify(jwks), 200, {
          'content-type': 'application/jwk-set+json',
          // Anyone may verify a receipt, from any page.
          'access-control-allow-origin': '*',
          'cache-control': 'public, max-age=300',
        });
      },
    )
    .get(
      '/.well-known/gpc.json',
      describe({
        tag: 'Consent',
        auth: 'none',
        summary: 'Global Privacy Control support: this server honours Sec-GPC: 1',
        responses: { 200: { description: 'GPC support resource', schema: GpcResponse } },
      }),
      (c) => {
        c.header('Access-Control-Allow-Origin', '*');
        c.header('Cache-Control', 'public, max-age=86400');
        return c.json({ gpc: true, lastUpdate: GPC_LAST_UPDATE });
      },
    );
}
