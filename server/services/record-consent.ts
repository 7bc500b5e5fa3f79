// The one way consent enters the ledger, whatever its source (banner, preference
// center, API, import, unsubscribe, expiry). In the caller's transaction it appends
// one chained event per changed decision, updates the current state and appends a
// `consent.updated` feed event (GDPR Art. 7(1) proof; Art. 19 for recipients).
import type { Kysely } from 'kysely';
import { isCommunicationPurpose, type TenantConfig } from '../../shared/schemas/config.js';
import type { ConsentSource, ConsentState, ConsentStatus, Decisions } from '../../shared/schemas/consent.js';
import type { AppContext } from '../context.js';
import type { ConsentEventsTable, ConsentStateTable, Database } from '../db/database.js';
import { ApiError } from '../errors.js';
import { newId } from '../ids.js';
import { getPublishedConfig, type PublishedConfig } from './config.js';
import { effectiveStatus, readStateRows, shapeState, type StateRow } from './consent-state.js';
import { appendFeedEvent } from './feed-events.js';
import { contextDigest, eventHash } from './ledger-hash.js';
import { lockLedgerHead, saveLedgerHead } from './ledger-head.js';

export interface ConsentChange {
  purpose: string;
  /** '' for a website purpose. */
  channel: string;
  status: ConsentStatus;
}

export interface RecordConsentInput {
  tenantId: string;
  subjectId: string;
  /** The config version the person saw; its purposes and notice texts are what they agreed to. */
  configVersion: number;
  locale: string;
  source: ConsentSource;
  changes: ConsentChange[];
  gpc?: boolean;
  ipTruncated?: string | null;
  userAgent?: string | null;
  clientEventId?: string | null;
  /** When consent captured elsewhere was given (forms, imports); expiry counts from it. */
  capturedAt?: string | null;
  /** The config version, if the caller already loaded it. */
  published?: PublishedConfig;
  /** The subject's state rows, if the caller already read them in this transaction. */
  currentRows?: StateRow[];
}

export interface RecordedEvent extends ConsentChange {
  seq: number;
  hash: string;
}

export interface RecordedConsent {
  consentId: string;
  occurredAt: string;
  events: RecordedEvent[];
  /** The ledger tip after this write: the last event's position and hash. */
  ledger: { seq: number; hash: string };
  /** Only the purposes this call changed, in the contract's state shape. */
  changed: ConsentState;
  /** The subject's whole state after the write. */
  state: ConsentState;
  configVersion: number;
  noticeHash: string;
  locale: string;
}

/**
 * Turns the contract's decisions into ledger changes, refusing what the config the
 * person saw does not allow: unknown purposes, unknown channels, a refused required
 * purpose (422). `false` withdraws what was granted and denies what was not.
 */
export function decisionsToChanges(
  config: TenantConfig,
  decisions: Decisions,
  current: StateRow[],
  options: { grantAs?: 'granted' | 'pending' } = {},
): ConsentChange[] {
  const changes: ConsentChange[] = [];
  const currentStatus = (purpose: string, channel: string) =>
    current.find((r) => r.purpose === purpose && r.channel === channel)?.status;
  const statusFor = (purpose: string, channel: string, value: boolean): ConsentStatus => {
    if (value) return options.grantAs ?? 'granted';
    const was = currentStatus(purpose, channel);
    return was === 'granted' || was === 'pending' || was === 'withdrawn' ? 'withdrawn' : 'denied';
  };
  for (const [key, decision] of Object.entries(decisions)) {
    const purpose = config.purposes.find((p) => p.key === key);
    if (!purpose) throw new ApiError(422, 'UNKNOWN_PURPOSE', `Unknown purpose "${key.slice(0, 40)}" in this configuration version`);
    if (isCommunicationPurpose(purpose)) {
      if (typeof decision !== 'object') {
        throw new ApiError(422, 'VALIDATION_FAILED', `Purpose "${key}" is given per channel, e.g. { "email": true }`);
      }
      for (const [channel, value] of Object.entries(decision)) {
        if (!purpose.channels!.includes(channel)) {
          throw new ApiError(422, 'VALIDATION_FAILED', `Purpose "${key}" has no channel "${channel.slice(0, 10)}"`);
        }
        changes.push({ purpose: key, channel, status: statusFor(key, channel, value) });
      }
    } else {
      if (typeof decision !== 'boolean') throw new ApiError(422, 'VALIDATION_FAILED', `Purpose "${key}" takes true or false`);
      if (purpose.required && !decision) {
        throw new ApiError(422, 'REQUIRED_PURPOSE', `Purpose "${key}" is required and cannot be refused`);
      }
      changes.push({ purpose: key, channel: '', status: purpose.required ? 'granted' : statusFor(key, '', decision) });
    }
  }
  return changes;
}

/**
 * Published versions never change, so they are kept in memory once read (keyed by
 * tenant and version; tenant ids are random, so stores in one process cannot mix).
 */
const seenConfigs = new Map<string, PublishedConfig>();
const SEEN_CONFIGS_MAX = 1000;

/** Loads the config version a client saw, or answers 422 when it never existed. */
export async function configSeen(db: Kysely<Database>, tenantId: string, version: number): Promise<PublishedConfig> {
  const key = `${tenantId}:${version}`;
  const cached = seenConfigs.get(key);
  if (cached) return cached;
  const found = await getPublishedConfig(db, tenantId, version);
  if (!found) throw new ApiError(422, 'STALE_CONFIG', `Configuration version ${version} does not exist`);
  if (seenConfigs.size >= SEEN_CONFIGS_MAX) seenConfigs.clear();
  seenConfigs.set(key, found);
  return found;
}

const DAY_MS = 86_400_000;
const sameSlot = (a: { purpose: string; channel: string }, b: { purpose: string; channel: string }) =>
  a.purpose === b.purpose && a.channel === b.channel;

/** What a write will do, worked out before anything is written (shared by both write paths). */
export interface ConsentPlan {
  config: TenantConfig;
  locale: string;
  noticeHash: string;
  occurredAt: string;
  consentId: string;
  /** The changes that differ from the current state: each becomes one ledger event. */
  changes: ConsentChange[];
}

/** Pure: the locale, notice hash and the changes that really change something. */
export function planConsent(input: RecordConsentInput, published: PublishedConfig, current: StateRow[], occurredAt: string): ConsentPlan {
  const { config } = published;
  const locale = config.locales.includes(input.locale) ? input.locale : config.defaultLocale;
  // One change per purpose and channel (the last one wins), so the multi-row upsert is valid.
  const unique = input.changes.filter((change, i) => !input.changes.slice(i + 1).some((later) => sameSlot(later, change)));
  const changes = unique.filter((change) => {
    const row = current.find((r) => sameSlot(r, change));
    // A grant past its expiry counts as expired: granting again is a change (it renews expires_at).
    return !row || row.status !== change.status || effectiveStatus(row, occurredAt) !== change.status
      || row.config_version !== input.configVersion;
  });
  return { config, locale, noticeHash: published.noticeHashes[locale], occurredAt, consentId: newId('cns'), changes };
}

export interface ChainedRows {
  eventRows: ConsentEventsTable[];
  stateRows: ConsentStateTable[];
  events: RecordedEvent[];
}

/** Pure: the plan's events chained onto the ledger tip `head`, and the state rows they leave. */
export function chainEvents(plan: ConsentPlan, input: RecordConsentInput, head: { seq: number; hash: string }): ChainedRows {
  let { seq, hash } = head;
  const ttlMs = (plan.config.consentTtlDays ?? 365) * DAY_MS;
  const digest = contextDigest(input.ipTruncated ?? null, input.userAgent ?? null);
  const givenAt = Date.parse(input.capturedAt ?? plan.occurredAt);
  const rows: ChainedRows = { eventRows: [], stateRows: [], events: [] };
  for (const change of plan.changes) {
    seq += 1;
    const fields = {
      tenant_id: input.tenantId,
      seq,
      consent_id: plan.consentId,
      subject_id: input.subjectId,
      purpose: change.purpose,
      channel: change.channel,
      status: change.status,
      config_version: input.configVersion,
      notice_hash: plan.noticeHash,
      locale: plan.locale,
      source: input.source,
      gpc: input.gpc ? 1 : 0,
      context_digest: digest,
      client_event_id: input.clientEventId ?? null,
      captured_at: input.capturedAt ?? null,
      occurred_at: plan.occurredAt,
      prev_hash: hash,
    } as const;
    hash = eventHash(fields);
    rows.eventRows.push({ ...fields, ip_truncated: input.ipTruncated ?? null, user_agent: input.userAgent ?? null, hash });
    rows.stateRows.push({
      tenant_id: input.tenantId,
      subject_id: input.subjectId,
      purpose: change.purpose,
      channel: change.channel,
      status: change.status,
      event_seq: seq,
      config_version: input.configVersion,
      source: input.source,
      updated_at: plan.occurredAt,
      expires_at: change.status === 'granted' ? new Date(givenAt + ttlMs).toISOString() : null,
    });
    rows.events.push({ ...change, seq, hash });
  }
  return rows;
}

/** Pure: the state rows after the write, and what the changed purposes now read. */
export function stateAfter(plan: ConsentPlan, current: StateRow[], written: ConsentStateTable[]): { rowsAfter: StateRow[]; changed: ConsentState } {
  const rowsAfter = written.length === 0 ? current : [
    ...current.filter((row) => !written.some((w) => sameSlot(w, row))),
    ...written.map(({ purpose, channel, status, expires_at, updated_at, source, config_version }) =>
      ({ purpose, channel, status, expires_at, updated_at, source, config_version })),
  ];
  const changedRows = rowsAfter.filter((r) => plan.changes.some((c) => sameSlot(c, r)));
  return { rowsAfter, changed: shapeState({ ...plan.config, purposes: [] }, changedRows, plan.occurredAt) };
}

/** The data of the `consent.updated` feed event a write appends. */
export function consentFeedData(changed: ConsentState, input: Pick<RecordConsentInput, 'source' | 'configVersion'>): Record<string, unknown> {
  return { state: changed, source: input.source, configVersion: input.configVersion };
}

/** Pure: the caller's answer, once the rows are written. `latest` is the subject's newest event when nothing changed. */
export function recordedConsent(
  plan: ConsentPlan,
  input: RecordConsentInput,
  after: { rowsAfter: StateRow[]; changed: ConsentState },
  events: RecordedEvent[],
  latest: { seq: number; hash: string } | undefined,
): RecordedConsent {
  const last = events.at(-1) ?? latest;
  return {
    consentId: plan.consentId,
    occurredAt: plan.occurredAt,
    events,
    ledger: last ? { seq: last.seq, hash: last.hash } : { seq: 0, hash: '' },
    changed: after.changed,
    state: shapeState(plan.config, after.rowsAfter, plan.occurredAt),
    configVersion: input.configVersion,
    noticeHash: plan.noticeHash,
    locale: plan.locale,
  };
}

/**
 * Records within the caller's transaction, which must be the one that made the subject.
 * A caller that already read the config version or the subject's state rows in this
 * transaction may pass them (`published`, `currentRows`) to spare the second read.
 * (The banner's hot path on SQLite writes the same rows synchronously: visitor-consents.ts.)
 */
export async function recordConsentIn(
  trx: Kysely<Database>,
  ctx: Pick<AppContext, 'clock'>,
  input: RecordConsentInput,
): Promise<RecordedConsent> {
  const published = input.published ?? (await configSeen(trx, input.tenantId, input.configVersion));
  const occurredAt = ctx.clock.now().toISOString();
  const current = input.currentRows ?? (await readStateRows(trx, input.tenantId, input.subjectId));
  const plan = planConsent(input, published, current, occurredAt);

  let chained: ChainedRows = { eventRows: [], stateRows: [], events: [] };
  if (plan.changes.length > 0) {
    chained = chainEvents(plan, input, await lockLedgerHead(trx, input.tenantId));
    const { eventRows, stateRows } = chained;
    // One statement each for the events and the state.
    await trx.insertInto('consent_events').values(eventRows).execute();
    await trx
      .insertInto('consent_state')
      .values(stateRows)
      .onConflict((oc) => oc.columns(['tenant_id', 'subject_id', 'purpose', 'channel']).doUpdateSet((eb) => ({
        status: eb.ref('excluded.status'),
        event_seq: eb.ref('excluded.event_seq'),
        config_version: eb.ref('excluded.config_version'),
        source: eb.ref('excluded.source'),
        updated_at: eb.ref('excluded.updated_at'),
        expires_at: eb.ref('excluded.expires_at'),
      })))
      .execute();
    const tip = chained.events.at(-1)!;
    await saveLedgerHead(trx, input.tenantId, tip.seq, tip.hash);
  }
  const after = stateAfter(plan, current, chained.stateRows);
  if (plan.changes.length > 0) {
    // An expiry is the system's doing, not the person's: it must not postpone the
    // retention rule for inactive subjects by another consent lifetime.
    const subject = input.source === 'expiry'
      ? await trx.selectFrom('subjects').select('external_id').where('id', '=', input.subjectId).executeTakeFirst()
      : await trx
        .updateTable('subjects')
        .set({ last_activity_at: occurredAt })
        .where('id', '=', input.subjectId)
        .returning('external_id')
        .executeTakeFirst();
    await appendFeedEvent(trx, input.tenantId, {
      type: 'consent.updated',
      subjectId: input.subjectId,
      externalId: subject?.external_id ?? null,
      data: consentFeedData(after.changed, input),
    }, occurredAt);
  }
  const latest = chained.events.length > 0 ? undefined : await latestEventOf(trx, input.tenantId, input.subjectId);
  return recordedConsent(plan, input, after, chained.events, latest);
}

async function latestEventOf(db: Kysely<Database>, tenantId: string, subjectId: string) {
  return db
    .selectFrom('consent_events')
    .select(['seq', 'hash'])
    .where('tenant_id', '=', tenantId)
    .where('subject_id', '=', subjectId)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** recordConsentIn in a transaction of its own. */
export function recordConsent(ctx: AppContext, input: RecordConsentInput): Promise<RecordedConsent> {
  return ctx.db.transaction().execute((trx) => recordConsentIn(trx, ctx, input));
}
