// Prometheus metrics (prom-client), one registry per app so tests stay independent.
// Labels are route patterns and statuses, never ids or personal data.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route'>;
  consentWrites: Counter<'source'>;
  feedLag: Gauge;
  webhookQueueDepth: Gauge<'status'>;
  webhookFailures: Counter;
  mailQueue: Gauge<'status'>;
  mailSent: Counter;
  mailFailedAttempts: Counter;
  mailDead: Counter;
  /** Transactions run again after a deadlock or serialization failure (PostgreSQL), by SQLSTATE. */
  transactionRetries: Counter<'code'>;
  /** Transactions that still failed after their last attempt. */
  transactionRetriesExhausted: Counter;
  breachesOverdue: Gauge;
  reviewsOverdue: Gauge<'register'>;
}

/** Where the retry counts live (server/db/transaction-retry.ts); read at scrape time. */
export type RetryCountSource = () => ReadonlyMap<string, number>;

export function createMetrics(retryCounts: RetryCountSource = () => new Map()): Metrics {
  const registry = new Registry();
  return {
    registry,
    httpRequests: new Counter({
      name: 'akkoord_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'akkoord_http_request_duration_seconds',
      help: 'HTTP request duration',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    consentWrites: new Counter({
      name: 'akkoord_consent_writes_total',
      help: 'Consent calls that changed the ledger, by source',
      labelNames: ['source'],
      registers: [registry],
    }),
    feedLag: new Gauge({
      name: 'akkoord_feed_lag_seconds',
      help: 'Age of the newest feed event at scrape time',
      registers: [registry],
    }),
    webhookQueueDepth: new Gauge({
      name: 'akkoord_webhook_deliveries',
      help: 'Webhook deliveries by status',
      labelNames: ['status'],
      registers: [registry],
    }),
    webhookFailures: new Counter({
      name: 'akkoord_webhook_failed_attempts_total',
      help: 'Webhook delivery attempts that failed',
      registers: [registry],
    }),
    mailQueue: new Gauge({
      name: 'akkoord_mail_queue',
      help: 'Mails in the outbox by status (pending, sent, dead, kept)',
      labelNames: ['status'],
      registers: [registry],
    }),
    mailSent: new Counter({
      name: 'akkoord_mail_sent_total',
      help: 'Mails this process handed to the mail server',
      registers: [registry],
    }),
    mailFailedAttempts: new Counter({
      name: 'akkoord_mail_failed_attempts_total',
      help: 'Mail send attempts that failed or timed out',
      registers: [registry],
    }),
    mailDead: new Counter({
      name: 'akkoord_mail_dead_total',
      help: 'Mails given up after their last attempt',
      registers: [registry],
    }),
    transactionRetries: new Counter({
      name: 'akkoord_db_transaction_retries_total',
      help: 'Transactions run again after a deadlock (40P01) or serialization failure (40001)',
      labelNames: ['code'],
      registers: [registry],
      collect() {
        this.reset();
        for (const code of ['40P01', '40001']) this.inc({ code }, retryCounts().get(code) ?? 0);
      },
    }),
    transactionRetriesExhausted: new Counter({
      name: 'akkoord_db_transaction_retries_exhausted_total',
      help: 'Transactions that still failed with a deadlock or serialization failure after the last attempt',
      registers: [registry],
      collect() {
        this.reset();
        this.inc(retryCounts().get('exhausted') ?? 0);
      },
    }),
    reviewsOverdue: new Gauge({
      name: 'akkoord_register_reviews_overdue',
      help: 'Processor agreements and DPIAs past their review date',
      labelNames: ['register'],
      registers: [registry],
    }),
    breachesOverdue: new Gauge({
      name: 'akkoord_breaches_overdue',
      help: 'Personal-data breaches whose notification to the authority is past its 72 hours',
      registers: [registry],
    }),
  };
}
