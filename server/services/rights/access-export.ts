// Access and portability (Art. 15 and 20, GDPR-30/37): everything held about one
// person, in a versioned, machine-readable document (JSON) or a flat table (CSV).
// Only this subject's rows are read, so nobody else's data can appear (Art. 15(4)).
import crypto from 'node:crypto';
import type { ExportFormat } from '../../../shared/schemas/requests.js';
import type { AppContext } from '../../context.js';
import { getPublishedConfig } from '../config.js';
import { shapeState } from '../consent-state.js';
import { openJson } from '../personal-data.js';
import { describeProcessing } from './art15-information.js';
import { exportToCsv } from './export-csv.js';
import { listRequests } from './requests.js';
import { loadSubject, mergedShellIds } from './subject-row.js';

/** Bump on any incompatible change; readers switch on it (STYLE.md, convention 9). */
export const SUBJECT_EXPORT_FORMAT = 'akkoord.subject-export.v1';

type Ctx = Pick<AppContext, 'db' | 'clock' | 'keyring'>;

export interface ExportRecord {
  id: string;
  createdAt: string;
  data: unknown;
}

export type SubjectExport = Awaited<ReturnType<typeof buildSubjectExport>>;

/** A record as stored: its plaintext is the JSON that sealJson encrypted. */
export interface RawRecord {
  id: string;
  dataset: string;
  createdAt: string;
  json: string;
}

/** The whole export, records parsed (the preference center shows it; the CSV flattens it). */
export async function buildSubjectExport(ctx: Ctx, tenantId: string, subjectId: string, options: { locale?: string } = {}) {
  const { document, rawRecords } = await collectExport(ctx, tenantId, subjectId, options);
  const records: Record<string, ExportRecord[]> = {};
  for (const row of rawRecords) (records[row.dataset] ??= []).push({ id: row.id, createdAt: row.createdAt, data: JSON.parse(row.json) });
  return { ...document, records, requests: document.requests, information: document.information };
}

export type ExportDocument = Awaited<ReturnType<typeof collectExport>>['document'];

async function collectExport(ctx: Ctx, tenantId: string, subjectId: string, options: { locale?: string }) {
  const subject = await loadSubject(ctx.db, tenantId, subjectId);
  const now = ctx.clock.now().toISOString();
  // The history includes what was recorded for banner visitors later merged into this person.
  const everyId = [subjectId, ...(await mergedShellIds(ctx.db, tenantId, subjectId))];
  const [published, events, stateRows, recordRows, visitors, webhooks, requests] = await Promise.all([
    getPublishedConfig(ctx.db, tenantId),
    ctx.db.selectFrom('consent_events').selectAll().where('tenant_id', '=', tenantId).where('subject_id', 'in', everyId).orderBy('seq').execute(),
    ctx.db.selectFrom('consent_state').selectAll().where('tenant_id', '=', tenantId).where('subject_id', '=', subjectId).execute(),
    // Ordered by data set only, so SQLite walks records_subject; sorting by created_at here
    // would make it pick records_age and read the whole tenant.
    ctx.db.selectFrom('records').select(['id', 'dataset', 'data_enc', 'created_at'])
      .where('tenant_id', '=', tenantId).where('subject_id', '=', subjectId).orderBy('dataset').execute(),
    ctx.db.selectFrom('subject_visitors').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', tenantId).where('subject_id', '=', subjectId).executeTakeFirst(),
    ctx.db.selectFrom('webhooks').select('url').where('tenant_id', '=', tenantId).where('disabled_at', 'is', null).execute(),
    listRequests(ctx, tenantId, { subjectId, limit: 1000 }),
  ]);
  const config = published?.config ?? null;
  const locale = options.locale ?? events.at(-1)?.locale ?? config?.defaultLocale ?? 'en';
  recordRows.sort((a, b) => compare(a.dataset, b.dataset) || compare(a.created_at, b.created_at) || compare(a.id, b.id));
  // All records are opened in one pass before serialising: opening each as it is
  // written (fewer plaintexts alive at once) measured slower for both formats.
  const rawRecords: RawRecord[] = recordRows.map((row) => ({
    id: row.id, dataset: row.dataset, createdAt: row.created_at, json: ctx.keyring.decrypt(row.data_enc),
  }));

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
      objection: { objectedAt: subject.objected_at },
    },
    consent: {
      state: config ? shapeState(config, stateRows, now) : {},
      states: stateRows.map((r) => ({
        purpose: r.purpose, channel: r.channel || null, status: r.status, source: r.source,
        configVersion: r.config_version, updatedAt: r.updated_at, expiresAt: r.expires_at,
      })),
      history: events.map((e) => ({
        seq: e.seq, occurredAt: e.occurred_at, capturedAt: e.captured_at, purpose: e.purpose, channel: e.channel || null,
        status: e.status, source: e.source, configVersion: e.config_version, locale: e.locale, noticeHash: e.notice_hash,
        gpc: e.gpc === 1, ipTruncated: e.ip_truncated, userAgent: e.user_agent, hash: e.hash,
      })),
    },
    requests: requests.map(({ subject: _subject, ...request }) => request),
    information: describeProcessing({ config, locale, sources, connectedTools: [...new Set(webhooks.map((w) => originOf(w.url)))] }),
  };
  return { document, rawRecords };
}

/**
 * Serialises the export with each record's stored JSON spliced in as it is, one record
 * a line: parsing and re-serialising 10,000 records would double the work.
 */
function exportToJson(document: ExportDocument, rawRecords: RawRecord[]): string {
  // A random placeholder: no stored value can collide with it.
  const marker = `records-${crypto.randomBytes(16).toString('hex')}`;
  const byDataset = new Map<string, string[]>();
  for (const row of rawRecords) {
    let lines = byDataset.get(row.dataset);
    if (!lines) byDataset.set(row.dataset, (lines = []));
    lines.push(`{"id":${JSON.stringify(row.id)},"createdAt":${JSON.stringify(row.createdAt)},"data":${row.json}}`);
  }
  const records = byDataset.size === 0 ? '{}' : `{\n${[...byDataset].map(([dataset, lines]) =>
    `    ${JSON.stringify(dataset)}: [\n      ${lines.join(',\n      ')}\n    ]`).join(',\n')}\n  }`;
  const { requests, information, ...head } = document;
  const text = JSON.stringify({ ...head, records: marker, requests, information }, null, 2);
  return text.replace(`"${marker}"`, () => records);
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'unknown';
  }
}

export interface ExportFile {
  contentType: string;
  filename: string;
  body: string;
}

/** The download for the API and the preference center. */
export async function exportSubject(ctx: Ctx, tenantId: string, subjectId: string, format: ExportFormat, options: { locale?: string } = {}): Promise<ExportFile> {
  const stamp = ctx.clock.now().toISOString().slice(0, 10);
  const { document, rawRecords } = await collectExport(ctx, tenantId, subjectId, options);
  if (format === 'csv') {
    return { contentType: 'text/csv; charset=utf-8', filename: `akkoord-export-${stamp}.csv`, body: exportToCsv(document, rawRecords) };
  }
  return { contentType: 'application/json; charset=utf-8', filename: `akkoord-export-${stamp}.json`, body: exportToJson(document, rawRecords) };
}
