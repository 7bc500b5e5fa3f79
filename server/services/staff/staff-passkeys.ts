// Passkeys for the console (WebAuthn, through @simplewebauthn/server): a signed-in
// staff member registers one, then signs in with it; the e-mailed link stays as the
// fallback and for recovery. The relying party is PUBLIC_URL's host; every challenge
// is stored, used once and expires after five minutes.
import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type AuthenticatorTransport,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { AppContext } from '../../context.js';
import { ApiError, notFound } from '../../errors.js';
import { appendAudit } from '../registers/audit.js';
import type { StaffPrincipal } from './staff.js';

const CHALLENGE_TTL_MS = 5 * 60_000;

const relyingParty = (ctx: AppContext) => {
  const url = new URL(ctx.config.publicUrl);
  return { rpID: url.hostname, origin: url.origin };
};

async function keepChallenge(
  ctx: AppContext,
  challenge: string,
  kind: 'register' | 'authenticate',
  staffId: string | null,
) {
  const now = ctx.clock.now();
  await ctx.db.deleteFrom('staff_challenges').where('expires_at', '<', now.toISOString()).execute();
  await ctx.db
    .insertInto('staff_challenges')
    .values({
      challenge,
      kind,
      staff_id: staffId,
      expires_at: new Date(now.getTime() + CHALLENGE_TTL_MS).toISOString(),
    })
    .execute();
}

/** Spends a challenge: true only once, for the kind and person it was made for, before it expires. */
function spendChallenge(
  ctx: AppContext,
  kind: 'register' | 'authenticate',
  staffId: string | null,
) {
  return async (challenge: string): Promise<boolean> => {
    let query = ctx.db
      .deleteFrom('staff_challenges')
      .where('challenge', '=', challenge)
      .where('kind', '=', kind)
      .where('expires_at', '>', ctx.clock.now().toISOString());
    query =
      staffId === null
        ? query.where('staff_id', 'is', null)
        : query.where('staff_id', '=', staffId);
    const result = await query.executeTakeFirst();
    return Number(result.numDeletedRows) === 1;
  };
}

export async function registrationOptions(ctx: AppContext, principal: StaffPrincipal) {
  const staff = await ctx.db
    .selectFrom('staff')
    .select(['id', 'email_enc'])
    .where('id', '=', principal.staffId)
    .executeTakeFirstOrThrow();
  const existing = await ctx.db
    .selectFrom('staff_passkeys')
    .select(['id', 'transports'])
    .where('staff_id', '=', staff.id)
    .execute();
  const { rpID } = relyingParty(ctx);
  const options = await generateRegistrationOptions({
    rpName: 'Akkoord console',
    rpID,
    userName: ctx.keyring.decrypt(staff.email_enc),
    userID: new TextEncoder().encode(staff.id),
    attestationType: 'none',
    excludeCredentials: existing.map((p) => ({
      id: p.id,
      transports: JSON.parse(p.transports) as AuthenticatorTransport[],
    })),
    authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
  });
  await keepChallenge(ctx, options.challenge, 'register', staff.id);
  return options;
}

export async function registerPasskey(
  ctx: AppContext,
  principal: StaffPrincipal,
  response: RegistrationResponseJSON,
  name: string,
) {
  const { rpID, origin } = relyingParty(ctx);
  let verification;
  try {
    verification = await verifyRegistrationResponse({
      response,
      expectedChallenge: spendChallenge(ctx, 'register', principal.staffId),
      expectedOrigin: origin,
      expectedRPID: rpID,
      requireUserVerification: false,
    });
  } catch {
    throw new ApiError(400, 'VALIDATION_FAILED', 'The passkey could not be verified; try again');
  }
  if (!verification.verified)
    throw new ApiError(400, 'VALIDATION_FAILED', 'The passkey could not be verified; try again');
  const { credential } = verification.registrationInfo;
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('staff_passkeys')
      .values({
        id: credential.id,
        staff_id: principal.staffId,
        public_key: Buffer.from(credential.publicKey).toString('base64url'),
        counter: credential.counter,
        transports: JSON.stringify(credential.transports ?? []),
        name,
        created_at: at,
        last_used_at: null,
      })
      .execute();
    await appendAudit(
      trx,
      principal.tenantId,
      { actor: principal.staffId, action: 'staff.passkey_added', target: principal.staffId },
      at,
    );
  });
  return { id: credential.id, name, createdAt: at, lastUsedAt: null };
}

export async function listPasskeys(ctx: AppContext, staffId: string) {
  const rows = await ctx.db
    .selectFrom('staff_passkeys')
    .select(['id', 'name', 'created_at', 'last_used_at'])
    .where('staff_id', '=', staffId)
    .orderBy('created_at')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
  }));
}

export async function removePasskey(
  ctx: AppContext,
  principal: StaffPrincipal,
  id: string,
): Promise<void> {
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    const result = await trx
      .deleteFrom('staff_passkeys')
      .where('id', '=', id)
      .where('staff_id', '=', principal.staffId)
      .executeTakeFirst();
    if (Number(result.numDeletedRows) !== 1) throw notFound('passkey');
    await appendAudit(
      trx,
      principal.tenantId,
      { actor: principal.staffId, action: 'staff.passkey_removed', target: principal.staffId },
      at,
    );
  });
}

/** Options for signing in with any passkey of this site: the authenticator names the person. */
export async function authenticationOptions(ctx: AppContext) {
  const options = await generateAuthenticationOptions({
    rpID: relyingParty(ctx).rpID,
    userVerification: 'preferred',
  });
  await keepChallenge(ctx, options.challenge, 'authenticate', null);
  return options;
}

/** The staff member whose passkey signed the challenge; null when it does not verify. */
export async function verifyPasskeySignIn(
  ctx: AppContext,
  response: AuthenticationResponseJSON,
): Promise<string | null> {
  const passkey = await ctx.db
    .selectFrom('staff_passkeys')
    .selectAll()
    .where('id', '=', String(response.id).slice(0, 1400))
    .executeTakeFirst();
  if (!passkey) return null;
  const { rpID, origin } = relyingParty(ctx);
  try {
    const verification = await verifyAuthenticationResponse({
      response,
      expectedChallenge: spendChallenge(ctx, 'authenticate', null),
      expectedOrigin: origin,
      expectedRPID: rpID,
      requireUserVerification: false,
      credential: {
        id: passkey.id,
        publicKey: new Uint8Array(Buffer.from(passkey.public_key, 'base64url')),
        counter: passkey.counter,
        transports: JSON.parse(passkey.transports) as AuthenticatorTransport[],
      },
    });
    if (!verification.verified) return null;
    await ctx.db
      .updateTable('staff_passkeys')
      .set({
        counter: verification.authenticationInfo.newCounter,
        last_used_at: ctx.clock.now().toISOString(),
      })
      .where('id', '=', passkey.id)
      .execute();
    return passkey.staff_id;
  } catch {
    return null;
  }
}
