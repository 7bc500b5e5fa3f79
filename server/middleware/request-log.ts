// One log line and one metric sample per request, labelled by the route pattern
// (/v1/subjects/:externalId), never the concrete path or query, which can hold ids
// a tool chose, such as an e-mail address used as externalId.
import crypto from 'node:crypto';
import { createMiddleware } from 'hono/factory';
import { routePath } from 'hono/route';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';

/** A proxy's request id is kept only in UUID form, so a client cannot write its own text into our logs. */
const requestIdPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function requestLog(logger: Logger, metrics: Metrics) {
  return createMiddleware(async (c, next) => {
    const started = performance.now();
    const incoming = c.req.header('x-request-id');
    const requestId = incoming && requestIdPattern.test(incoming) ? incoming : crypto.randomUUID();
    c.header('x-request-id', requestId);
    await next();
    const route = c.res.status === 404 && routePath(c, -1) === '*' ? 'unmatched' : routePath(c, -1);
    const seconds = (performance.now() - started) / 1000;
    metrics.httpRequests.inc({ method: c.req.method, route, status: String(c.res.status) });
    metrics.httpDuration.observe({ method: c.req.method, route }, seconds);
    logger.info(
      {
        reqId: requestId,
        method: c.req.method,
        route,
        status: c.res.status,
        ms: Math.round(seconds * 1000),
      },
      'request',
    );
  });
}
