// The table interfaces Kysely types every query against. Portable on purpose:
// times are ISO 8601 strings, booleans are 0/1 integers and JSON is text, so one
// schema serves SQLite and PostgreSQL alike (only server/db knows the dialect).
import type { Kysely } from 'kysely';

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
  /** What the key is for ("mailchimp-sync"), so the audit log can name the integration. */
  name: string | null;
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
  status: 'granted' | 'denied' | 'withdrawn' | 'pending' | 'expired' | 'objected';
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
  /** Why the status differs from what was asked: 'objected' or 'objection_lifted' (Art. 21); null otherwise. */
  reason: string | null;
  /** Which banner control made the choice (accept_all, reject_all, save_choices, placeholder, script); null otherwise. */
  interaction: string | null;
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
  status: 'granted' | 'denied' | 'withdrawn' | 'pending' | 'expired' | 'objected';
  /** The ledger position that set this status. */
  event_seq: number;
  config_version: number;
  source: string;
  updated_at: string;
  /** When a granted consent stops counting (consentTtlDays after it was given). */
  expires_at: string | null;
  /** When the person's own grant lifted their objection for this purpose and channel; null until then. */
  objection_lifted_at: string | null;
}

/** A stored answer per tenant, owner and clientEventId; see services/idempotency.ts. */
export interface IdempotencyKeysTable {
  tenant_id: string;
  /** `v:` and the banner visitor's hash, or `s:` and the subject id (captured consent). */
  owner: string;
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
  /** How a request registered by hand came in: email, letter, phone, in_person, web_form, other. */
  channel: string | null;
  /** JSON { method, by, at }: how the person's identity was checked before it ran (Art. 12(6)). */
  identity_check: string | null;
  /** An objection's reason in the person's words, encrypted; null when none was given or the person was erased. */
  reason_enc: string | null;
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
  /** While set, deliveries wait (pending) instead of being sent. */
  paused_at: string | null;
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
  /** objection: the one-click "no direct marketing at all" link beside an unsubscribe link. */
  kind:
    'login' | 'preferences' | 'unsubscribe' | 'objection' | 'visitor' | 'double_opt_in' | 'export';
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
  /** 'high' after e-mail sign-in or step-up; 'low' from a tool's link or the banner's visitor link. */
  assurance: 'high' | 'low';
  /** How the session began: 'login', 'preferences' (a tool's link), 'visitor' or 'unknown'. */
  via: string;
  /** The link (lnk_...) that opened a link session. */
  link_id: string | null;
  /** The key (key_...) that minted that link. */
  key_id: string | null;
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
  /** pending: to be sent; sent; dead: given up after the last attempt; kept: no transport, never sent. */
  status: 'pending' | 'sent' | 'dead' | 'kept';
  attempts: number;
  /** When a pending mail is next due (or until when a sender holds it). */
  next_attempt_at: string | null;
  /** A short cause of the last failure (an error code), never the server's text. */
  last_error: string | null;
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

/** A person who works in the console; the e-mail is encrypted and found by keyed hash. */
export interface StaffTable {
  id: string;
  email_enc: string;
  email_hash: string;
  /** Encrypted display name, shown in the console's audit log instead of the id. */
  name_enc: string | null;
  created_at: string;
}

/** What a staff member may do for one tenant: a role, which is a set of scopes. */
export interface StaffRolesTable {
  tenant_id: string;
  staff_id: string;
  role: string;
  created_at: string;
}

/** One-time sign-in links, stored only as keyed hashes. */
export interface StaffTokensTable {
  token_hash: string;
  staff_id: string;
  tenant_id: string;
  expires_at: string;
  used_at: string | null;
  created_at: string;
}

/** Console sessions: the cookie's id, hashed; one tenant at a time. */
export interface StaffSessionsTable {
  id_hash: string;
  staff_id: string;
  tenant_id: string;
  csrf_token: string;
  expires_at: string;
  created_at: string;
}

/** A staff member's passkey (WebAuthn credential): its public key and signature counter. */
export interface StaffPasskeysTable {
  id: string;
  staff_id: string;
  /** The COSE public key, base64url. */
  public_key: string;
  counter: number;
  /** JSON array of transports the authenticator named. */
  transports: string;
  name: string;
  created_at: string;
  last_used_at: string | null;
}

/** WebAuthn challenges, each usable once and for five minutes. */
export interface StaffChallengesTable {
  challenge: string;
  kind: 'register' | 'authenticate';
  /** The person registering; null for a sign-in, where the passkey names the person. */
  staff_id: string | null;
  expires_at: string;
}

/**
 * Facts about the installation: `secret_fingerprint` (a keyed hash derived from the root
 * secret, never the secret) and, only inside a file written by `akkoord backup`,
 * `backup_secret` (the secret sealed with the operator's passphrase).
 */
export interface InstanceMetaTable {
  key: string;
  value: string;
  updated_at: string;
}

/** A personal-data breach (Art. 33(5)); `details` is the JSON of the register fields, no personal data. */
export interface BreachesTable {
  id: string;
  tenant_id: string;
  aware_at: string;
  /** aware_at + 72 hours (Art. 33(1)). */
  due_at: string;
  notification_required: Flag;
  ap_notified_at: string | null;
  details: string;
  people_told: number;
  people_told_at: string | null;
  /** When breach.deadline_near was written to the feed; set once. */
  deadline_warned_at: string | null;
  created_at: string;
  updated_at: string;
}

/** One row per person sent a breach's Art. 34 notice: who was told and when. */
export interface BreachNoticesTable {
  tenant_id: string;
  breach_id: string;
  subject_id: string;
  sent_at: string;
}

/** A processor of the tenant (Art. 28); `details` is the JSON of the register fields. */
export interface ProcessorsTable {
  id: string;
  tenant_id: string;
  name: string;
  details: string;
  /** YYYY-MM-DD, when the agreement is due for review. */
  review_date: string | null;
  created_at: string;
  updated_at: string;
}

/** The DPIA record of one purpose (Art. 35); `details` is the JSON of the register fields. */
export interface DpiasTable {
  tenant_id: string;
  purpose: string;
  details: string;
  review_date: string | null;
  updated_at: string;
}

/** A signed checkpoint replacing the ledger events pruned up to `seq` (proof retention). */
export interface LedgerCheckpointsTable {
  tenant_id: string;
  seq: number;
  /** The chain hash at seq. */
  hash: string;
  /** Running digest of the events kept at or before seq (current consent states). */
  kept_digest: string;
  kept_count: number;
  /** Events pruned up to here, all checkpoints together. */
  pruned: number;
  kid: string;
  /** Compact JWS over the checkpoint (ledger-checkpoint.ts). */
  jws: string;
  created_at: string;
}

export interface Database {
  staff: StaffTable;
  staff_passkeys: StaffPasskeysTable;
  staff_challenges: StaffChallengesTable;
  staff_roles: StaffRolesTable;
  staff_tokens: StaffTokensTable;
  staff_sessions: StaffSessionsTable;
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
  instance_meta: InstanceMetaTable;
  breaches: BreachesTable;
  breach_notices: BreachNoticesTable;
  processors: ProcessorsTable;
  dpias: DpiasTable;
  ledger_checkpoints: LedgerCheckpointsTable;
  disclosures: DisclosuresTable;
  insight_decisions: InsightDecisionsTable;
  insight_choices: InsightChoicesTable;
  insight_cursors: InsightCursorsTable;
  kept_records: KeptRecordsTable;
}

/** Art. 19: a recipient that received some of a person's data; ids and category names, never the data. */
export interface DisclosuresTable {
  tenant_id: string;
  subject_id: string;
  /** 'webhook' or 'key' (an API key that read the person, alone or in an audience). */
  recipient_kind: string;
  recipient_id: string;
  /** Category names, sorted, comma-separated: external_id, consent, email, phone, attributes. */
  categories: string;
  first_at: string;
  last_at: string;
}

/** Ledger events counted per day (UTC), purpose, status and context; no person in it. */
export interface InsightDecisionsTable {
  tenant_id: string;
  day: string;
  purpose: string;
  status: string;
  /** The banner control, or '' when the write had none (API, import, expiry ...). */
  interaction: string;
  gpc: Flag;
  locale: string;
  config_version: number;
  count: number;
}

/** Consent calls counted per day (UTC) and the control that made them. */
export type InsightChoicesTable = Omit<InsightDecisionsTable, 'purpose' | 'status'>;

/** How far each tenant's ledger has been counted into the insight tables. */
export interface InsightCursorsTable {
  tenant_id: string;
  ledger_seq: number;
  last_consent_id: string;
}

/** A query target: the database or an open transaction. */
export type Queryable = Kysely<Database>;

/** Art. 17(3)(b): a record kept by law after its person was erased, until `keep_until`. */
export interface KeptRecordsTable {
  id: string;
  tenant_id: string;
  dataset: string;
  /** The record's ciphertext, as it was in `records`. */
  data_enc: string;
  created_at: string;
  keep_until: string;
  /** The law it is kept for, as configured when it was kept. */
  basis: string;
  request_id: string | null;
  tombstone_id: string | null;
  kept_at: string;
}
