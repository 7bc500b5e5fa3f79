// GET /metrics in the Prometheus text format (CONTRACT.md §11). Gauges that live in
// the database (feed lag, webhook queue) are read at scrape time.
import { Hono } from 'hono';
import type { AppContext } from '../context.js';
import type { Operation } from '../openapi/operation.js';

export const metricsOperations: Operation[] = [
  {
    method: 'get', path: '/metrics', tag: 'Operations', auth: 'none',
    summary: 'Prometheus metrics: requests by route and status, consent writes, feed lag, webhook queue depth and failures',
    responses: { 200: { description: 'Prometheus text', contentType: 'text/plain' } },
  },
];

export function metricsRoutes(ctx: AppContext) {
  return new Hono().get('/metrics', async (c) => {
    const newest = await ctx.db.selectFrom('feed_events').select((eb) => eb.fn.max('occurred_at').as('at')).executeTakeFirst();
    ctx.metrics.feedLag.set(newest?.at ? Math.max(0, (ctx.clock.now().getTime() - Date.parse(newest.at)) / 1000) : 0);
    const queue = await ctx.db
      .selectFrom('webhook_deliveries')
      .select(['status', (eb) => eb.fn.countAll<number>().as('count')])
      .groupBy('status')
      .execute();
    ctx.metrics.webhookQueueDepth.reset();
    for (const status of ['pending', 'delivered', 'failed']) {
      ctx.metrics.webhookQueueDepth.set({ status }, Number(queue.find((q) => q.status === status)?.count ?? 0));
    }
    return c.body(await ctx.metrics.registry.metrics(), 200, { 'content-type': ctx.metrics.registry.contentType });
  });
}
