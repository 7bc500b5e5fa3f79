// The only place that opens a port: read the environment, migrate, serve.
import { serve } from '@hono/node-server';
import { createApp, createContext } from './app.js';
import { loadConfig } from './config.js';
import { createStore } from './db/create-db.js';
import { createSmtpMailer } from './mail/smtp.js';
import { ensureDemoTenant } from './services/demo.js';
import { startExpiryJob } from './services/consent-expiry.js';
import { startOffboardingJob } from './services/offboarding.js';
import { startRetentionJob } from './services/retention.js';
import { startWebhookWorker } from './services/webhook-delivery.js';

const config = loadConfig();
const store = createStore(config.databaseUrl);
await store.migrate();
// Real mail when SMTP_URL is set; otherwise the outbox (and /dev/outbox outside production).
const mailer = config.smtpUrl ? createSmtpMailer(config.smtpUrl, config.publicUrl) : undefined;
const ctx = createContext({ db: store, config, mailer });
// The demo shop is for a newcomer's first `npm start`; a production server starts empty
// (and never prints a secret key into what is usually a collected log).
const demo = config.production ? null : await ensureDemoTenant(ctx);
const app = createApp(ctx);
const stopExpiryJob = startExpiryJob(ctx);
const stopRetentionJob = startRetentionJob(ctx);
const stopOffboardingJob = startOffboardingJob(ctx);
// Webhook deliveries live in the database: every process may run the worker; claims keep them from sending one twice.
const webhookWorker = startWebhookWorker(ctx);

const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
  const base = config.publicUrl;
  console.log(`Akkoord listening on http://${info.address}:${info.port} (${store.dialect})`);
  if (demo) {
    console.log(`  demo shop:      ${base}/`);
    console.log(`  demo tenant:    ${demo.tenantId}`);
    console.log(`  public key:     ${demo.publicKey}`);
    if (demo.secretKey) console.log(`  secret key:     ${demo.secretKey}   (shown once; every scope)`);
  }
  console.log(`  API reference:  ${base}/docs`);
  console.log(`  e-mail:         ${config.smtpUrl ? 'SMTP_URL' : config.production ? 'the outbox table' : `the outbox, ${base}/dev/outbox`}`);
});

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
  ctx.logger.info({ signal }, 'shutting down');
  nodeServer.closeIdleConnections();
  const force = setTimeout(() => nodeServer.closeAllConnections(), 10_000);
  force.unref();
  server.close(async () => {
    await webhookWorker.stop();
    await store.close();
    process.exit(0);
  });
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
