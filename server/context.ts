// What every route and service gets: the store, the frozen config, the clock, the
// mail queue and the keys derived from the root secret. Built once by createApp.
import type { Kysely } from 'kysely';
import type { Clock } from './clock.js';
import type { AppConfig } from './config.js';
import type { Database } from './db/database.js';
import type { Store } from './db/create-db.js';
import type { Keyring } from './keyring.js';
import type { Mailer } from './mail/mailer.js';
import type { MailQueue } from './mail/queue.js';
import type { Logger } from './observability/logger.js';
import type { Metrics } from './observability/metrics.js';
import type { RateLimitName } from './config.js';
import type { RateLimiter } from './rate-limiter.js';

export interface AppContext {
  store: Store;
  db: Kysely<Database>;
  config: AppConfig;
  clock: Clock;
  /** Queues mail (the queue's worker sends it). */
  mailer: Mailer;
  mailQueue: MailQueue;
  keyring: Keyring;
  logger: Logger;
  metrics: Metrics;
  /** One limiter per configured limit; a limit switched off never refuses. */
  rateLimits: Record<RateLimitName, RateLimiter>;
}
