// Liveness and readiness for the operator. Ready means the server can
// serve personal data: the database answers, is migrated, and belongs to this secret.
import { Hono } from 'hono';
import { sql } from 'kysely';
import * as v from 'valibot';
import { migrations } from '../db/migrations/index.js';
import type { AppContext } from '../context.js';
import { describe } from '../openapi/describe.js';
import { checkSecret } from '../services/tenants/secret-fingerprint.js';

const notReadySchema = v.object({
  ok: v.literal(false),
  code: v.picklist(['database_unreachable', 'migrations_pending', 'secret_mismatch']),
  reason: v.string(),
  pending: v.optional(v.array(v.string())),
});

const Healthy = v.object({ ok: v.literal(true) });

export function healthRoutes(ctx: AppContext) {
  return new Hono()
    .get(
      '/healthz',
      describe({
        tag: 'Operations',
        auth: 'none',
        summary: 'The process is up',
        responses: { 200: { description: 'Up', schema: Healthy } },
      }),
      (c) => c.json({ ok: true }),
    )
    .get(
      '/readyz',
      describe({
        tag: 'Operations',
        auth: 'none',
        summary:
          'The database answers, every migration is applied and the root secret matches the data',
        description:
          'Not ready answers 503 with `{ ok: false, code, reason }`; `code` is `database_unreachable`, `migrations_pending` ' +
          '(with the `pending` names) or `secret_mismatch` (the data was encrypted under another root secret: restore the secret with the data).',
        responses: {
          200: { description: 'Ready', schema: Healthy },
          503: { description: 'not ready: `code` says why', schema: notReadySchema },
        },
      }),
      async (c) => {
        try {
          const applied = await sql<{ name: string }>`SELECT name FROM kysely_migration`.execute(
            ctx.db,
          );
          const names = new Set(applied.rows.map((r) => r.name));
          const pending = Object.keys(migrations).filter((m) => !names.has(m));
          if (pending.length > 0)
            return c.json(
              { ok: false, code: 'migrations_pending', reason: 'migrations pending', pending },
              503,
            );
          const secret = await checkSecret(ctx.db, ctx.keyring);
          if (secret.status === 'mismatch') {
            return c.json(
              {
                ok: false,
                code: 'secret_mismatch',
                reason:
                  'the root secret does not match the data; restore the secret that belongs to it',
              },
              503,
            );
          }
          return c.json({ ok: true });
        } catch {
          return c.json(
            { ok: false, code: 'database_unreachable', reason: 'database unreachable' },
            503,
          );
        }
      },
    );
}
