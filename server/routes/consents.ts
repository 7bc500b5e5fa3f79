// The public consent API the banner calls with the tenant's public key (CONTRACT.md §5):
// record a choice (with a signed receipt) and read a visitor's own consents back.
import { Hono } from 'hono';
import {
  PublicKeyQuery, RecordConsentBody, RecordConsentResponse, VisitorConsentsResponse, VisitorParams,
} from '../../shared/schemas/consents.js';
import { tenantForPublicKey } from '../auth.js';
import type { AppContext } from '../context.js';
import type { Operation } from '../openapi/operation.js';
import { allowTenantOrigin, publicCors, type CorsEnv } from '../public-cors.js';
import { readRequestContext } from '../services/request-context.js';
import { readVisitorConsents, recordVisitorConsent } from '../services/visitor-consents.js';
import { validate } from '../validate.js';

export const consentOperations: Operation[] = [
  {
    method: 'post', path: '/v1/consents', tag: 'Consent', auth: 'public-key', body: RecordConsentBody,
    summary: 'Record a visitor\'s choice and get a signed receipt',
    description: [
      'Called by the banner. Only the tenant\'s allowedOrigins get CORS; a browser request from another origin is refused (403).',
      'The same clientEventId sent again returns the first answer unchanged and stores nothing.',
      'Purposes not sent keep their state. A website purpose takes true/false, a communication purpose { "email": true }.',
      'The server records Sec-GPC: 1 as well as the body\'s gpc, the truncated IP address (IPv4 /24, IPv6 /48) and the user agent.',
      'Errors: 400 bad or missing fields, 401 unknown key, 403 origin not allowed, 413 body over 64 KiB, 422 unknown purpose, refused required purpose or unknown configVersion.',
    ].join(' '),
    responses: {
      201: { description: 'Recorded (or the first answer to this clientEventId)', schema: RecordConsentResponse },
    },
  },
  {
    method: 'get', path: '/v1/consents/{visitorId}', tag: 'Consent', auth: 'public-key', params: VisitorParams, query: PublicKeyQuery,
    summary: 'A visitor\'s current state and consent history',
    description: 'The visitor id is the browser\'s secret. History lists the newest 1000 events, oldest first, without IP address or user agent.',
    responses: { 200: { description: 'State and history', schema: VisitorConsentsResponse }, 404: 'No consents for this visitor' },
  },
];

export function consentRoutes(ctx: AppContext) {
  const cors = publicCors(ctx, 'GET, POST');
  return new Hono<CorsEnv>()
    .use('/v1/consents', cors)
    .use('/v1/consents/*', cors)
    .post('/v1/consents', validate('json', RecordConsentBody), async (c) => {
      const body = c.req.valid('json');
      const tenant = await tenantForPublicKey(ctx, body.key);
      allowTenantOrigin(c, ctx, tenant.allowedOrigins);
      const answer = await recordVisitorConsent(ctx, { ...body, ...readRequestContext(c), tenantId: tenant.id });
      return c.body(answer.body, 201, { 'content-type': 'application/json; charset=utf-8' });
    })
    .get('/v1/consents/:visitorId', validate('param', VisitorParams), validate('query', PublicKeyQuery), async (c) => {
      const tenant = await tenantForPublicKey(ctx, c.req.valid('query').key);
      allowTenantOrigin(c, ctx, tenant.allowedOrigins);
      // The answer is that browser's own data: never stored by a shared cache.
      c.header('Cache-Control', 'no-store');
      return c.json(await readVisitorConsents(ctx, tenant.id, c.req.valid('param').visitorId));
    });
}
