// The console's people: staff members with a role per tenant, one-time sign-in links
// by e-mail and sessions. The e-mail address and name are stored encrypted and found by
// keyed hash, like a data subject's; the audit log names a staff member by id only.
import crypto from 'node:crypto';
import { roleScopes, type Role } from '../../../shared/roles.js';
import type { Scope } from '../../../shared/scopes.js';
import type { AppContext } from '../../context.js';
import { ApiError, notFound } from '../../errors.js';
import { newId } from '../../ids.js';
import { staffMail } from '../../mail/staff-templates.js';
import { appendAudit } from '../registers/audit.js';
import { emailHash, normalizeEmail } from '../subjects/personal-data.js';

export const STAFF_COOKIE = 'akkoord_console';
export const STAFF_IDLE_MS = 8 * 60 * 60_000;
export const STAFF_MAX_MS = 24 * 60 * 60_000;
const SIGN_IN_TTL_MS = 15 * 60_000;
const INVITE_TTL_MS = 7 * 24 * 60 * 60_000;

export interface StaffSession {
  staffId: string;
  tenantId: string;
  csrfToken: string;
  createdAt: string;
  expiresAt: string;
}

export interface StaffPrincipal extends StaffSession {
  role: Role;
  scopes: Scope[];
}

const hashToken = (ctx: Pick<AppContext, 'keyring'>, token: string) =>
  ctx.keyring.hmac('staff-token', token);
const hashSession = (ctx: Pick<AppContext, 'keyring'>, id: string) =>
  ctx.keyring.hmac('staff-session', id);

export const consoleUrl = (ctx: AppContext, token?: string) =>
  `${ctx.config.publicUrl}/console/${token ? `#token=${token}` : ''}`;

async function tenantName(ctx: AppContext, tenantId: string): Promise<string> {
  const tenant = await ctx.db
    .selectFrom('tenants')
    .select(['name', 'status'])
    .where('id', '=', tenantId)
    .executeTakeFirst();
  if (!tenant || tenant.status !== 'active') throw notFound('tenant');
  return tenant.name;
}

async function issueSignInToken(
  ctx: AppContext,
  staffId: string,
  tenantId: string,
  ttlMs: number,
): Promise<string> {
  const token = crypto.randomBytes(32).toString('base64url');
  const now = ctx.clock.now();
  // Spent and expired links go as new ones are made, so the table stays small.
  await ctx.db
    .deleteFrom('staff_tokens')
    .where('staff_id', '=', staffId)
    .where('expires_at', '<', now.toISOString())
    .execute();
  await ctx.db
    .insertInto('staff_tokens')
    .values({
      token_hash: hashToken(ctx, token),
      staff_id: staffId,
      tenant_id: tenantId,
      expires_at: new Date(now.getTime() + ttlMs).toISOString(),
      used_at: null,
      created_at: now.toISOString(),
    })
    .execute();
  return token;
}

export interface InviteInput {
  tenantId: string;
  email: string;
  role: Role;
  name?: string;
  /** Who invites: a key id, a staff id, 'bootstrap' or 'cli'. */
  actor: string;
  locale?: string;
}

/**
 * Gives the person the role at the tenant (creating the staff member when the address is
 * new; changing the role when they already serve the tenant) and mails a sign-in link that
 * works for seven days. Answers the link too, for the CLI and the demo, which print it.
 */
export async function inviteStaff(
  ctx: AppContext,
  input: InviteInput,
): Promise<{ staffId: string; role: Role; url: string }> {
  const name = await tenantName(ctx, input.tenantId);
  const at = ctx.clock.now().toISOString();
  const hash = emailHash(ctx.keyring, input.email);
  const staffId = await ctx.db.transaction().execute(async (trx) => {
    let staff = await trx
      .selectFrom('staff')
      .select(['id', 'name_enc'])
      .where('email_hash', '=', hash)
      .executeTakeFirst();
    if (!staff) {
      staff = { id: newId('stf'), name_enc: input.name ? ctx.keyring.encrypt(input.name) : null };
      await trx
        .insertInto('staff')
        .values({
          id: staff.id,
          email_enc: ctx.keyring.encrypt(normalizeEmail(input.email)),
          email_hash: hash,
          name_enc: staff.name_enc,
          created_at: at,
        })
        .onConflict((oc) => oc.column('email_hash').doNothing())
        .execute();
      staff = await trx
        .selectFrom('staff')
        .select(['id', 'name_enc'])
        .where('email_hash', '=', hash)
        .executeTakeFirstOrThrow();
    } else if (input.name && !staff.name_enc) {
      await trx
        .updateTable('staff')
        .set({ name_enc: ctx.keyring.encrypt(input.name) })
        .where('id', '=', staff.id)
        .execute();
    }
    const existing = await trx
      .selectFrom('staff_roles')
      .select('role')
      .where('tenant_id', '=', input.tenantId)
      .where('staff_id', '=', staff.id)
      .executeTakeFirst();
    if (existing)
      await trx
        .updateTable('staff_roles')
        .set({ role: input.role })
        .where('tenant_id', '=', input.tenantId)
        .where('staff_id', '=', staff.id)
        .execute();
    else
      await trx
        .insertInto('staff_roles')
        .values({ tenant_id: input.tenantId, staff_id: staff.id, role: input.role, created_at: at })
        .execute();
    await appendAudit(
      trx,
      input.tenantId,
      {
        actor: input.actor,
        action: 'staff.invited',
        target: staff.id,
        details: { role: input.role },
      },
      at,
    );
    return staff.id;
  });
  const token = await issueSignInToken(ctx, staffId, input.tenantId, INVITE_TTL_MS);
  const url = consoleUrl(ctx, token);
  const locale = input.locale === 'en' ? 'en' : 'nl';
  const roleLabel = locale === 'nl' ? roleNamesNl[input.role] : input.role.replace('_', ' ');
  await ctx.mailer.send({
    to: normalizeEmail(input.email),
    ...staffMail(locale, { tenant: name, url, invitedAs: roleLabel }),
    tenantId: input.tenantId,
  });
  return { staffId, role: input.role, url };
}

const roleNamesNl: Record<Role, string> = {
  owner: 'eigenaar',
  privacy_officer: 'privacyfunctionaris',
  marketer: 'marketeer',
  developer: 'ontwikkelaar',
  viewer: 'meelezer',
};

/**
 * The demo's owner (outside production only): made on first start, then a fresh sign-in
 * link (valid a day, once) on every start, printed to the console instead of mailed.
 */
export async function demoOwnerLink(
  ctx: AppContext,
  tenantId: string,
  email = 'eigenaar@demowinkel.example',
): Promise<string> {
  const staff = await ctx.db
    .selectFrom('staff')
    .select('id')
    .where('email_hash', '=', emailHash(ctx.keyring, email))
    .executeTakeFirst();
  if (!staff || !(await roleOf(ctx, staff.id, tenantId))) {
    return (
      await inviteStaff(ctx, {
        tenantId,
        email,
        role: 'owner',
        name: 'Demo-eigenaar',
        actor: 'system',
      })
    ).url;
  }
  return consoleUrl(ctx, await issueSignInToken(ctx, staff.id, tenantId, 24 * 60 * 60_000));
}

/**
 * Mails a sign-in link when the address belongs to a staff member (of `tenantId` when
 * given, else of the first tenant they serve). Callers answer 202 before this finishes,
 * so the answer does not tell whether the address is known.
 */
export async function sendStaffSignInLink(
  ctx: AppContext,
  input: { email: string; tenantId?: string; locale?: string },
): Promise<boolean> {
  const staff = await ctx.db
    .selectFrom('staff')
    .select('id')
    .where('email_hash', '=', emailHash(ctx.keyring, input.email))
    .executeTakeFirst();
  if (!staff) return false;
  let query = ctx.db
    .selectFrom('staff_roles')
    .innerJoin('tenants', 'tenants.id', 'staff_roles.tenant_id')
    .select(['staff_roles.tenant_id', 'tenants.name'])
    .where('staff_roles.staff_id', '=', staff.id)
    .where('tenants.status', '=', 'active');
  if (input.tenantId) query = query.where('staff_roles.tenant_id', '=', input.tenantId);
  const role = await query.orderBy('staff_roles.created_at').limit(1).executeTakeFirst();
  if (!role) return false;
  const token = await issueSignInToken(ctx, staff.id, role.tenant_id, SIGN_IN_TTL_MS);
  const locale = input.locale === 'en' ? 'en' : 'nl';
  await ctx.mailer.send({
    to: normalizeEmail(input.email),
    ...staffMail(locale, { tenant: role.name, url: consoleUrl(ctx, token) }),
    tenantId: role.tenant_id,
  });
  return true;
}

/**
 * A session for someone who proved who they are another way (a passkey): in the first
 * tenant they serve, audited as a sign-in. Null when they serve no active tenant.
 */
export async function signInStaff(
  ctx: AppContext,
  staffId: string,
  method: string,
): Promise<(StaffSession & { id: string }) | null> {
  const role = await ctx.db
    .selectFrom('staff_roles')
    .innerJoin('tenants', 'tenants.id', 'staff_roles.tenant_id')
    .select('staff_roles.tenant_id')
    .where('staff_roles.staff_id', '=', staffId)
    .where('tenants.status', '=', 'active')
    .orderBy('staff_roles.created_at')
    .limit(1)
    .executeTakeFirst();
  if (!role) return null;
  const session = await startStaffSession(ctx, staffId, role.tenant_id);
  const at = ctx.clock.now().toISOString();
  await ctx.db
    .transaction()
    .execute((trx) =>
      appendAudit(
        trx,
        role.tenant_id,
        { actor: staffId, action: 'staff.signed_in', target: staffId, details: { method } },
        at,
      ),
    );
  return session;
}

async function startStaffSession(
  ctx: AppContext,
  staffId: string,
  tenantId: string,
): Promise<StaffSession & { id: string }> {
  const id = crypto.randomBytes(32).toString('base64url');
  const csrfToken = crypto.randomBytes(24).toString('base64url');
  const now = ctx.clock.now();
  const session = {
    staffId,
    tenantId,
    csrfToken,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + STAFF_IDLE_MS).toISOString(),
  };
  await ctx.db
    .insertInto('staff_sessions')
    .values({
      id_hash: hashSession(ctx, id),
      staff_id: staffId,
      tenant_id: tenantId,
      csrf_token: csrfToken,
      expires_at: session.expiresAt,
      created_at: session.createdAt,
    })
    .execute();
  return { id, ...session };
}

/** Spends a sign-in link (once, before it expires) for a session; null when it cannot. */
export async function signInWithToken(
  ctx: AppContext,
  token: string,
): Promise<(StaffSession & { id: string }) | null> {
  if (token.length > 100) return null;
  const hash = hashToken(ctx, token);
  const at = ctx.clock.now().toISOString();
  // One UPDATE both checks and spends the link, so two tabs cannot both use it.
  const spent = await ctx.db
    .updateTable('staff_tokens')
    .set({ used_at: at })
    .where('token_hash', '=', hash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', at)
    .executeTakeFirst();
  if (Number(spent.numUpdatedRows) !== 1) return null;
  const row = await ctx.db
    .selectFrom('staff_tokens')
    .select(['staff_id', 'tenant_id'])
    .where('token_hash', '=', hash)
    .executeTakeFirstOrThrow();
  const role = await roleOf(ctx, row.staff_id, row.tenant_id);
  if (!role) return null;
  const session = await startStaffSession(ctx, row.staff_id, row.tenant_id);
  await ctx.db
    .transaction()
    .execute((trx) =>
      appendAudit(
        trx,
        row.tenant_id,
        { actor: row.staff_id, action: 'staff.signed_in', target: row.staff_id },
        at,
      ),
    );
  return session;
}

async function roleOf(ctx: AppContext, staffId: string, tenantId: string): Promise<Role | null> {
  const row = await ctx.db
    .selectFrom('staff_roles')
    .innerJoin('tenants', 'tenants.id', 'staff_roles.tenant_id')
    .select(['staff_roles.role', 'tenants.status'])
    .where('staff_roles.staff_id', '=', staffId)
    .where('staff_roles.tenant_id', '=', tenantId)
    .executeTakeFirst();
  return row && row.status === 'active' && row.role in roleScopes ? (row.role as Role) : null;
}

/**
 * The live session for a cookie value with its role and scopes; its idle deadline moves
 * forward (8 hours, never past 24 hours from sign-in). Null when over or when the person
 * no longer serves the tenant.
 */
export async function readStaffSession(
  ctx: AppContext,
  id: string | undefined,
): Promise<StaffPrincipal | null> {
  if (!id || id.length > 100) return null;
  const hash = hashSession(ctx, id);
  const row = await ctx.db
    .selectFrom('staff_sessions')
    .selectAll()
    .where('id_hash', '=', hash)
    .executeTakeFirst();
  if (!row) return null;
  const now = ctx.clock.now().getTime();
  const hardEnd = Date.parse(row.created_at) + STAFF_MAX_MS;
  if (Date.parse(row.expires_at) <= now || hardEnd <= now) {
    await ctx.db.deleteFrom('staff_sessions').where('id_hash', '=', hash).execute();
    return null;
  }
  const role = await roleOf(ctx, row.staff_id, row.tenant_id);
  if (!role) return null;
  const expiresAt = new Date(Math.min(now + STAFF_IDLE_MS, hardEnd)).toISOString();
  // Written only when the deadline moves a minute or more: reads stay cheap.
  if (Date.parse(expiresAt) - Date.parse(row.expires_at) >= 60_000) {
    await ctx.db
      .updateTable('staff_sessions')
      .set({ expires_at: expiresAt })
      .where('id_hash', '=', hash)
      .execute();
  }
  return {
    staffId: row.staff_id,
    tenantId: row.tenant_id,
    csrfToken: row.csrf_token,
    createdAt: row.created_at,
    expiresAt,
    role,
    scopes: [...roleScopes[role]],
  };
}

export function staffCsrfMatches(session: StaffSession, header: string | undefined): boolean {
  if (!header) return false;
  const a = crypto.createHash('sha256').update(header).digest();
  const b = crypto.createHash('sha256').update(session.csrfToken).digest();
  return crypto.timingSafeEqual(a, b);
}

export async function endStaffSession(ctx: AppContext, id: string | undefined): Promise<void> {
  if (!id || id.length > 100) return;
  await ctx.db.deleteFrom('staff_sessions').where('id_hash', '=', hashSession(ctx, id)).execute();
}

/** Signs the person out on every device, for every tenant. */
export async function endAllStaffSessions(
  ctx: AppContext,
  principal: StaffPrincipal,
): Promise<void> {
  const at = ctx.clock.now().toISOString();
  await ctx.db.deleteFrom('staff_sessions').where('staff_id', '=', principal.staffId).execute();
  await ctx.db.transaction().execute((trx) =>
    appendAudit(
      trx,
      principal.tenantId,
      {
        actor: principal.staffId,
        action: 'staff.signed_out_everywhere',
        target: principal.staffId,
      },
      at,
    ),
  );
}

/** Moves the session to another tenant the person serves. */
export async function switchTenant(
  ctx: AppContext,
  id: string,
  principal: StaffPrincipal,
  tenantId: string,
): Promise<void> {
  if (!(await roleOf(ctx, principal.staffId, tenantId)))
    throw new ApiError(403, 'FORBIDDEN', 'You have no role at that tenant');
  await ctx.db
    .updateTable('staff_sessions')
    .set({ tenant_id: tenantId })
    .where('id_hash', '=', hashSession(ctx, id))
    .execute();
}

/** Who is signed in: their own address and name, and every tenant they serve. */
export async function describeSelf(ctx: AppContext, principal: StaffPrincipal) {
  const staff = await ctx.db
    .selectFrom('staff')
    .select(['id', 'email_enc', 'name_enc'])
    .where('id', '=', principal.staffId)
    .executeTakeFirstOrThrow();
  const tenants = await ctx.db
    .selectFrom('staff_roles')
    .innerJoin('tenants', 'tenants.id', 'staff_roles.tenant_id')
    .select(['tenants.id', 'tenants.name', 'staff_roles.role'])
    .where('staff_roles.staff_id', '=', principal.staffId)
    .where('tenants.status', '=', 'active')
    .orderBy('tenants.name')
    .execute();
  return {
    staff: {
      id: staff.id,
      email: ctx.keyring.decrypt(staff.email_enc),
      name: staff.name_enc ? ctx.keyring.decrypt(staff.name_enc) : null,
    },
    tenantId: principal.tenantId,
    role: principal.role,
    scopes: principal.scopes,
    tenants: tenants.map((t) => ({ id: t.id, name: t.name, role: t.role })),
    csrfToken: principal.csrfToken,
    expiresAt: principal.expiresAt,
  };
}

export async function listStaff(ctx: AppContext, tenantId: string) {
  const rows = await ctx.db
    .selectFrom('staff_roles')
    .innerJoin('staff', 'staff.id', 'staff_roles.staff_id')
    .select([
      'staff.id',
      'staff.email_enc',
      'staff.name_enc',
      'staff_roles.role',
      'staff_roles.created_at',
    ])
    .where('staff_roles.tenant_id', '=', tenantId)
    .orderBy('staff_roles.created_at')
    .orderBy('staff.id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    email: ctx.keyring.decrypt(r.email_enc),
    name: r.name_enc ? ctx.keyring.decrypt(r.name_enc) : null,
    role: r.role as Role,
    since: r.created_at,
  }));
}

/** A tenant always keeps an owner: the last one cannot be demoted or removed (someone must manage staff and keys). */
async function keepAnOwner(
  trx: AppContext['db'],
  tenantId: string,
  staffId: string,
): Promise<void> {
  const owners = await trx
    .selectFrom('staff_roles')
    .select('staff_id')
    .where('tenant_id', '=', tenantId)
    .where('role', '=', 'owner')
    .execute();
  if (owners.length === 1 && owners[0].staff_id === staffId) {
    throw new ApiError(409, 'CONFLICT', 'This is the last owner: make someone else owner first');
  }
}

/** Deletes staff members who serve no tenant any more, with their passkeys and sessions. */
export async function forgetStaffWithoutRoles(trx: AppContext['db']): Promise<void> {
  const orphans = await trx
    .selectFrom('staff')
    .select('staff.id')
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('staff_roles')
            .select('staff_roles.staff_id')
            .whereRef('staff_roles.staff_id', '=', 'staff.id'),
        ),
      ),
    )
    .execute();
  const ids = orphans.map((o) => o.id);
  if (ids.length === 0) return;
  // Children first: the same on a database that does not enforce the foreign keys.
  for (const table of ['staff_passkeys', 'staff_sessions', 'staff_tokens'] as const)
    await trx.deleteFrom(table).where('staff_id', 'in', ids).execute();
  await trx.deleteFrom('staff_challenges').where('staff_id', 'in', ids).execute();
  await trx.deleteFrom('staff').where('id', 'in', ids).execute();
}

export async function changeStaffRole(
  ctx: AppContext,
  tenantId: string,
  staffId: string,
  role: Role,
  actor: string,
): Promise<void> {
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    if (role !== 'owner') await keepAnOwner(trx, tenantId, staffId);
    const result = await trx
      .updateTable('staff_roles')
      .set({ role })
      .where('tenant_id', '=', tenantId)
      .where('staff_id', '=', staffId)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) throw notFound('staff member');
    await appendAudit(
      trx,
      tenantId,
      { actor, action: 'staff.role_changed', target: staffId, details: { role } },
      at,
    );
  });
}

/** Takes the person's role at the tenant away and ends their sessions there at once; the last owner stays. */
export async function removeStaff(
  ctx: AppContext,
  tenantId: string,
  staffId: string,
  actor: string,
): Promise<void> {
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await keepAnOwner(trx, tenantId, staffId);
    const result = await trx
      .deleteFrom('staff_roles')
      .where('tenant_id', '=', tenantId)
      .where('staff_id', '=', staffId)
      .executeTakeFirst();
    if (Number(result.numDeletedRows) !== 1) throw notFound('staff member');
    await trx
      .deleteFrom('staff_sessions')
      .where('tenant_id', '=', tenantId)
      .where('staff_id', '=', staffId)
      .execute();
    await trx
      .deleteFrom('staff_tokens')
      .where('tenant_id', '=', tenantId)
      .where('staff_id', '=', staffId)
      .execute();
    await appendAudit(trx, tenantId, { actor, action: 'staff.removed', target: staffId }, at);
    // Someone who serves no tenant any more is not kept: their address and passkeys go (Art. 5(1)(e)).
    await forgetStaffWithoutRoles(trx);
  });
}

/** Display names for actor ids in an audit page: key names and staff names. */
export async function actorNames(
  ctx: AppContext,
  tenantId: string,
  actors: string[],
): Promise<Record<string, string>> {
  const keys = actors.filter((a) => a.startsWith('key_'));
  const staff = actors.filter((a) => a.startsWith('stf_'));
  const names: Record<string, string> = {};
  if (keys.length > 0) {
    for (const k of await ctx.db
      .selectFrom('api_keys')
      .select(['id', 'name'])
      .where('tenant_id', '=', tenantId)
      .where('id', 'in', keys)
      .execute()) {
      if (k.name) names[k.id] = k.name;
    }
  }
  if (staff.length > 0) {
    const rows = await ctx.db
      .selectFrom('staff')
      .innerJoin('staff_roles', 'staff_roles.staff_id', 'staff.id')
      .select(['staff.id', 'staff.name_enc'])
      .where('staff_roles.tenant_id', '=', tenantId)
      .where('staff.id', 'in', staff)
      .execute();
    for (const s of rows) if (s.name_enc) names[s.id] = ctx.keyring.decrypt(s.name_enc);
  }
  return names;
}
