// The rules of a consent write, pure: which decisions a config allows, what an
// objection does to a grant, which changes are real, how events chain and what the
// caller is answered. consent-write-plan.ts turns them into the rows of one write
// (chained events, state, feed event: GDPR Art. 7(1) proof; Art. 19 for recipients),
// and consent-write.ts runs that write for every source on both databases.
import type { Kysely } from 'kysely';
import {
  isCommunicationPurpose,
  isMarketingPurpose,
  isNoticeOnlyPurpose,
  isObjectablePurpose,
  type TenantConfig,
} from '../../../shared/schemas/config.js';
import type {
  ConsentSource,
  ConsentState,
  ConsentStatus,
  Decisions,
} from '../../../shared/schemas/consent.js';
import type { ConsentInteraction } from '../../../shared/schemas/consents.js';
import type { LedgerCursor } from '../../db/consent-writer.js';
import type { ConsentEventsTable, ConsentStateTable, Database } from '../../db/database.js';
import { ApiError } from '../../errors.js';
import { getPublishedConfig, type PublishedConfig } from '../config/config.js';
import { effectiveStatus, shapeState, type StateRow } from './consent-state.js';
import { consentExpiresAt } from './consent-lifetime.js';
import { contextDigest, eventHash } from '../ledger/ledger-hash.js';

export interface ConsentChange {
  purpose: string;
  /** '' for a website purpose. */
  channel: string;
  status: ConsentStatus;
  /** Set by planConsent under an objection (Art. 21): why the recorded status is what it is. */
  reason?: 'objected' | 'objection_lifted';
  /** Set by planConsent: when the objection was lifted for this purpose and channel (kept on the state row). */
  objectionLiftedAt?: string | null;
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
  /** Which banner control made the choice (accept_all, ..., script); only the banner's writes have one. */
  interaction?: ConsentInteraction | null;
  ipTruncated?: string | null;
  userAgent?: string | null;
  clientEventId?: string | null;
  /** When consent captured elsewhere was given (forms, imports); expiry counts from it. */
  capturedAt?: string | null;
  /** The config version, if the caller already loaded it. */
  published?: PublishedConfig;
  /** The subject's state rows, if the caller already read them in this transaction. */
  currentRows?: StateRow[];
  /** The subject's objection to direct marketing, if the caller already read it (recordConsentIn reads it when needed). */
  objectedAt?: string | null;
  /**
   * Whether the person made this decision themselves. Defaults to true for the banner and
   * the preference center; a double opt-in confirmation passes true; tools and imports are
   * not the person. Only the person's own grant lifts their objection.
   */
  byPerson?: boolean;
  /**
   * Set by a caller that made the subject in this transaction: it has no state, events,
   * objection or stored answers yet, so the write reads nothing of it.
   */
  madeNow?: { externalId: string | null };
  /**
   * The head as the caller's lockLedgerHead returned it in this transaction, when nothing has
   * written to the ledger or the feed since: the write need not read it again.
   */
  lockedHead?: LedgerCursor;
}

export interface RecordedEvent {
  purpose: string;
  channel: string;
  status: ConsentStatus;
  reason?: 'objected' | 'objection_lifted';
  seq: number;
  hash: string;
}

export interface RecordedConsent {
  consentId: string;
  occurredAt: string;
  events: RecordedEvent[];
  /** The ledger tip after this write: the last event's position and hash. */
  ledger: { seq: number; hash: string };
  /** Only the purposes this call changed, in the API's state shape. */
  changed: ConsentState;
  /** The subject's whole state after the write. */
  state: ConsentState;
  configVersion: number;
  noticeHash: string;
  locale: string;
}

/**
 * Turns the API's decisions into ledger changes, refusing what the config the
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
    if (!purpose)
      throw new ApiError(
        422,
        'UNKNOWN_PURPOSE',
        `Unknown purpose "${key.slice(0, 40)}" in this configuration version`,
      );
    if (isCommunicationPurpose(purpose)) {
      if (typeof decision !== 'object') {
        throw new ApiError(
          422,
          'VALIDATION_FAILED',
          `Purpose "${key}" is given per channel, e.g. { "email": true }`,
        );
      }
      for (const [channel, value] of Object.entries(decision)) {
        if (!purpose.channels!.includes(channel)) {
          throw new ApiError(
            422,
            'VALIDATION_FAILED',
            `Purpose "${key}" has no channel "${channel.slice(0, 10)}"`,
          );
        }
        changes.push({ purpose: key, channel, status: statusFor(key, channel, value) });
      }
    } else {
      if (typeof decision !== 'boolean')
        throw new ApiError(422, 'VALIDATION_FAILED', `Purpose "${key}" takes true or false`);
      if (purpose.required && !decision) {
        throw new ApiError(
          422,
          'REQUIRED_PURPOSE',
          `Purpose "${key}" is required and cannot be refused`,
        );
      }
      if (isNoticeOnlyPurpose(purpose)) {
        throw new ApiError(
          422,
          'NOT_A_CONSENT_PURPOSE',
          `Purpose "${key}" rests on ${purpose.legalBasis.replace('_', ' ')}: there is nothing to consent to or refuse`,
        );
      }
      // Legitimate interest or public task: on unless the person objects (Art. 21(1)); `false`
      // objects, `true` lifts an objection and is nothing to record without one.
      if (isObjectablePurpose(purpose)) {
        const objected = currentStatus(key, '') === 'objected';
        if (!decision)
          changes.push({ purpose: key, channel: '', status: 'objected', reason: 'objected' });
        else if (objected)
          changes.push({
            purpose: key,
            channel: '',
            status: 'granted',
            reason: 'objection_lifted',
          });
        continue;
      }
      changes.push({
        purpose: key,
        channel: '',
        status: purpose.required ? 'granted' : statusFor(key, '', decision),
      });
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
export async function configSeen(
  db: Kysely<Database>,
  tenantId: string,
  version: number,
): Promise<PublishedConfig> {
  const key = `${tenantId}:${version}`;
  const cached = seenConfigs.get(key);
  if (cached) return cached;
  const found = await getPublishedConfig(db, tenantId, version);
  if (!found)
    throw new ApiError(422, 'STALE_CONFIG', `Configuration version ${version} does not exist`);
  if (seenConfigs.size >= SEEN_CONFIGS_MAX) seenConfigs.clear();
  seenConfigs.set(key, found);
  return found;
}

const sameSlot = (
  a: { purpose: string; channel: string },
  b: { purpose: string; channel: string },
) => a.purpose === b.purpose && a.channel === b.channel;

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

const isMarketingPlain = (config: TenantConfig, key: string): boolean => {
  const purpose = config.purposes.find((p) => p.key === key);
  return purpose !== undefined && isMarketingPurpose(purpose);
};

const isObjectableKey = (config: TenantConfig, key: string): boolean => {
  const purpose = config.purposes.find((p) => p.key === key);
  return purpose !== undefined && isObjectablePurpose(purpose);
};

const byPersonDefault = (input: Pick<RecordConsentInput, 'source' | 'byPerson'>): boolean =>
  input.byPerson ?? (input.source === 'banner' || input.source === 'preference_center');

/**
 * Pure: an objection to direct marketing (Art. 21(3)) outranks any grant from a tool or an
 * import: it is recorded as refused with reason `objected`. The person's own grant lifts
 * the objection for that purpose and channel only (reason `objection_lifted`). A pending
 * grant (double opt-in) stays pending: it asks the person, whose confirmation decides.
 */
export function applyObjection(
  config: TenantConfig,
  changes: ConsentChange[],
  current: StateRow[],
  objectedAt: string | null,
  byPerson: boolean,
  occurredAt: string,
): ConsentChange[] {
  return changes.flatMap((change) => {
    // Only the person lifts their objection to a purpose on legitimate interest (Art. 21(1)).
    if (change.reason === 'objection_lifted' && !byPerson) return [];
    const liftedAt = current.find((r) => sameSlot(r, change))?.objection_lifted_at ?? null;
    const kept = { ...change, objectionLiftedAt: liftedAt };
    if (
      objectedAt === null ||
      liftedAt !== null ||
      change.status !== 'granted' ||
      !isMarketingPlain(config, change.purpose)
    )
      return kept;
    return byPerson
      ? { ...kept, reason: 'objection_lifted' as const, objectionLiftedAt: occurredAt }
      : { ...kept, status: 'denied' as const, reason: 'objected' as const };
  });
}

/** Pure: the locale, notice hash and the changes that really change something. */
export function planConsent(
  input: RecordConsentInput,
  published: PublishedConfig,
  current: StateRow[],
  occurredAt: string,
  consentId: string,
): ConsentPlan {
  const { config } = published;
  const locale = config.locales.includes(input.locale) ? input.locale : config.defaultLocale;
  const ruled = applyObjection(
    config,
    input.changes,
    current,
    input.objectedAt ?? null,
    byPersonDefault(input),
    occurredAt,
  );
  // One change per purpose and channel (the last one wins), so the multi-row upsert is valid.
  const unique = ruled.filter(
    (change, i) => !ruled.slice(i + 1).some((later) => sameSlot(later, change)),
  );
  const changes = unique.filter((change) => {
    const row = current.find((r) => sameSlot(r, change));
    // A grant past its expiry counts as expired: granting again is a change (it renews expires_at).
    return (
      !row ||
      row.status !== change.status ||
      effectiveStatus(row, occurredAt) !== change.status ||
      row.config_version !== input.configVersion
    );
  });
  return {
    config,
    locale,
    noticeHash: published.noticeHashes[locale],
    occurredAt,
    consentId,
    changes,
  };
}

export interface ChainedRows {
  eventRows: ConsentEventsTable[];
  stateRows: ConsentStateTable[];
  events: RecordedEvent[];
}

/** Pure: the plan's events chained onto the ledger tip `head`, and the state rows they leave. */
export function chainEvents(
  plan: ConsentPlan,
  input: RecordConsentInput,
  head: { seq: number; hash: string },
): ChainedRows {
  let { seq, hash } = head;
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
      reason: change.reason ?? null,
      interaction: input.interaction ?? null,
      occurred_at: plan.occurredAt,
      prev_hash: hash,
    } as const;
    hash = eventHash(fields);
    rows.eventRows.push({
      ...fields,
      ip_truncated: input.ipTruncated ?? null,
      user_agent: input.userAgent ?? null,
      hash,
    });
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
      // The purpose's own lifetime when it has one (GDPR-12), else the banner's.
      // A lifted objection is no consent: it does not expire.
      expires_at:
        change.status === 'granted' && !isObjectableKey(plan.config, change.purpose)
          ? consentExpiresAt(plan.config, change.purpose, givenAt)
          : null,
      objection_lifted_at: change.objectionLiftedAt ?? null,
    });
    rows.events.push({
      purpose: change.purpose,
      channel: change.channel,
      status: change.status,
      ...(change.reason ? { reason: change.reason } : {}),
      seq,
      hash,
    });
  }
  return rows;
}

/** Pure: the state rows after the write, and what the changed purposes now read. */
export function stateAfter(
  plan: ConsentPlan,
  current: StateRow[],
  written: ConsentStateTable[],
): { rowsAfter: StateRow[]; changed: ConsentState } {
  const rowsAfter =
    written.length === 0
      ? current
      : [
          ...current.filter((row) => !written.some((w) => sameSlot(w, row))),
          ...written.map(
            ({
              purpose,
              channel,
              status,
              expires_at,
              updated_at,
              source,
              config_version,
              objection_lifted_at,
            }) => ({
              purpose,
              channel,
              status,
              expires_at,
              updated_at,
              source,
              config_version,
              objection_lifted_at,
            }),
          ),
        ];
  const changedRows = rowsAfter.filter((r) => plan.changes.some((c) => sameSlot(c, r)));
  return {
    rowsAfter,
    changed: shapeState({ ...plan.config, purposes: [] }, changedRows, plan.occurredAt),
  };
}

/** The `subject.objection_lifted` feed events a write appends, one per purpose and channel the person took back. */
export function objectionLiftedFeedData(
  events: RecordedEvent[],
  input: Pick<RecordConsentInput, 'source'>,
): Array<Record<string, unknown>> {
  return events
    .filter((e) => e.reason === 'objection_lifted')
    .map((e) => ({
      purpose: e.purpose,
      channel: e.channel === '' ? null : e.channel,
      source: input.source,
    }));
}

/** The data of the `consent.updated` feed event a write appends. */
export function consentFeedData(
  changed: ConsentState,
  input: Pick<RecordConsentInput, 'source' | 'configVersion'>,
): Record<string, unknown> {
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
