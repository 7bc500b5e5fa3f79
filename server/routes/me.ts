// The preference center's API, /v1/me/*. A session cookie
// (HttpOnly, SameSite=Lax, Secure on https) says who is signed in; every call that
// changes something must come from the preference center's own origin AND carry the
// session's CSRF token in `x-csrf-token` (from GET /v1/me or the sign-in answer); no GET
// changes anything. A session opened by a tool's link or the banner's visitor link is of
// low assurance: consents and objection only, until the person steps up by a mailed link.
import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import {
  ConsentsBody,
  ErasureBody,
  LocaleQuery,
  ObjectionBody,
  LoginBody,
  MeConsentsResponse,
  MeErasureResponse,
  MeExportBody,
  MeExportLinkBody,
  MeLiftResponse,
  MeObjectionResponse,
  MeProfileResponse,
  MeRequestsResponse,
  MeResponse,
  MeRestrictionResponse,
  MessageResponse,
  ProfileBody,
  RestrictionBody,
  SessionBody,
  SessionResponse,
} from '../../shared/schemas/me.js';
import { SubjectExport } from '../../shared/schemas/exports.js';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import { sameOrigin } from '../middleware/same-origin.js';
import { describe } from '../openapi/describe.js';
import {
  changeConsents,
  correctProfile,
  eraseMe,
  exportMe,
  liftMe,
  listMyRequests,
  objectMe,
  readMe,
  restrictMe,
} from '../services/me/me-actions.js';
import {
  csrfMatches,
  endSession,
  exchangeToken,
  isAnonymousVisitor,
  readSession,
  sendLoginLink,
  sendStepUpLink,
  sessionActor,
  SESSION_COOKIE,
  SESSION_MAX_MS,
  type MeSession,
} from '../services/me/me-session.js';
import { redeemExportLink } from '../services/me/export-link.js';
import { emailHash } from '../services/subjects/personal-data.js';
import { exportSubject } from '../services/rights/access-export.js';
import { connectionIp, readRequestContext } from '../http/request-context.js';
import { isHttps } from '../middleware/trusted-proxies.js';
import { validate } from '../validate.js';

type MeEnv = { Variables: { me: MeSession & { actor: string } } };

const session = 'session' as const;
const STEP_UP =
  'Needs a high-assurance session (e-mail sign-in, or a link session after step-up); otherwise 403 STEP_UP_REQUIRED.';
const stepUpRefused = {
  403: 'STEP_UP_REQUIRED: this session came from a link; confirm by POST /v1/me/step-up first',
};
const isSecure = (ctx: AppContext, c: Context) =>
  ctx.config.publicUrl.startsWith('https:') || isHttps(c);

function signedIn(ctx: AppContext, options: { csrf: boolean }) {
  return createMiddleware<MeEnv>(async (c, next) => {
    const me = await readSession(ctx, getCookie(c, SESSION_COOKIE));
    if (!me) throw new ApiError(401, 'UNAUTHORIZED', 'Not signed in, or the session has ended');
    if (options.csrf && !csrfMatches(me, c.req.header('x-csrf-token'))) {
      throw new ApiError(403, 'CSRF_FAILED', 'Missing or wrong x-csrf-token header');
    }
    const assurance =
      me.assurance === 'low' && (await isAnonymousVisitor(ctx, me)) ? 'high' : me.assurance;
    c.set('me', { ...me, assurance, actor: sessionActor(me) });
    await next();
  });
}

/** Personal fields, downloads and the rights beyond consent and objection need a high-assurance session. */
const confirmed = createMiddleware<MeEnv>(async (c, next) => {
  if (c.get('me').assurance !== 'high') {
    throw new ApiError(
      403,
      'STEP_UP_REQUIRED',
      'Confirm it is you first: ask for a link mailed to the address on file (POST /v1/me/step-up)',
    );
  }
  await next();
});

export function meRoutes(ctx: AppContext) {
  const origin = sameOrigin(ctx);
  const reader = signedIn(ctx, { csrf: false });
  const writer = [origin, signedIn(ctx, { csrf: true })] as const;
  const confirmedWriter = [...writer, confirmed] as const;
  const clearCookie = (c: Context) =>
    deleteCookie(c, SESSION_COOKIE, {
      path: '/',
      secure: isSecure(ctx, c),
      httpOnly: true,
      sameSite: 'Lax',
    });

  return new Hono<MeEnv>()
    .post(
      '/v1/me/login',
      describe({
        tag: 'Preference center',
        auth: 'none',
        body: LoginBody,
        summary: 'Ask for a sign-in link by e-mail (one use, 15 minutes)',
        description:
          "Always 202, before the address is even looked up, so neither the answer nor its timing says whether it is known. Limited per address and per IP (429 RATE_LIMITED with Retry-After). Must come from the preference center's own origin.",
        responses: {
          202: { description: 'Accepted', schema: MessageResponse },
          429: 'Too many attempts',
        },
      }),
      origin,
      validate('json', LoginBody),
      async (c) => {
        const { tenant, email, locale } = c.req.valid('json');
        // Counted before anything is looked up, identically for known and unknown addresses.
        await ctx.rateLimits.loginPerIp.consume(connectionIp(c) ?? 'no-socket');
        await ctx.rateLimits.loginPerEmail.consume(`${tenant}:${emailHash(ctx.keyring, email)}`);
        // Answer first, look up after: the time to answer cannot tell a known address from an unknown one.
        void sendLoginLink(ctx, { tenantId: tenant, email, locale }).catch((error: unknown) => {
          ctx.logger.error({ err: error }, 'sign-in link could not be sent');
        });
        return c.json({ message: 'If the address is known, a sign-in link is on its way.' }, 202);
      },
    )
    .post(
      '/v1/me/session',
      describe({
        tag: 'Preference center',
        auth: 'signed-token',
        body: SessionBody,
        summary:
          'Exchange a link token (e-mailed sign-in, signed link, visitor link) for a session cookie',
        description:
          "An e-mailed sign-in or step-up link gives a high-assurance session. A preference link a tool minted, or the banner's visitor link, " +
          'gives a low-assurance one: it may read and change consents and object to marketing, nothing more, until the person steps up (POST /v1/me/step-up).',
        responses: {
          200: { description: 'Signed in; the cookie is set', schema: SessionResponse },
          401: 'Unknown, used or expired link',
        },
      }),
      origin,
      validate('json', SessionBody),
      async (c) => {
        const started = await exchangeToken(ctx, c.req.valid('json').token);
        if (!started)
          throw new ApiError(401, 'INVALID_TOKEN', 'This link has expired or was already used');
        const previous = getCookie(c, SESSION_COOKIE);
        if (previous) await endSession(ctx, previous);
        setCookie(c, SESSION_COOKIE, started.id, {
          path: '/',
          httpOnly: true,
          sameSite: 'Lax',
          secure: isSecure(ctx, c),
          maxAge: Math.floor(SESSION_MAX_MS / 1000),
        });
        return c.json({
          csrfToken: started.csrfToken,
          expiresAt: started.expiresAt,
          tenantId: started.tenantId,
        });
      },
    )
    .get(
      '/v1/me',
      describe({
        tag: 'Preference center',
        auth: session,
        summary:
          'Identities, profile, consents with history, restriction, objection, records per data set',
        description:
          'In a low-assurance session externalId, email and phone are null and attributes and records empty; session.assurance says which, canStepUp whether a confirmation link can be mailed.',
        responses: { 200: { description: 'The person', schema: MeResponse } },
      }),
      reader,
      async (c) => {
        const me = c.get('me');
        const view = await readMe(ctx, me);
        return c.json(
          {
            csrfToken: me.csrfToken,
            session: { expiresAt: me.expiresAt, assurance: me.assurance },
            tenantId: me.tenantId,
            ...view,
          },
          200,
          { 'cache-control': 'no-store' },
        );
      },
    )
    .post(
      '/v1/me/step-up',
      describe({
        tag: 'Preference center',
        auth: session,
        query: LocaleQuery,
        summary:
          'Mail a one-time confirmation link to the address on file; following it gives a high-assurance session',
        description:
          'Only to the address already on file, never to one the caller names. 409 NO_ADDRESS_ON_FILE when there is none. Limited per address like the sign-in.',
        responses: {
          202: {
            description: 'The link is on its way (or the session is already confirmed)',
            schema: MessageResponse,
          },
          409: 'No e-mail address on file',
          429: 'Too many attempts',
        },
      }),
      ...writer,
      validate('query', LocaleQuery),
      async (c) => {
        const me = c.get('me');
        if (me.assurance === 'high')
          return c.json({ message: 'This session is already confirmed.' }, 202);
        await sendStepUpLink(ctx, me, c.req.valid('query').locale);
        return c.json(
          { message: 'A confirmation link is on its way to the address on file.' },
          202,
        );
      },
    )
    .put(
      '/v1/me/consents',
      describe({
        tag: 'Preference center',
        auth: session,
        body: ConsentsBody,
        summary:
          'Change consents (decisions as in POST /v1/consents), recorded with source preference_center',
        description:
          'Any session may change consents. After an objection to direct marketing, granting a marketing purpose again lifts the objection, ' +
          'so it needs a high-assurance session; a link session gets 403 STEP_UP_REQUIRED. ' +
          "Turning on a purpose's e-mail channel with no address on file needs `email`: it is stored and that consent stays pending until the person " +
          'follows the confirmation link mailed to it (confirmationSent: true); without it 409 NO_ADDRESS_ON_FILE. The SMS channel needs a phone number on file (409 otherwise).',
        responses: {
          200: {
            description: 'The new state, and what this call changed',
            schema: MeConsentsResponse,
          },
          409: 'NO_ADDRESS_ON_FILE: the channel has no address on file',
          ...stepUpRefused,
        },
      }),
      ...writer,
      validate('json', ConsentsBody),
      async (c) => {
        const { decisions, locale, email } = c.req.valid('json');
        return c.json(
          await changeConsents(ctx, c.get('me'), decisions, locale, readRequestContext(c), email),
        );
      },
    )
    .patch(
      '/v1/me/profile',
      describe({
        tag: 'Preference center',
        auth: session,
        body: ProfileBody,
        summary: 'Correct profile fields (Art. 16): a rectification request, run at once',
        description: STEP_UP,
        responses: {
          200: { description: 'Corrected', schema: MeProfileResponse },
          ...stepUpRefused,
        },
      }),
      ...confirmedWriter,
      validate('json', ProfileBody),
      async (c) => c.json(await correctProfile(ctx, c.get('me'), c.req.valid('json'))),
    )
    .post(
      '/v1/me/export',
      describe({
        tag: 'Preference center',
        auth: session,
        body: MeExportBody,
        summary:
          'Everything held about the person, as a JSON (Art. 15) or CSV (Art. 20) download; files an access or portability request',
        description: `A POST because it files a request: nothing is filed by following a link. ${STEP_UP}`,
        responses: {
          200: {
            description:
              'The file (Content-Disposition: attachment): JSON for format json, CSV for format csv',
            schema: SubjectExport,
            alternatives: [{ contentType: 'text/csv' }],
          },
          ...stepUpRefused,
        },
      }),
      ...confirmedWriter,
      validate('json', MeExportBody),
      async (c) => {
        const { format, locale } = c.req.valid('json');
        const file = await exportMe(ctx, c.get('me'), format, locale);
        return c.body(file.body, 200, {
          'content-type': file.contentType,
          'content-disposition': `attachment; filename="${file.filename}"`,
          'cache-control': 'no-store',
        });
      },
    )
    .post(
      '/v1/me/exports',
      describe({
        tag: 'Preference center',
        auth: session,
        body: MeExportLinkBody,
        summary:
          'Download the file of a completed access or portability request, with the one-time token from the mailed link (#export=...)',
        description: `The link works once, for seven days, and only for the person it was mailed to; the file is built from the live data. ${STEP_UP}`,
        responses: {
          200: {
            description: 'The file (Content-Disposition: attachment)',
            schema: SubjectExport,
            alternatives: [{ contentType: 'text/csv' }],
          },
          404: "Unknown, used, expired or another person's link",
          ...stepUpRefused,
        },
      }),
      ...confirmedWriter,
      validate('json', MeExportLinkBody),
      async (c) => {
        const me = c.get('me');
        const { token, locale } = c.req.valid('json');
        const link = await redeemExportLink(ctx, me, token);
        if (!link)
          throw new ApiError(
            404,
            'INVALID_TOKEN',
            'This download link has expired, was already used or is not yours',
          );
        const file = await exportSubject(ctx, me.tenantId, me.subjectId, link.format, { locale });
        return c.body(file.body, 200, {
          'content-type': file.contentType,
          'content-disposition': `attachment; filename="${file.filename}"`,
          'cache-control': 'no-store',
        });
      },
    )
    .post(
      '/v1/me/restriction',
      describe({
        tag: 'Preference center',
        auth: session,
        body: RestrictionBody,
        summary: 'Restrict processing (Art. 18) on one of its four grounds',
        description: STEP_UP,
        responses: {
          200: { description: 'Restricted', schema: MeRestrictionResponse },
          ...stepUpRefused,
        },
      }),
      ...confirmedWriter,
      validate('json', RestrictionBody),
      async (c) => c.json(await restrictMe(ctx, c.get('me'), c.req.valid('json').reason)),
    )
    .delete(
      '/v1/me/restriction',
      describe({
        tag: 'Preference center',
        auth: session,
        summary: 'Lift the restriction; the answer says what happens next (Art. 18(3))',
        description: STEP_UP,
        responses: {
          200: { description: 'Lifted', schema: MeLiftResponse },
          409: 'Not restricted',
          ...stepUpRefused,
        },
      }),
      ...confirmedWriter,
      async (c) => c.json(await liftMe(ctx, c.get('me'))),
    )
    .post(
      '/v1/me/objection',
      describe({
        tag: 'Preference center',
        auth: session,
        query: LocaleQuery,
        body: ObjectionBody,
        summary:
          'Object to all direct marketing (Art. 21(2)-(3)): withdraws every marketing consent',
        description:
          'The body is optional: { "reason": "..." } keeps the person\'s reason with the request, encrypted (at most 2000 characters).',
        responses: { 200: { description: 'Objected', schema: MeObjectionResponse } },
      }),
      ...writer,
      validate('query', LocaleQuery),
      validate('json', ObjectionBody),
      async (c) =>
        c.json(
          await objectMe(
            ctx,
            c.get('me'),
            c.req.valid('query').locale,
            c.req.valid('json')?.reason,
          ),
        ),
    )
    .post(
      '/v1/me/erasure',
      describe({
        tag: 'Preference center',
        auth: session,
        body: ErasureBody,
        summary:
          'Erase everything ({ "all": true }, which ends the session) or chosen data sets and fields',
        description: STEP_UP,
        responses: { 200: { description: 'Erased', schema: MeErasureResponse }, ...stepUpRefused },
      }),
      ...confirmedWriter,
      validate('json', ErasureBody),
      async (c) => {
        const scope = c.req.valid('json');
        const result = await eraseMe(ctx, c.get('me'), scope);
        // Erasing everything deleted the session with the person; the cookie goes too.
        if ('all' in scope) clearCookie(c);
        return c.json(result);
      },
    )
    .get(
      '/v1/me/requests',
      describe({
        tag: 'Preference center',
        auth: session,
        summary: "The person's requests with status, receivedAt and dueAt",
        description: STEP_UP,
        responses: {
          200: { description: 'The requests', schema: MeRequestsResponse },
          ...stepUpRefused,
        },
      }),
      reader,
      confirmed,
      async (c) =>
        c.json({ requests: await listMyRequests(ctx, c.get('me')) }, 200, {
          'cache-control': 'no-store',
        }),
    )
    .post(
      '/v1/me/logout',
      describe({
        tag: 'Preference center',
        auth: session,
        summary: 'End the session',
        responses: {
          204: 'Signed out',
          403: 'CSRF_FAILED: a live session without its x-csrf-token',
        },
      }),
      origin,
      async (c) => {
        const id = getCookie(c, SESSION_COOKIE);
        const me = await readSession(ctx, id);
        if (me && !csrfMatches(me, c.req.header('x-csrf-token')))
          throw new ApiError(403, 'CSRF_FAILED', 'Missing or wrong x-csrf-token header');
        await endSession(ctx, id);
        clearCookie(c);
        return c.body(null, 204);
      },
    );
}
