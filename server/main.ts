// The only place that opens a port: read the environment, migrate, serve.
import { serve } from '@hono/node-server';
import { createApp, createContext } from './app.js';
import { loadConfig } from './config.js';
import { createStore } from './db/create-db.js';
import { createSmtpMailer } from './mail/smtp.js';
import { ensureDemoTenant } from './services/config/demo.js';
import { startBreachClockJob } from './services/registers/breach-clock.js';
import { demoOwnerLink } from './services/staff/staff.js';
import { startExpiryJob } from './services/consent/consent-expiry.js';
import { startInsightsCatchUpJob } from './services/insights/insight-catch-up.js';
import { startOffboardingJob } from './services/tenants/offboarding.js';
import { startProofRetentionJob } from './services/registers/proof-retention.js';
import { startRetentionJob } from './services/registers/retention.js';
import { startInformationNoticeJob } from './services/rights/information-notice.js';
import {
  ensureSecretFingerprint,
  SecretMismatchError,
} from './services/tenants/secret-fingerprint.js';
import { startWebhookWorker } from './services/webhooks/webhook-delivery.js';

const config = loadConfig();
const store = createStore(config.databaseUrl);
await store.migrate();
// Real mail when SMTP_URL is set; otherwise the outbox (and /dev/outbox outside production, for loopback clients with the admin token).
const mailer = config.smtpUrl ? createSmtpMailer(config.smtpUrl, config.publicUrl) : undefined;
const ctx = createContext({ db: store, config, mailer });
// Refuse data encrypted under another secret (a database restored without its secret),
// before anything is written or served.
try {
  await ensureSecretFingerprint(ctx.db, ctx.keyring, ctx.clock.now().toISOString());
} catch (error) {
  if (!(error instanceof SecretMismatchError)) throw error;
  console.error(`akkoord: ${error.message}`);
  await store.close();
  process.exit(1);
}
// The demo shop is for a newcomer's first `npm start`; a production server starts empty
// (and never prints a secret key into what is usually a collected log).
const demo = config.production ? null : await ensureDemoTenant(ctx);
const demoConsole = demo ? await demoOwnerLink(ctx, demo.tenantId) : null;
const app = createApp(ctx);
const stopExpiryJob = startExpiryJob(ctx);
const stopRetentionJob = startRetentionJob(ctx);
const stopOffboardingJob = startOffboardingJob(ctx);
const stopBreachClock = startBreachClockJob(ctx);
const stopProofRetention = startProofRetentionJob(ctx);
const stopInformationNotices = startInformationNoticeJob(ctx);
const stopInsightsCatchUp = startInsightsCatchUpJob(ctx);
// Webhook deliveries live in the database: every process may run the worker; claims keep them from sending one twice.
const webhookWorker = startWebhookWorker(ctx);
// Mail is queued in the database; every process sends what it claims, so none is sent twice.
ctx.mailQueue.start();

const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
  const base = config.publicUrl;
  console.log(`Akkoord listening on http://${info.address}:${info.port} (${store.dialect})`);
  if (demo) {
    console.log(`  demo shop:      ${base}/`);
    console.log(`  demo tenant:    ${demo.tenantId}`);
    console.log(`  public key:     ${demo.publicKey}`);
    if (demo.secretKey)
      console.log(`  secret key:     ${demo.secretKey}   (shown once; every scope)`);
    if (demoConsole)
      console.log(
        `  console:        ${demoConsole}   (the demo owner's sign-in link; once, for a day)`,
      );
  }
  console.log(`  API reference:  ${base}/docs`);
  console.log(
    `  e-mail:         ${config.smtpUrl ? 'SMTP_URL' : config.production ? 'the outbox table' : devOutboxHint(base)}`,
  );
});

/** Where a developer reads the mails: /dev/outbox, from this machine, with the admin token. */
function devOutboxHint(base: string): string {
  if (!config.adminToken)
    return 'the outbox table (set AKKOORD_ADMIN_TOKEN to read it at /dev/outbox)';
  return `the outbox: curl -H "authorization: Bearer $AKKOORD_ADMIN_TOKEN" ${base}/dev/outbox   (from this machine only)`;
}

// Long-polls wait up to 30 s; anything slower than this is stuck.
const nodeServer = server as import('node:http').Server;
nodeServer.requestTimeout = 45_000;
nodeServer.headersTimeout = 15_000;

/** Stop taking requests, let in-flight writes finish, then close the database. */
let stopping = false;
const shutdown = (signal: string) => {
  if (stopping) return;
  stopping = true;
  stopExpiryJob();
  stopRetentionJob();
  stopOffboardingJob();
  stopBreachClock();
  stopProofRetention();
  stopInformationNotices();
  stopInsightsCatchUp();
  ctx.logger.info({ signal }, 'shutting down');
  nodeServer.closeIdleConnections();
  const force = setTimeout(() => nodeServer.closeAllConnections(), 10_000);
  force.unref();
  server.close(async () => {
    await webhookWorker.stop();
    await ctx.mailQueue.stop();
    mailer?.close();
    await store.close();
    process.exit(0);
  });
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
