// What the access export holds (Art. 15 and 20): the subject, their consent state and history,
// requests and the information about the processing, read for one person only, with their
// records still as the stored JSON. access-export.ts and export-csv.ts write it as a file.
import type { AppContext } from '../../context.js';
import { getPublishedConfig } from '../config/config.js';
import { shapeState } from '../consent/consent-state.js';
import { openJson } from '../subjects/personal-data.js';
import { listRecipients } from '../registers/disclosures.js';
import { listProcessors } from '../registers/processors.js';
import { readRopaSettings } from '../registers/ropa.js';
import { describeProcessing } from './art15-information.js';
import { objectionReasons } from './object.js';
import { listRequests } from './requests.js';
import { loadSubject, mergedShellIds } from './subject-row.js';

/** Bump on any incompatible change; readers switch on it (persisted formats are versioned). */
export const SUBJECT_EXPORT_FORMAT = 'akkoord.subject-export.v1';

export type ExportContext = Pick<AppContext, 'db' | 'clock' | 'keyring'>;

/** A record as stored: its plaintext is the JSON that sealJson encrypted. */
export interface RawRecord {
  id: string;
  dataset: string;
  createdAt: string;
  json: string;
}

export type ExportDocument = Awaited<ReturnType<typeof collectExport>>['document'];

export async function collectExport(
  ctx: ExportContext,
  tenantId: string,
  subjectId: string,
  options: { locale?: string },
) {
  const subject = await loadSubject(ctx.db, tenantId, subjectId);
  const now = ctx.clock.now().toISOString();
  // The history includes what was recorded for banner visitors later merged into this person.
  const everyId = [subjectId, ...(await mergedShellIds(ctx.db, tenantId, subjectId))];
  const [
    published,
    events,
    stateRows,
    recordRows,
    visitors,
    webhooks,
    requests,
    processors,
    { ropa },
  ] = await Promise.all([
    getPublishedConfig(ctx.db, tenantId),
    ctx.db
      .selectFrom('consent_events')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('subject_id', 'in', everyId)
      .orderBy('seq')
      .execute(),
    ctx.db
      .selectFrom('consent_state')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('subject_id', '=', subjectId)
      .execute(),
    // Ordered by data set only, so SQLite walks records_subject; sorting by created_at here
    // would make it pick records_age and read the whole tenant.
    ctx.db
      .selectFrom('records')
      .select(['id', 'dataset', 'data_enc', 'created_at'])
      .where('tenant_id', '=', tenantId)
      .where('subject_id', '=', subjectId)
      .orderBy('dataset')
      .execute(),
    ctx.db
      .selectFrom('subject_visitors')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('tenant_id', '=', tenantId)
      .where('subject_id', '=', subjectId)
      .executeTakeFirst(),
    ctx.db
      .selectFrom('webhooks')
      .select('url')
      .where('tenant_id', '=', tenantId)
      .where('disabled_at', 'is', null)
      .execute(),
    listRequests(ctx, tenantId, { subjectId, limit: 1000 }),
    listProcessors(ctx, tenantId),
    readRopaSettings(ctx, tenantId),
  ]);
  const config = published?.config ?? null;
  const locale = options.locale ?? events.at(-1)?.locale ?? config?.defaultLocale ?? 'en';
  recordRows.sort(
    (a, b) =>
      compare(a.dataset, b.dataset) || compare(a.created_at, b.created_at) || compare(a.id, b.id),
  );
  // All records are opened in one pass before serialising: opening each as it is
  // written (fewer plaintexts alive at once) measured slower for both formats.
  const rawRecords: RawRecord[] = recordRows.map((row) => ({
    id: row.id,
    dataset: row.dataset,
    createdAt: row.created_at,
    json: ctx.keyring.decrypt(row.data_enc),
  }));

  const reasons = await objectionReasons(
    ctx.db,
    ctx.keyring,
    tenantId,
    requests.filter((r) => r.type === 'objection').map((r) => r.id),
  );
  const sources = events.map((e) => e.source);
  if (subject.external_id !== null || recordRows.length > 0) sources.push('api');

  const document = {
    format: SUBJECT_EXPORT_FORMAT,
    generatedAt: now,
    locale,
    /** Art. 15(1): confirmation that personal data about this person is processed. */
    processing: true,
    subject: {
      id: subject.id,
      externalId: subject.external_id,
      email: subject.email_enc === null ? null : ctx.keyring.decrypt(subject.email_enc),
      phone: subject.phone_enc === null ? null : ctx.keyring.decrypt(subject.phone_enc),
      attributes: openJson<Record<string, unknown>>(ctx.keyring, subject.attributes_enc) ?? {},
      linkedBrowsers: Number(visitors?.n ?? 0),
      createdAt: subject.created_at,
      updatedAt: subject.updated_at,
      lastActivityAt: subject.last_activity_at,
      restriction: { restricted: subject.restricted === 1, reason: subject.restriction_reason },
      objection: {
        objectedAt: subject.objected_at,
        signal: subject.objected_at === null ? null : await objectionSignal(ctx, tenantId, everyId),
      },
    },
    consent: {
      state: config ? shapeState(config, stateRows, now) : {},
      states: stateRows.map((r) => ({
        purpose: r.purpose,
        channel: r.channel || null,
        status: r.status,
        source: r.source,
        configVersion: r.config_version,
        updatedAt: r.updated_at,
        expiresAt: r.expires_at,
      })),
      history: events.map((e) => ({
        seq: e.seq,
        occurredAt: e.occurred_at,
        capturedAt: e.captured_at,
        purpose: e.purpose,
        channel: e.channel || null,
        status: e.status,
        source: e.source,
        configVersion: e.config_version,
        locale: e.locale,
        noticeHash: e.notice_hash,
        gpc: e.gpc === 1,
        ipTruncated: e.ip_truncated,
        userAgent: e.user_agent,
        hash: e.hash,
        // Why a decision was recorded differently from what was asked (Art. 21: objected, objection_lifted).
        ...(e.reason ? { reason: e.reason } : {}),
        // Which banner control made the choice (accept_all, ..., script: a site's script, not a click).
        ...(e.interaction ? { interaction: e.interaction } : {}),
      })),
    },
    // The person's own words with an objection are theirs to see (Art. 15(3)).
    requests: requests.map(({ subject: _subject, ...request }) =>
      reasons.has(request.id) ? { ...request, reason: reasons.get(request.id)! } : request,
    ),
    /** Art. 15(1)(c), 19: who received which of this person's data, and when. */
    recipients: await listRecipients(ctx.db, tenantId, subjectId),
    information: describeProcessing({
      config,
      locale,
      sources,
      connectedTools: [...new Set(webhooks.map((w) => originOf(w.url)))],
      processors,
      ropa,
    }),
  };
  return { document, rawRecords };
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'unknown';
  }
}

/** Whether the objection came as a browser's Global Privacy Control signal (its feed event says so). */
async function objectionSignal(
  ctx: Pick<AppContext, 'db'>,
  tenantId: string,
  subjectIds: string[],
): Promise<string | null> {
  // A banner visitor later merged into this person counts too: its objection may be the one that holds.
  const event = await ctx.db
    .selectFrom('feed_events')
    .select('data')
    .where('tenant_id', '=', tenantId)
    .where('subject_id', 'in', subjectIds)
    .where('type', '=', 'subject.objected')
    .orderBy('seq', 'asc')
    .limit(1)
    .executeTakeFirst();
  return event ? ((JSON.parse(event.data) as { signal?: string }).signal ?? null) : null;
}
