// Builds the Hono application from its parts. Tests call createApp with a temp
// database and use app.request(); only main.ts opens a port.
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ErrorBody } from '../shared/errors.js';
import { systemClock, type Clock } from './clock.js';
import type { AppConfig, RateLimitName } from './config.js';
import type { AppContext } from './context.js';
import type { Store } from './db/create-db.js';
import { ApiError, RateLimitedError } from './errors.js';
import { createKeyring } from './keyring.js';
import type { Mailer } from './mail/mailer.js';
import { createOutboxMailer } from './mail/outbox.js';
import { bodyLimits, type BodyLimitRule } from './middleware/body-limit.js';
import { createRateLimiter, rateLimit } from './middleware/rate-limit.js';
import { publicRateLimits } from './middleware/public-rate-limits.js';
import { requestLog } from './middleware/request-log.js';
import { securityHeaders } from './middleware/security-headers.js';
import { createLogger, type Logger } from './observability/logger.js';
import { createMetrics } from './observability/metrics.js';
import type { Operation } from './openapi/operation.js';
import { adminOperations, adminRoutes } from './routes/admin.js';
import { configOperations, configRoutes } from './routes/config.js';
import { docsOperations, docsRoutes } from './routes/docs.js';
import { healthOperations, healthRoutes } from './routes/health.js';
import { keyOperations, keyRoutes } from './routes/keys.js';
import { subjectOperations, subjectRoutes } from './routes/subjects.js';
import { feedOperations, feedRoutes } from './routes/feed.js';
import { webhookOperations, webhookRoutes } from './routes/webhooks.js';
import { audienceOperations, audienceRoutes } from './routes/audience.js';
import { checkOperations, checkRoutes } from './routes/check.js';
import { requestOperations, requestRoutes } from './routes/requests.js';
import { metricsOperations, metricsRoutes } from './routes/metrics.js';
import { demoOperations, demoRoutes } from './routes/demo.js';
import { widgetOperations, widgetRoutes } from './routes/widget.js';
import { auditOperations, auditRoutes } from './routes/audit.js';
import { ropaOperations, ropaRoutes } from './routes/ropa.js';
import { tenantOperations, tenantRoutes } from './routes/tenant.js';
import { consentOperations, consentRoutes } from './routes/consents.js';
import { ledgerOperations, ledgerRoutes } from './routes/ledger.js';
import { wellKnownOperations, wellKnownRoutes } from './routes/well-known.js';
import { devOutboxOperations, devOutboxRoutes } from './routes/dev-outbox.js';
import { doubleOptInOperations, doubleOptInRoutes } from './routes/double-opt-in.js';
import { linkOperations, linkRoutes } from './routes/links.js';
import { meOperations, meRoutes } from './routes/me.js';
import { preferenceCenterOperations, preferenceCenterRoutes } from './routes/preference-center.js';
import { unsubscribeOperations, unsubscribeRoutes } from './routes/unsubscribe.js';

export interface AppDeps {
  db: Store;
  config: AppConfig;
  clock?: Clock;
  mailer?: Mailer;
  logger?: Logger;
}

interface RouteModule {
  routes: (ctx: AppContext) => Hono<any>;
  operations: Operation[];
}

/** Every route module, mounted in this order; each describes itself for /openapi.json. */
const routeModules: RouteModule[] = [
  { routes: healthRoutes, operations: healthOperations },
  { routes: metricsRoutes, operations: metricsOperations },
  { routes: adminRoutes, operations: adminOperations },
  { routes: keyRoutes, operations: keyOperations },
  { routes: configRoutes, operations: configOperations },
  { routes: (ctx) => widgetRoutes(ctx), operations: widgetOperations },
  { routes: demoRoutes, operations: demoOperations },
  { routes: auditRoutes, operations: auditOperations },
  { routes: ropaRoutes, operations: ropaOperations },
  { routes: tenantRoutes, operations: tenantOperations },
  { routes: consentRoutes, operations: consentOperations },
  { routes: ledgerRoutes, operations: ledgerOperations },
  { routes: wellKnownRoutes, operations: wellKnownOperations },
  { routes: requestRoutes, operations: requestOperations },
  { routes: (ctx) => preferenceCenterRoutes(ctx), operations: preferenceCenterOperations },
  { routes: meRoutes, operations: meOperations },
  { routes: linkRoutes, operations: linkOperations },
  { routes: unsubscribeRoutes, operations: unsubscribeOperations },
  { routes: doubleOptInRoutes, operations: doubleOptInOperations },
  { routes: devOutboxRoutes, operations: devOutboxOperations },
  { routes: subjectRoutes, operations: subjectOperations },
  { routes: feedRoutes, operations: feedOperations },
  { routes: webhookRoutes, operations: webhookOperations },
  { routes: audienceRoutes, operations: audienceOperations },
  { routes: checkRoutes, operations: checkOperations },
];

const DEFAULT_BODY_LIMIT = 64 * 1024;

/** Routes that accept more than the default 64 KiB (CONTRACT.md §0 "unless an endpoint says otherwise"). */
const largerBodies: BodyLimitRule[] = [
  { pattern: /^\/v1\/subjects\/[^/]+\/records\//, maxSize: 1024 * 1024 },
];

export function createContext(deps: AppDeps): AppContext {
  const clock = deps.clock ?? systemClock;
  const keyring = createKeyring(deps.config.secret);
  const base: Omit<AppContext, 'rateLimits'> = {
    store: deps.db,
    db: deps.db.db,
    config: deps.config,
    clock,
    keyring,
    mailer: deps.mailer ?? createOutboxMailer(deps.db.db, keyring, clock),
    logger: deps.logger ?? createLogger(deps.config.logLevel),
    metrics: createMetrics(),
  };
  const ctx = base as AppContext;
  ctx.rateLimits = Object.fromEntries(
    (Object.keys(deps.config.rateLimits) as RateLimitName[]).map((name) => [name, createRateLimiter(ctx, name)]),
  ) as AppContext['rateLimits'];
  return ctx;
}

export function createApp(deps: AppDeps | AppContext) {
  const ctx = 'store' in deps ? deps : createContext(deps);
  const app = new Hono();
  app.use('*', requestLog(ctx.logger, ctx.metrics));
  app.use('*', securityHeaders());

  const tooLarge = () => {
    throw new ApiError(413, 'PAYLOAD_TOO_LARGE', 'The request body is too large');
  };
  app.use('*', bodyLimits(largerBodies, DEFAULT_BODY_LIMIT, tooLarge));
  // After the body limit: the per-key limit reads the body, which must already be bounded.
  for (const [path, limits] of Object.entries(publicRateLimits(ctx))) app.use(path, ...limits);
  app.use('/v1/*', rateLimit(ctx.rateLimits.secretKey, (c) => /^Bearer\s+(sk_\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1] ?? null));

  const operations = routeModules.flatMap((m) => m.operations).concat(docsOperations);
  for (const module of routeModules) app.route('/', module.routes(ctx));
  app.route('/', docsRoutes(ctx, () => operations));

  app.notFound((c) => c.json<ErrorBody>({ error: { code: 'NOT_FOUND', message: 'No such endpoint' } }, 404));
  app.onError((error, c) => {
    if (error instanceof RateLimitedError) c.header('Retry-After', String(error.retryAfterSeconds));
    if (error instanceof ApiError) {
      const body: ErrorBody = { error: { ...error.extra, code: error.code, message: error.message } };
      if (error.issues) body.error.issues = error.issues;
      return c.json(body, error.status);
    }
    if (error instanceof HTTPException) {
      const status = error.status as ContentfulStatusCode;
      const malformed = status === 400 && /json/i.test(error.message);
      const code = malformed ? 'MALFORMED_JSON' : status === 413 ? 'PAYLOAD_TOO_LARGE' : status === 401 ? 'UNAUTHORIZED' : 'VALIDATION_FAILED';
      return c.json<ErrorBody>({ error: { code, message: malformed ? 'The body is not valid JSON' : error.message || 'Bad request' } }, status);
    }
    // Unexpected: log the error itself (scrubbed), never the request: it may hold personal data.
    ctx.logger.error({ err: error, route: c.req.routePath }, 'unhandled error');
    return c.json<ErrorBody>({ error: { code: 'INTERNAL', message: 'Internal error' } }, 500);
  });
  return app;
}
