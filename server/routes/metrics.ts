// GET /metrics in the Prometheus text format (see docs/deploy.md). Gauges that live in
// the database (feed lag, webhook and mail queues) are read at scrape time.
import { Hono } from 'hono';
import type { AppContext } from '../context.js';
import { describe } from '../openapi/describe.js';
import { countOverdueBreaches } from '../services/registers/breaches.js';

export function metricsRoutes(ctx: AppContext) {
  return new Hono().get(
    '/metrics',
    describe({
      tag: 'Operations',
      auth: 'none',
      summary:
        'Prometheus metrics: requests by route and status, consent writes, feed lag, webhook and mail queue depth and failures, transaction retries, overdue breach notifications and register reviews',
      responses: { 200: { description: 'Prometheus text', contentType: 'text/plain' } },
    }),
    async (c) => {
      const newest = await ctx.db
        .selectFrom('feed_events')
        .select((eb) => eb.fn.max('occurred_at').as('at'))
        .executeTakeFirst();
      ctx.metrics.feedLag.set(
        newest?.at ? Math.max(0, (ctx.clock.now().getTime() - Date.parse(newest.at)) / 1000) : 0,
      );
      const queue = await ctx.db
        .selectFrom('webhook_deliveries')
        .select(['status', (eb) => eb.fn.countAll<number>().as('count')])
        .groupBy('status')
        .execute();
      ctx.metrics.webhookQueueDepth.reset();
      for (const status of ['pending', 'delivered', 'failed']) {
        ctx.metrics.webhookQueueDepth.set(
          { status },
          Number(queue.find((q) => q.status === status)?.count ?? 0),
        );
      }
      const mail = await ctx.db
        .selectFrom('outbox')
        .select(['status', (eb) => eb.fn.countAll<number>().as('count')])
        .groupBy('status')
        .execute();
      ctx.metrics.mailQueue.reset();
      for (const status of ['pending', 'sent', 'dead', 'kept']) {
        ctx.metrics.mailQueue.set(
          { status },
          Number(mail.find((q) => q.status === status)?.count ?? 0),
        );
      }
      ctx.metrics.breachesOverdue.set(await countOverdueBreaches(ctx));
      const today = ctx.clock.now().toISOString().slice(0, 10);
      for (const register of ['processors', 'dpias'] as const) {
        const row = await ctx.db
          .selectFrom(register)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('review_date', '<', today)
          .executeTakeFirst();
        ctx.metrics.reviewsOverdue.set({ register }, Number(row?.n ?? 0));
      }
      return c.body(await ctx.metrics.registry.metrics(), 200, {
        'content-type': ctx.metrics.registry.contentType,
      });
    },
  );
}
