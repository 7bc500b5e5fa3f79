// A whole Akkoord app on a real database, for route tests through app.request().
import crypto from 'node:crypto';
import path from 'node:path';
import pino from 'pino';
import { createApp, createContext } from '../../server/app.js';
import { fixedClock, systemClock, type Clock } from '../../server/clock.js';
import { loadConfig, type AppConfig } from '../../server/config.js';
import type { AppContext } from '../../server/context.js';
import type { Dialect } from '../../server/db/create-db.js';
import type { MailTransport } from '../../server/mail/mailer.js';
import type { MailQueueOptions } from '../../server/mail/queue.js';
import { createLogger, type Logger } from '../../server/observability/logger.js';
import type { TenantConfig } from '../../shared/schemas/config.js';
import { demoConfig } from '../../server/services/config/demo.js';
import { openTestStore, type TestStore } from './db.js';
import { checkResponses, stopCheckingResponses } from './response-check.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';
export const TEST_SECRET = 'test-secret-0123456789-0123456789-abcdef';

export interface TestApp {
  app: ReturnType<typeof createApp>;
  ctx: AppContext;
  config: AppConfig;
  testStore: TestStore;
  /** The app's latest error log lines (with the default logger), for a failure's message. */
  recentErrors(): string[];
  /** app.request with JSON in and out. */
  call(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown; headers?: Record<string, string> },
  ): Promise<Response>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  clock?: Clock;
  /** Where queued mail goes; given one, the app's mail worker runs until close(). */
  mailer?: MailTransport;
  mailQueue?: MailQueueOptions;
  logger?: Logger;
  env?: Record<string, string>;
}

export async function startTestApp(
  dialect: Dialect,
  options: TestAppOptions = {},
): Promise<TestApp> {
  const testStore = await openTestStore(dialect);
  const config = loadConfig({
    DATABASE_URL: testStore.url,
    AKKOORD_ADMIN_TOKEN: ADMIN_TOKEN,
    AKKOORD_SECRET: TEST_SECRET,
    PUBLIC_URL: 'http://127.0.0.1:8080',
    LOG_LEVEL: 'silent',
    // Tests send thousands of requests from one address; the rate-limit tests switch limits on.
    AKKOORD_RATE_LIMITS: 'off',
    // Test receivers listen on 127.0.0.1; the SSRF tests switch this back off.
    AKKOORD_WEBHOOK_ALLOW_PRIVATE: 'true',
    ...options.env,
  });
  const errorLines: string[] = [];
  const logger = options.logger ?? suiteLogger() ?? errorKeeper(errorLines);
  const ctx = createContext({
    db: testStore.store,
    config,
    clock: options.clock ?? systemClock,
    mailer: options.mailer,
    logger,
    // Tests wait on mail: look for it often (a send outside a transaction wakes the worker anyway).
    mailQueue: { intervalMs: 50, ...options.mailQueue },
  });
  ctx.mailQueue.start();
  // Every answer is checked against the app's own /openapi.json (response-check.ts).
  const app = checkResponses(createApp(ctx));
  return {
    app,
    ctx,
    config,
    testStore,
    recentErrors: () => [...errorLines],
    call(method, path, { token, body, headers } = {}) {
      return Promise.resolve(
        app.request(path, {
          method,
          headers: {
            ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...headers,
          },
          body:
            body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
        }),
      );
    },
    async close() {
      stopCheckingResponses(app);
      await ctx.mailQueue.stop();
      await testStore.cleanup();
    },
  };
}

/**
 * With AKKOORD_TEST_LOG_DIR set (vitest.log-capture.config.ts), every test app logs at debug
 * level into a file there, so the whole suite's log can be checked for personal data.
 */
function suiteLogger(): Logger | undefined {
  const dir = process.env.AKKOORD_TEST_LOG_DIR;
  if (!dir) return undefined;
  const file = path.join(dir, `${process.pid}-${crypto.randomUUID()}.ndjson`);
  return createLogger('debug', pino.destination({ dest: file, sync: true }));
}

/**
 * Keeps the app's last few error lines in memory: a test that meets an unexpected 500 can then
 * say why, where the apps of the suite otherwise log nothing.
 */
function errorKeeper(lines: string[]): Logger {
  const destination = {
    write(line: string) {
      lines.push(line.trim());
      if (lines.length > 5) lines.shift();
    },
  };
  return createLogger('error', destination);
}

export interface TestTenant {
  tenantId: string;
  publicKey: string;
  secretKey: string;
}

/** Creates a tenant over HTTP and publishes a configuration (the demo one by default). */
export async function createTestTenant(
  t: TestApp,
  config: TenantConfig = demoConfig('https://shop.example'),
  allowedOrigins = ['https://shop.example'],
): Promise<TestTenant> {
  const created = await t.call('POST', '/v1/admin/tenants', {
    token: ADMIN_TOKEN,
    body: { name: 'Shop BV', allowedOrigins },
  });
  if (created.status !== 201)
    throw new Error(
      `tenant creation failed: ${created.status} ${await created.text()}\n${t.recentErrors().join('\n')}`,
    );
  const body = (await created.json()) as {
    tenant: { id: string };
    publicKey: string;
    secretKey: string;
  };
  const published = await t.call('PUT', '/v1/config', { token: body.secretKey, body: config });
  if (published.status !== 201)
    throw new Error(
      `config publish failed: ${published.status} ${await published.text()}\n${t.recentErrors().join('\n')}`,
    );
  return { tenantId: body.tenant.id, publicKey: body.publicKey, secretKey: body.secretKey };
}

/** A banner's first choice for a new visitor: accept analytics, refuse ads (the demo purposes). */
export function bannerChoice(
  publicKey: string,
  visitorId = `v_${crypto.randomBytes(16).toString('base64url')}`,
) {
  return {
    key: publicKey,
    visitorId,
    decisions: { necessary: true, analytics: true, ads: false },
    configVersion: 1,
    locale: 'nl',
    source: 'banner',
    gpc: false,
    clientEventId: `ce_${crypto.randomBytes(12).toString('hex')}`,
  };
}

export { fixedClock };
