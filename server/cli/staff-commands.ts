// `akkoord staff invite`: the operator gives a person a console role at a tenant,
// usually its first owner. The invitation is queued in the outbox like every mail (a
// server's mail worker sends it when SMTP_URL is set) and the sign-in link is printed
// too: whoever runs the command already holds the database.
import * as v from 'valibot';
import { InviteStaffBody } from '../../shared/schemas/staff.js';
import { inviteStaff } from '../services/staff/staff.js';
import { CliError, requireTenant, withContext, type Output } from './runtime.js';
import { CLI_ACTOR } from './tenant-commands.js';

export async function inviteStaffCommand(
  out: Output,
  opts: { tenant?: string; email: string; role: string; name?: string; locale?: string },
) {
  const parsed = v.safeParse(InviteStaffBody, {
    email: opts.email,
    role: opts.role,
    name: opts.name,
    locale: opts.locale,
  });
  if (!parsed.success) {
    throw new CliError(
      'The invitation is not valid',
      parsed.issues.map((i) => `${v.getDotPath(i) ?? '(root)'}: ${i.message}`),
    );
  }
  const invited = await withContext(out, async (ctx) => {
    await requireTenant(ctx, opts.tenant);
    return inviteStaff(ctx, { ...parsed.output, tenantId: opts.tenant!, actor: CLI_ACTOR });
  });
  out.result(
    { id: invited.staffId, role: invited.role, signInUrl: invited.url },
    `Invited ${invited.staffId} as ${invited.role}; the invitation is in the outbox (sent by a server when SMTP_URL is set).\n` +
      `Sign-in link (works once, for 7 days):\n  ${invited.url}`,
  );
}
