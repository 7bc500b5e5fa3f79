// The public consent API the banner calls with the tenant's public key:
// record a choice (with a signed receipt) and read a visitor's own consents back.
import { Hono } from 'hono';
import {
  PublicKeyQuery,
  RecordConsentBody,
  RecordConsentResponse,
  VisitorConsentsResponse,
  VisitorParams,
} from '../../shared/schemas/consents.js';
import { tenantForPublicKey } from '../auth.js';
import type { AppContext } from '../context.js';
import { describe } from '../openapi/describe.js';
import { allowTenantOrigin, publicCors } from '../public-cors.js';
import { readRequestContext } from '../http/request-context.js';
import { readVisitorConsents, recordVisitorConsent } from '../services/consent/visitor-consents.js';
import { validate } from '../validate.js';

export function consentRoutes(ctx: AppContext) {
  const cors = publicCors('GET, POST');
  // '/v1/consents/*' matches /v1/consents too: mounting it for both ran it twice (Vary: Origin, Origin).
  return new Hono()
    .use('/v1/consents/*', cors)
    .post(
      '/v1/consents',
      describe({
        tag: 'Consent',
        auth: 'public-key-body',
        body: RecordConsentBody,
        summary: "Record a visitor's choice and get a signed receipt",
        description: [
          "Called by the banner. A browser request from an origin not in the tenant's allowed origins (GET/PUT /v1/tenant/origins) is refused with 403 ORIGIN_NOT_ALLOWED before anything is stored.",
          'Preflights pass for any web origin and every error answer carries Access-Control-Allow-Origin, so the banner can read why it was refused.',
          'The same clientEventId sent again by the same visitor within 24 hours returns the first answer unchanged and stores nothing; ' +
            "another visitor's use of the same id is their own choice.",
          'Purposes not sent keep their state. A website purpose takes true/false, a communication purpose { "email": true }.',
          "The server records Sec-GPC: 1 as well as the body's gpc, the truncated IP address (IPv4 /24, IPv6 /48) and the user agent.",
          'Errors: 400 bad or missing fields, 401 unknown key, 403 ORIGIN_NOT_ALLOWED, 413 body over 64 KiB, 422 unknown purpose, refused required purpose or unknown configVersion.',
        ].join(' '),
        bodyExample: {
          key: 'pk_3fMz7JW_5ELQNBKBekKXvQ',
          visitorId: 'v_c4o6ZnA5iAoFVONoIABBWg',
          decisions: { analytics: true, marketing: false },
          configVersion: 1,
          locale: 'en',
          clientEventId: 'ce_0f3a9c2e7b1d4a55',
        },
        responses: {
          201: {
            description: "Recorded (or the first answer to this visitor's clientEventId)",
            schema: RecordConsentResponse,
            example: {
              id: 'cns_Xk2mQ8vR1tY6wP0sL9aB3c',
              receipt: 'eyJhbGciOiJFZERTQSIsImtpZCI6Ii4uLiJ9.eyJ2IjoxfQ.c2ln',
              state: { analytics: 'granted', marketing: 'denied' },
            },
          },
        },
      }),
      validate('json', RecordConsentBody),
      async (c) => {
        const body = c.req.valid('json');
        const tenant = await tenantForPublicKey(ctx, body.key);
        allowTenantOrigin(c, ctx, tenant.allowedOrigins);
        const answer = await recordVisitorConsent(ctx, {
          ...body,
          ...readRequestContext(c),
          tenantId: tenant.id,
        });
        // Its length given: the compression middleware then leaves this small answer alone
        // without reading it back, the hottest route's answer written straight to the socket.
        return c.body(answer.body, 201, {
          'content-type': 'application/json; charset=utf-8',
          'content-length': String(Buffer.byteLength(answer.body)),
        });
      },
    )
    .get(
      '/v1/consents/:visitorId',
      describe({
        tag: 'Consent',
        auth: 'public-key',
        params: VisitorParams,
        query: PublicKeyQuery,
        summary: "A visitor's current state and consent history",
        description:
          "The visitor id is the browser's secret. History lists the newest 1000 events, oldest first, without IP address or user agent.",
        responses: {
          200: {
            description: 'State and history',
            schema: VisitorConsentsResponse,
            example: {
              state: { analytics: 'granted' },
              history: [
                {
                  occurredAt: '2026-12-01T10:00:00.000Z',
                  consentId: 'cns_Xk2mQ8vR1tY6wP0sL9aB3c',
                  purpose: 'analytics',
                  channel: null,
                  status: 'granted',
                  source: 'banner',
                  configVersion: 1,
                  locale: 'en',
                  noticeHash: 'sha256-...',
                  gpc: false,
                },
              ],
            },
          },
          404: 'NOT_FOUND: no consents for this visitor with this key',
        },
      }),
      validate('param', VisitorParams),
      validate('query', PublicKeyQuery),
      async (c) => {
        const tenant = await tenantForPublicKey(ctx, c.req.valid('query').key);
        allowTenantOrigin(c, ctx, tenant.allowedOrigins);
        // The answer is that browser's own data: never stored by a shared cache.
        c.header('Cache-Control', 'no-store');
        return c.json(await readVisitorConsents(ctx, tenant.id, c.req.valid('param').visitorId));
      },
    );
}
