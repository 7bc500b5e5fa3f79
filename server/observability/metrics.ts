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
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  return {
    registry,
    httpRequests: new Counter({ name: 'akkoord_http_requests_total', help: 'HTTP requests by route and status', labelNames: ['method', 'route', 'status'], registers: [registry] }),
    httpDuration: new Histogram({
      name: 'akkoord_http_request_duration_seconds', help: 'HTTP request duration', labelNames: ['method', 'route'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [registry],
    }),
    consentWrites: new Counter({ name: 'akkoord_consent_writes_total', help: 'Consent calls that changed the ledger, by source', labelNames: ['source'], registers: [registry] }),
    feedLag: new Gauge({ name: 'akkoord_feed_lag_seconds', help: 'Age of the newest feed event at scrape time', registers: [registry] }),
    webhookQueueDepth: new Gauge({ name: 'akkoord_webhook_deliveries', help: 'Webhook deliveries by status', labelNames: ['status'], registers: [registry] }),
    webhookFailures: new Counter({ name: 'akkoord_webhook_failed_attempts_total', help: 'Webhook delivery attempts that failed', registers: [registry] }),
  };
}
