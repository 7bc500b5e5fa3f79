// Links for tools and the banner (CONTRACT.md §6, §8): a signed preference-center or
// one-click unsubscribe link for a subject, and the banner visitor's short-lived
// "manage my data" link.
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { CreateLinkBody, LinkResponse, SubjectParams, VisitorLinkBody } from '../../shared/schemas/links.js';
import { requireScope, tenantForPublicKey, type AuthEnv } from '../auth.js';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import type { Operation } from '../openapi/operation.js';
import { createSubjectLink, createVisitorLink } from '../services/links.js';
import { validate } from '../validate.js';

export const linkOperations: Operation[] = [
  {
    method: 'post', path: '/v1/subjects/{externalId}/links', tag: 'Subjects', auth: { scopes: ['subjects:write'] },
    params: SubjectParams, body: CreateLinkBody,
    summary: 'A signed preference-center link, or a one-click unsubscribe URL for List-Unsubscribe',
    description: 'kind "preferences": the person is signed in to the preference center by following it (30 days, reusable). '
      + 'kind "unsubscribe": put it in List-Unsubscribe with List-Unsubscribe-Post: List-Unsubscribe=One-Click (RFC 8058); '
      + 'a POST withdraws that purpose on that channel (default email) at once; valid for a year. The token is random and stored only as an HMAC.',
    responses: { 201: { description: 'The link', schema: LinkResponse }, 404: 'Unknown subject', 422: 'Unknown purpose or channel' },
  },
  {
    method: 'post', path: '/v1/me/visitor-link', tag: 'Preference center', auth: 'public-key', body: VisitorLinkBody,
    summary: 'The banner\'s "manage my data": a one-time, ten-minute preference-center link for this browser\'s visitor',
    description: 'The visitor id is the browser\'s secret; the link lets an anonymous visitor see and erase what the banner stored. Called by the banner from the tenant\'s allowed origins.',
    responses: { 201: { description: 'The link', schema: LinkResponse }, 404: 'Nothing stored for this visitor' },
  },
];

export function linkRoutes(ctx: AppContext) {
  return new Hono<AuthEnv>()
    .post('/v1/subjects/:externalId/links', requireScope(ctx, 'subjects:write'), validate('param', SubjectParams), validate('json', CreateLinkBody), async (c) => {
      const { tenantId, keyId } = c.get('auth');
      return c.json(await createSubjectLink(ctx, tenantId, c.req.valid('param').externalId, c.req.valid('json'), keyId), 201);
    })
    .use('/v1/me/visitor-link', cors({ origin: (origin) => origin, allowMethods: ['POST'], allowHeaders: ['content-type'], maxAge: 600 }))
    .post('/v1/me/visitor-link', validate('json', VisitorLinkBody), async (c) => {
      const { key, visitorId } = c.req.valid('json');
      const tenant = await tenantForPublicKey(ctx, key);
      const origin = c.req.header('origin');
      // Browsers always send Origin here (a cross-origin POST); only the tenant's own sites may ask.
      if (origin && !tenant.allowedOrigins.includes(origin)) throw new ApiError(403, 'FORBIDDEN', 'This origin is not allowed for the key');
      return c.json(await createVisitorLink(ctx, tenant.id, visitorId), 201);
    });
}
