// The table interfaces Kysely types every query against. Portable on purpose:
// times are ISO 8601 strings, booleans are 0/1 integers and JSON is text, so one
// schema serves SQLite and PostgreSQL alike (STYLE.md, convention 3).
import type { Kysely, Transaction } from 'kysely';

/** 0 or 1: a boolean that stores the same on every dialect. */
export type Flag = 0 | 1;

export interface TenantsTable {
  id: string;
  name: string;
  /** JSON array of origins allowed to call the public endpoints. */
  allowed_origins: string;
  public_key: string;
  /** JSON object: ROPA fields, retention rules and other tenant-level settings. */
  settings: string;
  status: 'active' | 'offboarding';
  /** When an offboarding tenant's data is deleted. */
  delete_after: string | null;
  created_at: string;
}

export interface ApiKeysTable {
  id: string;
  tenant_id: string;
  /** SHA-256 of the secret key; the key itself is shown once and never stored. */
  key_hash: string;
  /** The first characters, so a person can tell keys apart in a listing. */
  prefix: string;
  /** JSON array of scopes. */
  scopes: string;
  created_at: string;
  revoked_at: string | null;
}

export interface ConfigVersionsTable {
  tenant_id: string;
  version: number;
  /** The published configuration, JSON. */
  config: string;
  /** JSON object locale -> SHA-256 of the notice texts shown in that locale. */
  notice_hashes: string;
  /** The version of the last material change: the banner asks again when it moves. */
  material_version: number;
  created_at: string;
}

export interface SubjectsTable {
  id: string;
  tenant_id: string;
  /** The id a marketing tool knows this person by; null for banner-only visitors. */
  external_id: string | null;
  /** AES-256-GCM ciphertexts and keyed hashes (for lookup) of the personal fields. */
  email_enc: string | null;
  email_hash: string | null;
  phone_enc: string | null;
  phone_hash: string | null;
  /** Encrypted JSON object of profile attributes. */
  attributes_enc: string | null;
  restricted: Flag;
  restriction_reason: string | null;
  objected_at: string | null;
  created_at: string;
  updated_at: string;
  last_activity_at: string;
  /** Set on a banner-only subject merged into a known one; its ledger events stay its own. */
  merged_into: string | null;
}

export interface SubjectVisitorsTable {
  tenant_id: string;
  /** SHA-256 of the widget's visitor id: that id is the browser's secret. */
  visitor_hash: string;
  subject_id: string;
  created_at: string;
}

/** The consent ledger: append-only, one row per decision, chained by hash per tenant. */
export interface ConsentEventsTable {
  tenant_id: string;
  /** Position in the tenant's chain, from 1. */
  seq: number;
  /** The consent call (cns_...) this decision was part of. */
  consent_id: string;
  subject_id: string;
  purpose: string;
  /** '' for a website purpose, else the communication channel. */
  channel: string;
  status: 'granted' | 'denied' | 'withdrawn' | 'pending' | 'expired';
  config_version: number;
  notice_hash: string;
  locale: string;
  source: string;
  gpc: Flag;
  /** Request context; set to null when the subject is erased. */
  ip_truncated: string | null;
  user_agent: string | null;
  /** SHA-256 over the request context, so the chain still verifies once it is erased. */
  context_digest: string;
  client_event_id: string | null;
  captured_at: string | null;
  occurred_at: string;
  prev_hash: string;
  hash: string;
}

/** The head of each tenant's chains; updating it first serialises writers on PostgreSQL. */
export interface LedgerHeadsTable {
  tenant_id: string;
  ledger_seq: number;
  ledger_hash: string;
  feed_seq: number;
  audit_seq: number;
}

export interface ConsentStateTable {
  tenant_id: string;
  subject_id: string;
  purpose: string;
  channel: string;
  status: 'granted' | 'denied' | 'withdrawn' | 'pending' | 'expired';
  /** The ledger position that set this status. */
  event_seq: number;
  config_version: number;
  source: string;
  updated_at: string;
  /** When a granted consent stops counting (consentTtlDays after it was given). */
  expires_at: string | null;
}

/** The first answer to a clientEventId, so a retried request stores nothing twice. */
export interface IdempotencyKeysTable {
  tenant_id: string;
  client_event_id: string;
  response: string;
  created_at: string;
}

export interface RecordsTable {
  id: string;
  tenant_id: string;
  subject_id: string;
  dataset: string;
  /** Encrypted JSON of the record. */
  data_enc: string;
  created_at: string;
}

export interface RequestsTable {
  id: string;
  tenant_id: string;
  subject_id: string | null;
  type: string;
  status: string;
  /** JSON: what the request covers (erasure data sets, restriction reason ...). */
  scope: string;
  origin: 'api' | 'preference_center' | 'retention' | 'unsubscribe';
  received_at: string;
  due_at: string;
  extended_at: string | null;
  extension_reason: string | null;
  completed_at: string | null;
  /** JSON outcome without personal data. */
  outcome: string | null;
  /** JSON: how and when the subject was told of the extension (GDPR-20). */
  extension_notice: string | null;
}

export interface FeedEventsTable {
  tenant_id: string;
  /** Gap-free position per tenant, assigned under the ledger head lock. */
  seq: number;
  id: string;
  type: string;
  subject_id: string | null;
  external_id: string | null;
  data: string;
  occurred_at: string;
  /** The whole event as the feed and webhooks serve it (feedEventJson), built when it is written. */
  event_json: string;
}

export interface WebhooksTable {
  id: string;
  tenant_id: string;
  url: string;
  /** JSON array of event types; empty means all. */
  types: string;
  secret_enc: string;
  created_at: string;
  disabled_at: string | null;
  /** The last feed position turned into deliveries for this webhook. */
  feed_cursor: number;
}

export interface WebhookDeliveriesTable {
  /** The Standard Webhooks `webhook-id`, the same on every retry. */
  id: string;
  tenant_id: string;
  webhook_id: string;
  event_id: string;
  event_seq: number;
  payload: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: string;
  last_status_code: number | null;
  created_at: string;
  delivered_at: string | null;
}

export interface DeliveryAttemptsTable {
  delivery_id: string;
  tenant_id: string;
  attempt: number;
  attempted_at: string;
  status_code: number | null;
  error: string | null;
}

export interface AuditLogTable {
  tenant_id: string;
  seq: number;
  id: string;
  /** key_... or 'data_subject' or 'system' or 'bootstrap'. */
  actor: string;
  action: string;
  /** Ids only, never personal data. */
  target: string | null;
  details: string;
  occurred_at: string;
}

/** One-time and short-lived tokens: sign-in links, signed links, double opt-in. */
export interface TokensTable {
  token_hash: string;
  tenant_id: string;
  kind: 'login' | 'preferences' | 'unsubscribe' | 'visitor' | 'double_opt_in';
  subject_id: string | null;
  data: string;
  expires_at: string | null;
  used_at: string | null;
  created_at: string;
}

export interface SessionsTable {
  id_hash: string;
  tenant_id: string;
  subject_id: string;
  csrf_token: string;
  expires_at: string;
  created_at: string;
}

export interface OutboxTable {
  id: string;
  tenant_id: string | null;
  subject_id: string | null;
  /** Encrypted recipient address. */
  to_enc: string;
  subject: string;
  /** Encrypted JSON { text, html, headers }. */
  body_enc: string;
  created_at: string;
  sent_at: string | null;
}

/** What is left of an erased subject: keyed hashes of identifiers, no personal data. */
export interface TombstonesTable {
  id: string;
  tenant_id: string;
  subject_id: string;
  /** JSON array of keyed hashes (e-mail, phone, external id). */
  identifier_hashes: string;
  request_id: string | null;
  erased_at: string;
}

/** One row per identifier hash of a tombstone, so a returning person is found by index. */
export interface TombstoneIdentifiersTable {
  tenant_id: string;
  /** `email:<hmac>`, `phone:<hmac>` or `external:<hmac>`. */
  identifier_hash: string;
  tombstone_id: string;
}

export interface SigningKeysTable {
  kid: string;
  /** The private JWK, encrypted with a key derived from AKKOORD_SECRET. */
  private_enc: string;
  public_jwk: string;
  created_at: string;
  retired_at: string | null;
}

/** Events that must outlive a tenant, such as its deletion. */
export interface SystemLogTable {
  id: string;
  action: string;
  tenant_id: string | null;
  details: string;
  occurred_at: string;
}

export interface Database {
  tenants: TenantsTable;
  api_keys: ApiKeysTable;
  config_versions: ConfigVersionsTable;
  subjects: SubjectsTable;
  subject_visitors: SubjectVisitorsTable;
  consent_events: ConsentEventsTable;
  ledger_heads: LedgerHeadsTable;
  consent_state: ConsentStateTable;
  idempotency_keys: IdempotencyKeysTable;
  records: RecordsTable;
  requests: RequestsTable;
  feed_events: FeedEventsTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  delivery_attempts: DeliveryAttemptsTable;
  audit_log: AuditLogTable;
  tokens: TokensTable;
  sessions: SessionsTable;
  outbox: OutboxTable;
  tombstones: TombstonesTable;
  tombstone_identifiers: TombstoneIdentifiersTable;
  signing_keys: SigningKeysTable;
  system_log: SystemLogTable;
}

export type Db = Kysely<Database>;
export type Tx = Transaction<Database>;
/** A query target: the database or an open transaction. */
export type Queryable = Kysely<Database>;
