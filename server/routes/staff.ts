// Staff accounts of a tenant (the console's people): list, invite, change a role,
// remove. Nobody gives a role with scopes they do not hold themselves, so a developer
// cannot make an owner. The operator's bootstrap token invites a tenant's first owner.
import { Hono } from 'hono';
import { roleScopes, scopesCover, type Role } from '../../shared/roles.js';
import {
  AdminStaffParams,
  ChangeRoleBody,
  InviteStaffBody,
  InvitedResponse,
  StaffIdParams,
  StaffListResponse,
} from '../../shared/schemas/staff.js';
import { requireAdminToken, requireScope, type AuthEnv, type KeyAuth } from '../auth.js';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import { describe } from '../openapi/describe.js';
import { changeStaffRole, inviteStaff, listStaff, removeStaff } from '../services/staff/staff.js';
import { validate } from '../validate.js';

const tag = 'Staff';
const auth = { scopes: ['admin' as const] };

function mayGrant(caller: KeyAuth, role: Role): void {
  if (!scopesCover(caller.scopes, roleScopes[role]))
    throw new ApiError(
      403,
      'FORBIDDEN',
      `You cannot give the role ${role}: it holds scopes you do not have`,
    );
}

export function staffRoutes(ctx: AppContext) {
  return new Hono<AuthEnv>()
    .use('/v1/staff', requireScope(ctx, 'admin'))
    .use('/v1/staff/*', requireScope(ctx, 'admin'))
    .get(
      '/v1/staff',
      describe({
        tag,
        auth,
        summary: "The tenant's staff members with their role",
        responses: { 200: { description: 'The staff', schema: StaffListResponse } },
      }),
      async (c) =>
        c.json({ staff: await listStaff(ctx, c.get('auth').tenantId) }, 200, {
          'cache-control': 'no-store',
        }),
    )
    .post(
      '/v1/staff',
      describe({
        tag,
        auth,
        body: InviteStaffBody,
        summary:
          'Invite a person to the console with a role; they get a sign-in link by e-mail (7 days, once)',
        description:
          'Roles: owner (every scope), privacy_officer (requests:manage, subjects:read, subjects:write, pii:read, audit:read), ' +
          'marketer (feed:read, consent:write, subjects:read), developer (admin, feed:read, subjects:read), viewer (subjects:read, audit:read). ' +
          'A caller may only give a role whose scopes it holds itself (403 otherwise). Inviting someone who already serves the tenant changes their role.',
        responses: { 201: { description: 'Invited', schema: InvitedResponse } },
      }),
      validate('json', InviteStaffBody),
      async (c) => {
        const caller = c.get('auth');
        const body = c.req.valid('json');
        mayGrant(caller, body.role);
        const invited = await inviteStaff(ctx, {
          ...body,
          tenantId: caller.tenantId,
          actor: caller.keyId,
        });
        return c.json({ id: invited.staffId, role: invited.role }, 201);
      },
    )
    .put(
      '/v1/staff/:id',
      describe({
        tag,
        auth,
        params: StaffIdParams,
        body: ChangeRoleBody,
        summary: "Change a staff member's role",
        responses: { 200: { description: 'Changed', schema: InvitedResponse } },
      }),
      validate('param', StaffIdParams),
      validate('json', ChangeRoleBody),
      async (c) => {
        const caller = c.get('auth');
        const { role } = c.req.valid('json');
        mayGrant(caller, role);
        await changeStaffRole(ctx, caller.tenantId, c.req.valid('param').id, role, caller.keyId);
        return c.json({ id: c.req.valid('param').id, role });
      },
    )
    .delete(
      '/v1/staff/:id',
      describe({
        tag,
        auth,
        params: StaffIdParams,
        summary: 'Remove a staff member from the tenant; their sessions here end at once',
        responses: { 204: 'Removed' },
      }),
      validate('param', StaffIdParams),
      async (c) => {
        const caller = c.get('auth');
        await removeStaff(ctx, caller.tenantId, c.req.valid('param').id, caller.keyId);
        return c.body(null, 204);
      },
    )
    .post(
      '/v1/admin/tenants/:tenantId/staff',
      describe({
        tag,
        auth: 'admin-token',
        params: AdminStaffParams,
        body: InviteStaffBody,
        summary: "The operator invites a tenant's staff, usually its first owner",
        responses: { 201: { description: 'Invited', schema: InvitedResponse } },
      }),
      requireAdminToken(ctx),
      validate('param', AdminStaffParams),
      validate('json', InviteStaffBody),
      async (c) => {
        const invited = await inviteStaff(ctx, {
          ...c.req.valid('json'),
          tenantId: c.req.valid('param').tenantId,
          actor: 'bootstrap',
        });
        return c.json({ id: invited.staffId, role: invited.role }, 201);
      },
    );
}
