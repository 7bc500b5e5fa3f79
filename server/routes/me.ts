// The preference center's API, /v1/me/* (CONTRACT.md §8). A session cookie
// (HttpOnly, SameSite=Lax, Secure on https) says who is signed in; every call that
// changes something must come from the preference center's own origin AND carry the
// session's CSRF token in `x-csrf-token` (from GET /v1/me or the sign-in answer).
import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import * as v from 'valibot';
import {
  ConsentsBody, ErasureBody, LocaleQuery, LoginBody, MeExportQuery, MeRequestsResponse, MeResponse, ProfileBody, RestrictionBody, SessionBody, SessionResponse,
} from '../../shared/schemas/me.js';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import type { Operation } from '../openapi/operation.js';
import {
  changeConsents, correctProfile, eraseMe, exportMe, liftMe, listMyRequests, objectMe, readMe, restrictMe,
} from '../services/me-actions.js';
import {
  csrfMatches, endSession, exchangeToken, readSession, sendLoginLink, SESSION_COOKIE, SESSION_MAX_MS, type MeSession,
} from '../services/me-session.js';
import { emailHash } from '../services/personal-data.js';
import { connectionIp, readRequestContext } from '../services/request-context.js';
import { validate } from '../validate.js';

type MeEnv = { Variables: { me: MeSession } };

const session = 'session' as const;
const ok = v.object({ requestId: v.string() });
export const meOperations: Operation[] = [
  {
    method: 'post', path: '/v1/me/login', tag: 'Preference center', auth: 'none', body: LoginBody,
    summary: 'Ask for a sign-in link by e-mail (one use, 15 minutes)',
    description: 'Always 202, before the address is even looked up, so neither the answer nor its timing says whether it is known. Limited per address and per IP (429 RATE_LIMITED with Retry-After). Must come from the preference center\'s own origin.',
    responses: { 202: 'Accepted', 429: 'Too many attempts' },
  },
  {
    method: 'post', path: '/v1/me/session', tag: 'Preference center', auth: 'signed-token', body: SessionBody,
    summary: 'Exchange a link token (e-mailed sign-in, signed link, visitor link) for a session cookie',
    responses: { 200: { description: 'Signed in; the cookie is set', schema: SessionResponse }, 401: 'Unknown, used or expired link' },
  },
  { method: 'get', path: '/v1/me', tag: 'Preference center', auth: session, summary: 'Identities, profile, consents with history, restriction, objection, records per data set', responses: { 200: { description: 'The person', schema: MeResponse } } },
  { method: 'put', path: '/v1/me/consents', tag: 'Preference center', auth: session, body: ConsentsBody, summary: 'Change consents (decisions as in §3), recorded with source preference_center', responses: { 200: 'The new state' } },
  { method: 'patch', path: '/v1/me/profile', tag: 'Preference center', auth: session, body: ProfileBody, summary: 'Correct profile fields (Art. 16): a rectification request, run at once', responses: { 200: { description: 'Corrected', schema: ok } } },
  {
    method: 'get', path: '/v1/me/export', tag: 'Preference center', auth: session, query: MeExportQuery,
    summary: 'Everything held about the person, as a JSON (Art. 15) or CSV (Art. 20) download',
    responses: { 200: { description: 'The file (Content-Disposition: attachment)', contentType: 'application/json' } },
  },
  { method: 'post', path: '/v1/me/restriction', tag: 'Preference center', auth: session, body: RestrictionBody, summary: 'Restrict processing (Art. 18) on one of its four grounds', responses: { 200: { description: 'Restricted', schema: ok } } },
  { method: 'delete', path: '/v1/me/restriction', tag: 'Preference center', auth: session, summary: 'Lift the restriction; the answer says what happens next (Art. 18(3))', responses: { 200: { description: 'Lifted', schema: ok }, 409: 'Not restricted' } },
  { method: 'post', path: '/v1/me/objection', tag: 'Preference center', auth: session, query: LocaleQuery, summary: 'Object to all direct marketing (Art. 21(2)-(3)): withdraws every marketing consent', responses: { 200: { description: 'Objected', schema: ok } } },
  { method: 'post', path: '/v1/me/erasure', tag: 'Preference center', auth: session, body: ErasureBody, summary: 'Erase everything ({ "all": true }, which ends the session) or chosen data sets and fields', responses: { 200: { description: 'Erased', schema: ok } } },
  { method: 'get', path: '/v1/me/requests', tag: 'Preference center', auth: session, summary: 'The person\'s requests with status, receivedAt and dueAt', responses: { 200: { description: 'The requests', schema: MeRequestsResponse } } },
  { method: 'post', path: '/v1/me/logout', tag: 'Preference center', auth: session, summary: 'End the session', responses: { 204: 'Signed out' } },
];

const isSecure = (ctx: AppContext, c: Context) => ctx.config.publicUrl.startsWith('https:') || new URL(c.req.url).protocol === 'https:';

/**
 * The preference center is served by this server, so a legitimate change comes from
 * our own origin: the Origin header names it, or (where a browser omits Origin)
 * Sec-Fetch-Site says same-origin. A form or fetch from any other site is refused.
 */
function sameOrigin(ctx: AppContext) {
  const own = new Set([new URL(ctx.config.publicUrl).origin]);
  return createMiddleware(async (c, next) => {
    const origin = c.req.header('origin');
    const fromUs = origin !== undefined ? own.has(origin) || origin === new URL(c.req.url).origin : c.req.header('sec-fetch-site') === 'same-origin';
    if (!fromUs) throw new ApiError(403, 'CSRF_FAILED', 'This call must come from the preference center itself');
    await next();
  });
}

function signedIn(ctx: AppContext, options: { csrf: boolean }) {
  return createMiddleware<MeEnv>(async (c, next) => {
    const me = await readSession(ctx, getCookie(c, SESSION_COOKIE));
    if (!me) throw new ApiError(401, 'UNAUTHORIZED', 'Not signed in, or the session has ended');
    if (options.csrf && !csrfMatches(me, c.req.header('x-csrf-token'))) {
      throw new ApiError(403, 'CSRF_FAILED', 'Missing or wrong x-csrf-token header');
    }
    c.set('me', me);
    await next();
  });
}

export function meRoutes(ctx: AppContext) {
  const origin = sameOrigin(ctx);
  const reader = signedIn(ctx, { csrf: false });
  const writer = [origin, signedIn(ctx, { csrf: true })] as const;
  const clearCookie = (c: Context) => deleteCookie(c, SESSION_COOKIE, { path: '/', secure: isSecure(ctx, c), httpOnly: true, sameSite: 'Lax' });

  return new Hono<MeEnv>()
    .post('/v1/me/login', origin, validate('json', LoginBody), async (c) => {
      const { tenant, email, locale } = c.req.valid('json');
      // Counted before anything is looked up, identically for known and unknown addresses.
      await ctx.rateLimits.loginPerIp.consume(connectionIp(c) ?? 'no-socket');
      await ctx.rateLimits.loginPerEmail.consume(`${tenant}:${emailHash(ctx.keyring, email)}`);
      // Answer first, look up after: the time to answer cannot tell a known address from an unknown one.
      void sendLoginLink(ctx, { tenantId: tenant, email, locale }).catch((error: unknown) => {
        ctx.logger.error({ err: error }, 'sign-in link could not be sent');
      });
      return c.json({ message: 'If the address is known, a sign-in link is on its way.' }, 202);
    })
    .post('/v1/me/session', origin, validate('json', SessionBody), async (c) => {
      const started = await exchangeToken(ctx, c.req.valid('json').token);
      if (!started) throw new ApiError(401, 'INVALID_TOKEN', 'This link has expired or was already used');
      const previous = getCookie(c, SESSION_COOKIE);
      if (previous) await endSession(ctx, previous);
      setCookie(c, SESSION_COOKIE, started.id, {
        path: '/', httpOnly: true, sameSite: 'Lax', secure: isSecure(ctx, c), maxAge: Math.floor(SESSION_MAX_MS / 1000),
      });
      return c.json({ csrfToken: started.csrfToken, expiresAt: started.expiresAt, tenantId: started.tenantId });
    })
    .get('/v1/me', reader, async (c) => {
      const me = c.get('me');
      return c.json({ csrfToken: me.csrfToken, session: { expiresAt: me.expiresAt }, tenantId: me.tenantId, ...(await readMe(ctx, me)) }, 200, { 'cache-control': 'no-store' });
    })
    .put('/v1/me/consents', ...writer, validate('json', ConsentsBody), async (c) => {
      const { decisions, locale } = c.req.valid('json');
      return c.json(await changeConsents(ctx, c.get('me'), decisions, locale, readRequestContext(c)));
    })
    .patch('/v1/me/profile', ...writer, validate('json', ProfileBody), async (c) => c.json(await correctProfile(ctx, c.get('me'), c.req.valid('json'))))
    .get('/v1/me/export', reader, validate('query', MeExportQuery), async (c) => {
      const { format, locale } = c.req.valid('query');
      const file = await exportMe(ctx, c.get('me'), format, locale);
      return c.body(file.body, 200, {
        'content-type': file.contentType,
        'content-disposition': `attachment; filename="${file.filename}"`,
        'cache-control': 'no-store',
      });
    })
    .post('/v1/me/restriction', ...writer, validate('json', RestrictionBody), async (c) => c.json(await restrictMe(ctx, c.get('me'), c.req.valid('json').reason)))
    .delete('/v1/me/restriction', ...writer, async (c) => c.json(await liftMe(ctx, c.get('me'))))
    .post('/v1/me/objection', ...writer, validate('query', LocaleQuery), async (c) => c.json(await objectMe(ctx, c.get('me'), c.req.valid('query').locale)))
    .post('/v1/me/erasure', ...writer, validate('json', ErasureBody), async (c) => {
      const scope = c.req.valid('json');
      const result = await eraseMe(ctx, c.get('me'), scope);
      // Erasing everything deleted the session with the person; the cookie goes too.
      if ('all' in scope) clearCookie(c);
      return c.json(result);
    })
    .get('/v1/me/requests', reader, async (c) => c.json({ requests: await listMyRequests(ctx, c.get('me')) }, 200, { 'cache-control': 'no-store' }))
    .post('/v1/me/logout', origin, async (c) => {
      const id = getCookie(c, SESSION_COOKIE);
      const me = await readSession(ctx, id);
      if (me && !csrfMatches(me, c.req.header('x-csrf-token'))) throw new ApiError(403, 'CSRF_FAILED', 'Missing or wrong x-csrf-token header');
      await endSession(ctx, id);
      clearCookie(c);
      return c.body(null, 204);
    });
}
