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
import { transactionRetryCounts } from './db/transaction-retry.js';
import { ApiError, RateLimitedError } from './errors.js';
import { createKeyring } from './keyring.js';
import type { MailTransport } from './mail/mailer.js';
import { createMailQueue, type MailQueueOptions } from './mail/queue.js';
import { bodyLimits, type BodyLimitRule } from './middleware/body-limit.js';
import { compression } from './middleware/compression.js';
import { rateLimit } from './middleware/rate-limit.js';
import { createRateLimiter } from './rate-limiter.js';
import { publicRateLimits } from './middleware/public-rate-limits.js';
import { readableErrors } from './public-cors.js';
import { requestLog } from './middleware/request-log.js';
import { securityHeaders } from './middleware/security-headers.js';
import { trustedProxies } from './middleware/trusted-proxies.js';
import { createLogger, type Logger } from './observability/logger.js';
import { createMetrics } from './observability/metrics.js';
import { describedOperations } from './openapi/describe.js';
import type { Operation } from './openapi/operation.js';
import { adminRoutes } from './routes/admin.js';
import { configRoutes } from './routes/config.js';
import { docsRoutes } from './routes/docs.js';
import { healthRoutes } from './routes/health.js';
import { keyRoutes } from './routes/keys.js';
import { subjectRoutes } from './routes/subjects.js';
import { feedRoutes } from './routes/feed.js';
import { webhookRoutes } from './routes/webhooks.js';
import { audienceRoutes } from './routes/audience.js';
import { checkRoutes } from './routes/check.js';
import { requestRoutes } from './routes/requests.js';
import { metricsRoutes } from './routes/metrics.js';
import { demoRoutes } from './routes/demo.js';
import { widgetRoutes } from './routes/widget.js';
import { widgetStubRoutes } from './routes/widget-stub.js';
import { auditRoutes } from './routes/audit.js';
import { insightsRoutes } from './routes/insights.js';
import { ropaRoutes } from './routes/ropa.js';
import { breachRoutes } from './routes/breaches.js';
import { registerRoutes } from './routes/registers.js';
import { proofRetentionRoutes } from './routes/proof-retention.js';
import { tenantRoutes } from './routes/tenant.js';
import { tenantOriginRoutes } from './routes/tenant-origins.js';
import { consentRoutes } from './routes/consents.js';
import { purposeDetailsRoutes } from './routes/purpose-details.js';
import { ledgerRoutes } from './routes/ledger.js';
import { wellKnownRoutes } from './routes/well-known.js';
import { devOutboxOperations, devOutboxRoutes } from './routes/dev-outbox.js';
import { faviconRoutes } from './routes/favicon.js';
import { doubleOptInRoutes } from './routes/double-opt-in.js';
import { linkRoutes } from './routes/links.js';
import { meRoutes } from './routes/me.js';
import { preferenceCenterRoutes } from './routes/preference-center.js';
import { unsubscribeRoutes } from './routes/unsubscribe.js';
import { consoleRoutes } from './routes/console.js';
import { consolePreviewRoutes } from './routes/console-preview.js';
import { consoleSessionRoutes } from './routes/console-session.js';
import { staffRoutes } from './routes/staff.js';
import { subjectLookupRoutes } from './routes/subject-lookup.js';
import { receiptCheckRoutes } from './routes/receipt-check.js';
import { repermissionRoutes } from './routes/repermission.js';

export interface AppDeps {
  db: Store;
  config: AppConfig;
  clock?: Clock;
  /** Where queued mail goes (SMTP, or a test's capture); without one mails are kept in the outbox. */
  mailer?: MailTransport;
  mailQueue?: MailQueueOptions;
  logger?: Logger;
}

interface RouteModule {
  routes: (ctx: AppContext) => Hono<any>;
  /**
   * Operations documented apart from the router: only the development outbox, whose route is not
   * mounted in production but is documented there too.
   */
  operations?: Operation[];
}

/** Every route module, mounted in this order; each describes itself for /openapi.json. */
const routeModules: RouteModule[] = [
  { routes: healthRoutes },
  { routes: metricsRoutes },
  { routes: faviconRoutes },
  { routes: adminRoutes },
  { routes: keyRoutes },
  { routes: configRoutes },
  { routes: (ctx) => widgetRoutes(ctx) },
  { routes: widgetStubRoutes },
  { routes: demoRoutes },
  { routes: auditRoutes },
  { routes: insightsRoutes },
  { routes: ropaRoutes },
  { routes: breachRoutes },
  { routes: registerRoutes },
  { routes: proofRetentionRoutes },
  { routes: tenantRoutes },
  { routes: tenantOriginRoutes },
  { routes: consentRoutes },
  { routes: purposeDetailsRoutes },
  { routes: ledgerRoutes },
  { routes: wellKnownRoutes },
  { routes: requestRoutes },
  { routes: (ctx) => preferenceCenterRoutes(ctx) },
  { routes: meRoutes },
  { routes: linkRoutes },
  { routes: unsubscribeRoutes },
  { routes: doubleOptInRoutes },
  { routes: devOutboxRoutes, operations: devOutboxOperations },
  { routes: subjectRoutes },
  { routes: subjectLookupRoutes },
  { routes: receiptCheckRoutes },
  { routes: feedRoutes },
  { routes: webhookRoutes },
  { routes: audienceRoutes },
  { routes: checkRoutes },
  { routes: repermissionRoutes },
  { routes: staffRoutes },
  { routes: consoleSessionRoutes },
  { routes: (ctx) => consoleRoutes(ctx) },
  { routes: (ctx) => consolePreviewRoutes(ctx) },
];

const DEFAULT_BODY_LIMIT = 64 * 1024;

/** Routes that accept more than the default 64 KiB (a documented exception to the body limit). */
const largerBodies: BodyLimitRule[] = [
  { pattern: /^\/v1\/subjects\/[^/]+\/records\//, maxSize: 1024 * 1024 },
  // An uploaded list of the people a breach concerns: up to 10,000 externalIds.
  { pattern: /^\/v1\/breaches\/[^/]+\/communications$/, maxSize: 2 * 1024 * 1024 },
];

export function createContext(deps: AppDeps): AppContext {
  const clock = deps.clock ?? systemClock;
  const keyring = createKeyring(deps.config.secret);
  const logger = deps.logger ?? createLogger(deps.config.logLevel);
  const metrics = createMetrics(() => transactionRetryCounts(deps.db.db));
  const mailQueue = createMailQueue(
    {
      sendsMail: Boolean(deps.mailer ?? deps.config.smtpUrl),
      db: deps.db.db,
      keyring,
      clock,
      logger,
      metrics,
    },
    deps.mailer ?? null,
    deps.mailQueue,
  );
  const base: Omit<AppContext, 'rateLimits'> = {
    store: deps.db,
    db: deps.db.db,
    config: deps.config,
    clock,
    keyring,
    mailer: mailQueue.mailer,
    mailQueue,
    logger,
    metrics,
  };
  const rateLimits = Object.fromEntries(
    (Object.keys(deps.config.rateLimits) as RateLimitName[]).map((name) => [
      name,
      createRateLimiter(base, name),
    ]),
  ) as AppContext['rateLimits'];
  return { ...base, rateLimits };
}

export function createApp(deps: AppDeps | AppContext) {
  const ctx = 'store' in deps ? deps : createContext(deps);
  const app = new Hono();
  // First: the rate limits, the log and the routes all ask who the client is.
  app.use('*', trustedProxies(ctx.config.trustedProxies));
  app.use('*', requestLog(ctx.logger, ctx.metrics));
  app.use('*', securityHeaders());
  // gzip for text answers whose client accepts it; the widget compresses and caches its own.
  // The feed is left alone: a long-poll answer must leave the moment it is ready, and its
  // consumers poll in a tight loop on a near network.
  app.use(
    '*',
    compression((path) => path === '/v1/feed'),
  );

  const tooLarge = () => {
    throw new ApiError(413, 'PAYLOAD_TOO_LARGE', 'The request body is too large');
  };
  app.use('*', bodyLimits(largerBodies, DEFAULT_BODY_LIMIT, tooLarge));
  // After the body limit: the per-key limit reads the body, which must already be bounded.
  // Before the rate limits: the banner must be able to read a 429 too.
  app.use('/v1/consents/*', readableErrors());
  for (const [path, limits] of Object.entries(publicRateLimits(ctx))) app.use(path, ...limits);
  app.use(
    '/v1/*',
    rateLimit(
      ctx.rateLimits.secretKey,
      (c) => /^Bearer\s+(sk_\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1] ?? null,
    ),
  );

  const operations: Operation[] = [];
  for (const module of routeModules) {
    const routes = module.routes(ctx);
    operations.push(...(module.operations ?? []), ...describedOperations(routes));
    app.route('/', routes);
  }
  // The reference describes itself too; it reads the list only when first asked.
  const docs = docsRoutes(ctx, () => operations);
  operations.push(...describedOperations(docs));
  app.route('/', docs);

  app.notFound((c) =>
    c.json<ErrorBody>({ error: { code: 'NOT_FOUND', message: 'No such endpoint' } }, 404),
  );
  app.onError((error, c) => {
    if (error instanceof RateLimitedError) c.header('Retry-After', String(error.retryAfterSeconds));
    if (error instanceof ApiError) {
      const body: ErrorBody = {
        error: { ...error.extra, code: error.code, message: error.message },
      };
      if (error.issues) body.error.issues = error.issues;
      return c.json(body, error.status);
    }
    if (error instanceof HTTPException) {
      const status = error.status as ContentfulStatusCode;
      const malformed = status === 400 && /json/i.test(error.message);
      const code = malformed
        ? 'MALFORMED_JSON'
        : status === 413
          ? 'PAYLOAD_TOO_LARGE'
          : status === 401
            ? 'UNAUTHORIZED'
            : 'VALIDATION_FAILED';
      return c.json<ErrorBody>(
        {
          error: {
            code,
            message: malformed ? 'The body is not valid JSON' : error.message || 'Bad request',
          },
        },
        status,
      );
    }
    // Unexpected: log the error itself (scrubbed), never the request: it may hold personal data.
    ctx.logger.error({ err: error, route: c.req.routePath }, 'unhandled error');
    return c.json<ErrorBody>({ error: { code: 'INTERNAL', message: 'Internal error' } }, 500);
  });
  return app;
}
