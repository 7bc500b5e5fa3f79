// The one way consent enters the ledger, whatever its source (banner, preference
// center, API, import, unsubscribe, expiry). In the caller's transaction it appends
// one chained event per changed decision, updates the current state and appends a
// `consent.updated` feed event (GDPR Art. 7(1) proof; Art. 19 for recipients).
import type { Kysely } from 'kysely';
import { isCommunicationPurpose, type TenantConfig } from '../../shared/schemas/config.js';
import type { ConsentSource, ConsentState, ConsentStatus, Decisions } from '../../shared/schemas/consent.js';
import type { AppContext } from '../context.js';
import type { Database } from '../db/database.js';
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

/** Loads the config version a client saw, or answers 422 when it never existed. */
export async function configSeen(db: Kysely<Database>, tenantId: string, version: number): Promise<PublishedConfig> {
  const found = await getPublishedConfig(db, tenantId, version);
  if (!found) throw new ApiError(422, 'STALE_CONFIG', `Configuration version ${version} does not exist`);
  return found;
}

const DAY_MS = 86_400_000;

/** Records within the caller's transaction, which must be the one that made the subject. */
export async function recordConsentIn(trx: Kysely<Database>, ctx: Pick<AppContext, 'clock'>, input: RecordConsentInput): Promise<RecordedConsent> {
  const published = await configSeen(trx, input.tenantId, input.configVersion);
  const { config } = published;
  const locale = config.locales.includes(input.locale) ? input.locale : config.defaultLocale;
  const noticeHash = published.noticeHashes[locale];
  const occurredAt = ctx.clock.now().toISOString();
  const consentId = newId('cns');
  const ttlMs = (config.consentTtlDays ?? 365) * DAY_MS;
  const digest = contextDigest(input.ipTruncated ?? null, input.userAgent ?? null);

  const current = await readStateRows(trx, input.tenantId, input.subjectId);
  const changes = input.changes.filter((change) => {
    const row = current.find((r) => r.purpose === change.purpose && r.channel === change.channel);
    // A grant past its expiry counts as expired: granting again is a change (it renews expires_at).
    return !row || row.status !== change.status || effectiveStatus(row, occurredAt) !== change.status
      || row.config_version !== input.configVersion;
  });

  const events: RecordedEvent[] = [];
  if (changes.length > 0) {
    let { seq, hash } = await lockLedgerHead(trx, input.tenantId);
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
      await trx
        .insertInto('consent_events')
        .values({ ...fields, ip_truncated: input.ipTruncated ?? null, user_agent: input.userAgent ?? null, hash })
        .execute();
      const givenAt = Date.parse(input.capturedAt ?? occurredAt);
      const state = {
        status: change.status,
        event_seq: seq,
        config_version: input.configVersion,
        source: input.source,
        updated_at: occurredAt,
        expires_at: change.status === 'granted' ? new Date(givenAt + ttlMs).toISOString() : null,
      };
      await trx
        .insertInto('consent_state')
        .values({ tenant_id: input.tenantId, subject_id: input.subjectId, purpose: change.purpose, channel: change.channel, ...state })
        .onConflict((oc) => oc.columns(['tenant_id', 'subject_id', 'purpose', 'channel']).doUpdateSet(state))
        .execute();
      events.push({ ...change, seq, hash });
    }
    await saveLedgerHead(trx, input.tenantId, seq, hash);
  }

  const rowsAfter = changes.length > 0 ? await readStateRows(trx, input.tenantId, input.subjectId) : current;
  const changedRows = rowsAfter.filter((r) => changes.some((c) => c.purpose === r.purpose && c.channel === r.channel));
  const changed = shapeState({ ...config, purposes: [] }, changedRows, occurredAt);
  if (changes.length > 0) {
    const subject = await trx.selectFrom('subjects').select('external_id').where('id', '=', input.subjectId).executeTakeFirst();
    await trx.updateTable('subjects').set({ last_activity_at: occurredAt }).where('id', '=', input.subjectId).execute();
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
