// Liveness and readiness for the operator (CONTRACT.md §11).
import { Hono } from 'hono';
import { sql } from 'kysely';
import { migrations } from '../db/migrations/index.js';
import type { AppContext } from '../context.js';
import type { Operation } from '../openapi/operation.js';

export const healthOperations: Operation[] = [
  { method: 'get', path: '/healthz', tag: 'Operations', auth: 'none', summary: 'The process is up', responses: { 200: 'ok' } },
  {
    method: 'get', path: '/readyz', tag: 'Operations', auth: 'none',
    summary: 'The database answers and every migration is applied', responses: { 200: 'ready', 503: 'not ready' },
  },
];

export function healthRoutes(ctx: AppContext) {
  return new Hono()
    .get('/healthz', (c) => c.json({ ok: true }))
    .get('/readyz', async (c) => {
      try {
        const applied = await sql<{ name: string }>`SELECT name FROM kysely_migration`.execute(ctx.db);
        const names = new Set(applied.rows.map((r) => r.name));
        const pending = Object.keys(migrations).filter((m) => !names.has(m));
        if (pending.length > 0) return c.json({ ok: false, reason: 'migrations pending', pending }, 503);
        return c.json({ ok: true });
      } catch {
        return c.json({ ok: false, reason: 'database unreachable' }, 503);
      }
    });
}
