// GET /dev/outbox: the newest mails in the outbox (kept or queued), decrypted, so a
// developer without a mail server can follow sign-in and confirmation links. It lists
// every tenant's links, so it is guarded three ways: it does not exist in production,
// it answers only a client on this machine reaching the server directly (not through
// a proxy, which would make every client look local), and it needs the admin token.
import { Hono, type Context } from 'hono';
import * as v from 'valibot';
import { requireAdminToken } from '../auth.js';
import type { AppContext } from '../context.js';
import { notFound } from '../errors.js';
import type { Operation } from '../openapi/operation.js';
import { connectionIp } from '../http/request-context.js';

export const devOutboxOperations: Operation[] = [
  {
    method: 'get',
    path: '/dev/outbox',
    tag: 'Operations',
    auth: 'admin-token',
    summary: 'The last 50 outbox mails, decrypted (not in production; loopback clients only)',
    description:
      'For development without a mail server. Absent when NODE_ENV is production; any client ' +
      'that is not on the loopback interface, or that comes through a proxy (forwarding headers), gets 404.',
    responses: {
      200: {
        description: 'The mails',
        schema: v.object({
          mails: v.array(
            v.object({
              id: v.string(),
              tenantId: v.nullable(v.string()),
              to: v.string(),
              subject: v.string(),
              text: v.string(),
              html: v.nullable(v.string()),
              headers: v.record(v.string(), v.string()),
              status: v.pipe(
                v.picklist(['pending', 'sent', 'dead', 'kept']),
                v.description('kept: no SMTP_URL, never sent'),
              ),
              createdAt: v.string(),
            }),
          ),
        }),
      },
      401: 'No or a wrong admin token',
      404: 'In production, not a loopback client, or no AKKOORD_ADMIN_TOKEN set',
      429: 'RATE_LIMITED: too many wrong admin tokens from this IP; see Retry-After',
    },
  },
];

const FORWARDING_HEADERS = ['forwarded', 'x-forwarded-for', 'x-real-ip'];

/** A direct connection from this machine; in-process calls (no socket) are not. */
function isLoopbackClient(c: Context): boolean {
  const ip = connectionIp(c);
  if (!ip || FORWARDING_HEADERS.some((name) => c.req.header(name) !== undefined)) return false;
  return ip === '::1' || /^(::ffff:)?127\./i.test(ip);
}

export function devOutboxRoutes(ctx: AppContext) {
  const app = new Hono();
  if (ctx.config.production) return app;
  const loopbackOnly = async (c: Context, next: () => Promise<void>) => {
    if (!isLoopbackClient(c)) throw notFound('endpoint');
    await next();
  };
  return app.get('/dev/outbox', loopbackOnly, requireAdminToken(ctx), async (c) => {
    const rows = await ctx.db
      .selectFrom('outbox')
      .selectAll()
      .orderBy('created_at', 'desc')
      .limit(50)
      .execute();
    const mails = rows.map((row) => {
      const body = JSON.parse(ctx.keyring.decrypt(row.body_enc)) as {
        text: string;
        html?: string;
        headers?: Record<string, string>;
      };
      return {
        id: row.id,
        tenantId: row.tenant_id,
        to: ctx.keyring.decrypt(row.to_enc),
        subject: row.subject,
        text: body.text,
        html: body.html ?? null,
        headers: body.headers ?? {},
        status: row.status,
        createdAt: row.created_at,
      };
    });
    return c.json({ mails }, 200, { 'cache-control': 'no-store' });
  });
}
