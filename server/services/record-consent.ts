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

/**
 * Records within the caller's transaction, which must be the one that made the subject.
 * A caller that already read the config version or the subject's state rows in this
 * transaction may pass them (`published`, `currentRows`) to spare the second read.
 */
export async function recordConsentIn(
  trx: Kysely<Database>,
  ctx: Pick<AppContext, 'clock'>,
  input: RecordConsentInput,
): Promise<RecordedConsent> {
  const published = input.published ?? (await configSeen(trx, input.tenantId, input.configVersion));
  const { config } = published;
  const locale = config.locales.includes(input.locale) ? input.locale : config.defaultLocale;
  const noticeHash = published.noticeHashes[locale];
  const occurredAt = ctx.clock.now().toISOString();
  const consentId = newId('cns');
  const ttlMs = (config.consentTtlDays ?? 365) * DAY_MS;
  const digest = contextDigest(input.ipTruncated ?? null, input.userAgent ?? null);

  const current = input.currentRows ?? (await readStateRows(trx, input.tenantId, input.subjectId));
  // One change per purpose and channel (the last one wins), so the multi-row upsert below is valid.
  const unique = input.changes.filter((change, i) => !input.changes.slice(i + 1).some((later) => sameSlot(later, change)));
  const changes = unique.filter((change) => {
    const row = current.find((r) => sameSlot(r, change));
    // A grant past its expiry counts as expired: granting again is a change (it renews expires_at).
    return !row || row.status !== change.status || effectiveStatus(row, occurredAt) !== change.status
      || row.config_version !== input.configVersion;
  });

  const events: RecordedEvent[] = [];
  let rowsAfter = current;
  if (changes.length > 0) {
    let { seq, hash } = await lockLedgerHead(trx, input.tenantId);
    const eventRows: ConsentEventsTable[] = [];
    const stateRows: ConsentStateTable[] = [];
    const givenAt = Date.parse(input.capturedAt ?? occurredAt);
    for (const change of changes) {
      seq += 1;
      const fields = {
        tenant_id: input.tenantId,
        seq,
        consent_id: consentId,
        subject_id: input.subjectId,
        purpose: change.purpose,
        channel: change.channel,
        status: change.status,
        config_version: input.configVersion,
        notice_hash: noticeHash,
        locale,
        source: input.source,
        gpc: input.gpc ? 1 : 0,
        context_digest: digest,
        client_event_id: input.clientEventId ?? null,
        captured_at: input.capturedAt ?? null,
        occurred_at: occurredAt,
        prev_hash: hash,
      } as const;
      hash = eventHash(fields);
      eventRows.push({ ...fields, ip_truncated: input.ipTruncated ?? null, user_agent: input.userAgent ?? null, hash });
      stateRows.push({
        tenant_id: input.tenantId,
        subject_id: input.subjectId,
        purpose: change.purpose,
        channel: change.channel,
        status: change.status,
        event_seq: seq,
        config_version: input.configVersion,
        source: input.source,
        updated_at: occurredAt,
        expires_at: change.status === 'granted' ? new Date(givenAt + ttlMs).toISOString() : null,
      });
      events.push({ ...change, seq, hash });
    }
    // One statement each for the events and the state: the hot path of every consent write.
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
    await saveLedgerHead(trx, input.tenantId, seq, hash);
    rowsAfter = [
      ...current.filter((row) => !stateRows.some((written) => sameSlot(written, row))),
      ...stateRows.map(({ purpose, channel, status, expires_at, updated_at, source, config_version }) =>
        ({ purpose, channel, status, expires_at, updated_at, source, config_version })),
    ];
  }

  const changedRows = rowsAfter.filter((r) => changes.some((c) => sameSlot(c, r)));
  const changed = shapeState({ ...config, purposes: [] }, changedRows, occurredAt);
  if (changes.length > 0) {
    const subject = await trx
      .updateTable('subjects')
      .set({ last_activity_at: occurredAt })
      .where('id', '=', input.subjectId)
      .returning('external_id')
      .executeTakeFirst();
    await appendFeedEvent(trx, input.tenantId, {
      type: 'consent.updated',
      subjectId: input.subjectId,
      externalId: subject?.external_id ?? null,
      data: { state: changed, source: input.source, configVersion: input.configVersion },
    }, occurredAt);
  }
  const last = events.at(-1) ?? (await latestEventOf(trx, input.tenantId, input.subjectId));
  return {
    consentId,
    occurredAt,
    events,
    ledger: last ? { seq: last.seq, hash: last.hash } : { seq: 0, hash: '' },
    changed,
    state: shapeState(config, rowsAfter, occurredAt),
    configVersion: input.configVersion,
    noticeHash,
    locale,
  };
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
