// Signing in to the console: ask for a link by e-mail, exchange it for a session
// cookie (HttpOnly, SameSite=Strict, Secure on https), read who is signed in (with the
// CSRF token every change must carry), switch tenant, sign out here or everywhere.
import * as v from 'valibot';
import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { AuthenticationResponseJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import {
  PasskeyIdParams,
  PasskeyListResponse,
  PasskeyRegisterBody,
  PasskeySignInBody,
  SignInBody,
  StaffSelfResponse,
  StaffSessionBody,
  SwitchTenantBody,
  WebAuthnOptionsResponse,
} from '../../shared/schemas/staff.js';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import { describe } from '../openapi/describe.js';
import { emailHash } from '../services/subjects/personal-data.js';
import { connectionIp } from '../http/request-context.js';
import {
  authenticationOptions,
  listPasskeys,
  registerPasskey,
  registrationOptions,
  removePasskey,
  verifyPasskeySignIn,
} from '../services/staff/staff-passkeys.js';
import {
  describeSelf,
  endAllStaffSessions,
  signInStaff,
  endStaffSession,
  readStaffSession,
  sendStaffSignInLink,
  signInWithToken,
  STAFF_COOKIE,
  STAFF_MAX_MS,
  staffCsrfMatches,
  switchTenant,
  type StaffPrincipal,
} from '../services/staff/staff.js';
import { validate } from '../validate.js';

type StaffEnv = { Variables: { staff: StaffPrincipal } };
const tag = 'Console';
const auth = 'staff-session' as const;

const isSecure = (ctx: AppContext, c: Context) =>
  ctx.config.publicUrl.startsWith('https:') || new URL(c.req.url).protocol === 'https:';

/** The console is served by this server: a change must come from our own origin. */
function sameOrigin(ctx: AppContext) {
  const own = new URL(ctx.config.publicUrl).origin;
  return createMiddleware(async (c, next) => {
    const origin = c.req.header('origin');
    const fromUs =
      origin !== undefined
        ? origin === own || origin === new URL(c.req.url).origin
        : c.req.header('sec-fetch-site') === 'same-origin';
    if (!fromUs)
      throw new ApiError(403, 'CSRF_FAILED', 'This call must come from the console itself');
    await next();
  });
}

function signedIn(ctx: AppContext, options: { csrf: boolean }) {
  return createMiddleware<StaffEnv>(async (c, next) => {
    const staff = await readStaffSession(ctx, getCookie(c, STAFF_COOKIE));
    if (!staff) throw new ApiError(401, 'UNAUTHORIZED', 'Not signed in, or the session has ended');
    if (options.csrf && !staffCsrfMatches(staff, c.req.header('x-csrf-token')))
      throw new ApiError(403, 'CSRF_FAILED', 'Missing or wrong x-csrf-token header');
    c.set('staff', staff);
    await next();
  });
}

export function consoleSessionRoutes(ctx: AppContext) {
  const origin = sameOrigin(ctx);
  const cookieOptions = (c: Context) => ({
    path: '/',
    httpOnly: true,
    sameSite: 'Strict' as const,
    secure: isSecure(ctx, c),
  });
  const noStore = { 'cache-control': 'no-store' };
  return new Hono<StaffEnv>()
    .post(
      '/console/api/sign-in',
      describe({
        tag,
        auth: 'none',
        body: SignInBody,
        summary: 'Ask for a console sign-in link by e-mail (once, 15 minutes)',
        description:
          'Always 202 before the address is looked up, so the answer does not say whether it is known. Limited per address and per IP.',
        responses: {
          202: {
            description: 'Accepted: the same words whether or not the address is known',
            schema: v.object({ message: v.string() }),
          },
          429: 'Too many attempts',
        },
      }),
      origin,
      validate('json', SignInBody),
      async (c) => {
        const { email, tenant, locale } = c.req.valid('json');
        await ctx.rateLimits.loginPerIp.consume(connectionIp(c) ?? 'no-socket');
        await ctx.rateLimits.loginPerEmail.consume(`console:${emailHash(ctx.keyring, email)}`);
        void sendStaffSignInLink(ctx, { email, tenantId: tenant, locale }).catch(
          (error: unknown) => {
            ctx.logger.error({ err: error }, 'console sign-in link could not be sent');
          },
        );
        return c.json({ message: 'If the address is known, a sign-in link is on its way.' }, 202);
      },
    )
    .post(
      '/console/api/session',
      describe({
        tag,
        auth: 'signed-token',
        body: StaffSessionBody,
        summary:
          "Exchange a sign-in link's token for a session cookie (8 hours idle, 24 hours at most)",
        responses: {
          200: { description: 'Signed in', schema: StaffSelfResponse },
          401: 'Unknown, used or expired link',
        },
      }),
      origin,
      validate('json', StaffSessionBody),
      async (c) => {
        const started = await signInWithToken(ctx, c.req.valid('json').token);
        if (!started)
          throw new ApiError(401, 'INVALID_TOKEN', 'This link has expired or was already used');
        const previous = getCookie(c, STAFF_COOKIE);
        if (previous) await endStaffSession(ctx, previous);
        setCookie(c, STAFF_COOKIE, started.id, {
          ...cookieOptions(c),
          maxAge: Math.floor(STAFF_MAX_MS / 1000),
        });
        const principal = await readStaffSession(ctx, started.id);
        return c.json(await describeSelf(ctx, principal!), 200, noStore);
      },
    )
    .get(
      '/console/api/session',
      describe({
        tag,
        auth,
        summary: 'Who is signed in: role, scopes, tenants and the CSRF token',
        responses: { 200: { description: 'The session', schema: StaffSelfResponse } },
      }),
      signedIn(ctx, { csrf: false }),
      async (c) => c.json(await describeSelf(ctx, c.get('staff')), 200, noStore),
    )
    .put(
      '/console/api/session/tenant',
      describe({
        tag,
        auth,
        body: SwitchTenantBody,
        summary: 'Work for another tenant the person serves',
        responses: { 200: { description: 'Switched', schema: StaffSelfResponse } },
      }),
      origin,
      signedIn(ctx, { csrf: true }),
      validate('json', SwitchTenantBody),
      async (c) => {
        const id = getCookie(c, STAFF_COOKIE)!;
        await switchTenant(ctx, id, c.get('staff'), c.req.valid('json').tenantId);
        return c.json(await describeSelf(ctx, (await readStaffSession(ctx, id))!), 200, noStore);
      },
    )
    .delete(
      '/console/api/session',
      describe({ tag, auth, summary: 'Sign out here', responses: { 204: 'Signed out' } }),
      origin,
      signedIn(ctx, { csrf: true }),
      async (c) => {
        await endStaffSession(ctx, getCookie(c, STAFF_COOKIE));
        deleteCookie(c, STAFF_COOKIE, cookieOptions(c));
        return c.body(null, 204);
      },
    )
    .delete(
      '/console/api/sessions',
      describe({
        tag,
        auth,
        summary: 'Sign out on every device',
        responses: { 204: 'Signed out everywhere' },
      }),
      origin,
      signedIn(ctx, { csrf: true }),
      async (c) => {
        await endAllStaffSessions(ctx, c.get('staff'));
        deleteCookie(c, STAFF_COOKIE, cookieOptions(c));
        return c.body(null, 204);
      },
    )
    .post(
      '/console/api/passkeys/sign-in/options',
      describe({
        tag,
        auth: 'none',
        summary:
          'WebAuthn options for signing in with a passkey (the challenge works once, for five minutes)',
        responses: {
          200: {
            description: 'PublicKeyCredentialRequestOptionsJSON',
            schema: WebAuthnOptionsResponse,
          },
        },
      }),
      origin,
      async (c) => c.json(await authenticationOptions(ctx), 200, noStore),
    )
    .post(
      '/console/api/passkeys/sign-in',
      describe({
        tag,
        auth: 'none',
        body: PasskeySignInBody,
        summary:
          'Sign in with a passkey: the signed challenge for a session cookie, in the first organisation the person serves',
        responses: {
          200: { description: 'Signed in', schema: StaffSelfResponse },
          401: 'The passkey is unknown or did not verify',
        },
      }),
      origin,
      validate('json', PasskeySignInBody),
      async (c) => {
        await ctx.rateLimits.loginPerIp.consume(connectionIp(c) ?? 'no-socket');
        const staffId = await verifyPasskeySignIn(
          ctx,
          c.req.valid('json').response as unknown as AuthenticationResponseJSON,
        );
        const started = staffId ? await signInStaff(ctx, staffId, 'passkey') : null;
        if (!started)
          throw new ApiError(
            401,
            'UNAUTHORIZED',
            'This passkey is not known here or did not verify',
          );
        const previous = getCookie(c, STAFF_COOKIE);
        if (previous) await endStaffSession(ctx, previous);
        setCookie(c, STAFF_COOKIE, started.id, {
          ...cookieOptions(c),
          maxAge: Math.floor(STAFF_MAX_MS / 1000),
        });
        return c.json(
          await describeSelf(ctx, (await readStaffSession(ctx, started.id))!),
          200,
          noStore,
        );
      },
    )
    .get(
      '/console/api/passkeys',
      describe({
        tag,
        auth,
        summary: "The signed-in person's own passkeys",
        responses: { 200: { description: 'The passkeys', schema: PasskeyListResponse } },
      }),
      signedIn(ctx, { csrf: false }),
      async (c) =>
        c.json({ passkeys: await listPasskeys(ctx, c.get('staff').staffId) }, 200, noStore),
    )
    .post(
      '/console/api/passkeys/options',
      describe({
        tag,
        auth,
        summary: 'WebAuthn options for registering a passkey for the signed-in person',
        responses: {
          200: {
            description: 'PublicKeyCredentialCreationOptionsJSON',
            schema: WebAuthnOptionsResponse,
          },
        },
      }),
      origin,
      signedIn(ctx, { csrf: true }),
      async (c) => c.json(await registrationOptions(ctx, c.get('staff')), 200, noStore),
    )
    .post(
      '/console/api/passkeys',
      describe({
        tag,
        auth,
        body: PasskeyRegisterBody,
        summary: "Register a passkey from the authenticator's answer",
        responses: {
          201: {
            description: 'Registered',
            schema: v.object({
              id: v.string(),
              name: v.string(),
              createdAt: v.string(),
              lastUsedAt: v.null(),
            }),
          },
          400: 'It did not verify',
        },
      }),
      origin,
      signedIn(ctx, { csrf: true }),
      validate('json', PasskeyRegisterBody),
      async (c) => {
        const { response, name } = c.req.valid('json');
        return c.json(
          await registerPasskey(
            ctx,
            c.get('staff'),
            response as unknown as RegistrationResponseJSON,
            name,
          ),
          201,
        );
      },
    )
    .delete(
      '/console/api/passkeys/:id',
      describe({
        tag,
        auth,
        params: PasskeyIdParams,
        summary: 'Remove one of your passkeys',
        responses: { 204: 'Removed' },
      }),
      origin,
      signedIn(ctx, { csrf: true }),
      validate('param', PasskeyIdParams),
      async (c) => {
        await removePasskey(ctx, c.get('staff'), c.req.valid('param').id);
        return c.body(null, 204);
      },
    );
}
