// GET /dev/outbox: the mails the outbox mailer kept, decrypted, newest first, so a
// developer without a mail server can follow sign-in and confirmation links. It
// exists only outside production (NODE_ENV=production mounts nothing here).
import { Hono } from 'hono';
import * as v from 'valibot';
import type { AppContext } from '../context.js';
import type { Operation } from '../openapi/operation.js';

export const devOutboxOperations: Operation[] = [
  {
    method: 'get', path: '/dev/outbox', tag: 'Operations', auth: 'none',
    summary: 'The last 50 outbox mails, decrypted (only when NODE_ENV is not production and SMTP_URL is unset)',
    responses: {
      200: {
        description: 'The mails',
        schema: v.object({ mails: v.array(v.object({ id: v.string(), to: v.string(), subject: v.string(), text: v.string(), createdAt: v.string() })) }),
      },
    },
  },
];

export function devOutboxRoutes(ctx: AppContext) {
  const app = new Hono();
  if (ctx.config.production) return app;
  return app.get('/dev/outbox', async (c) => {
    const rows = await ctx.db.selectFrom('outbox').selectAll().orderBy('created_at', 'desc').limit(50).execute();
    const mails = rows.map((row) => {
      const body = JSON.parse(ctx.keyring.decrypt(row.body_enc)) as { text: string; html?: string; headers?: Record<string, string> };
      return {
        id: row.id, tenantId: row.tenant_id, to: ctx.keyring.decrypt(row.to_enc), subject: row.subject,
        text: body.text, html: body.html ?? null, headers: body.headers ?? {}, createdAt: row.created_at,
      };
    });
    return c.json({ mails }, 200, { 'cache-control': 'no-store' });
  });
}
