// Access and portability (Art. 15 and 20, GDPR-30/37): everything held about one
// person, in a versioned, machine-readable document (JSON) or a flat table (CSV).
// Only this subject's rows are read, so nobody else's data can appear (Art. 15(4)).
import crypto from 'node:crypto';
import type { ExportFormat } from '../../../shared/schemas/requests.js';
import {
  collectExport,
  type ExportDocument,
  type RawRecord,
  type ExportContext,
} from './export-document.js';
import { exportToCsv } from './export-csv.js';

export interface ExportRecord {
  id: string;
  createdAt: string;
  data: unknown;
}

export type SubjectExport = Awaited<ReturnType<typeof buildSubjectExport>>;

/** The whole export, records parsed (the preference center shows it; the CSV flattens it). */
export async function buildSubjectExport(
  ctx: ExportContext,
  tenantId: string,
  subjectId: string,
  options: { locale?: string } = {},
) {
  const { document, rawRecords } = await collectExport(ctx, tenantId, subjectId, options);
  const records: Record<string, ExportRecord[]> = {};
  for (const row of rawRecords)
    (records[row.dataset] ??= []).push({
      id: row.id,
      createdAt: row.createdAt,
      data: JSON.parse(row.json),
    });
  return { ...document, records, requests: document.requests, information: document.information };
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
    lines.push(
      `{"id":${JSON.stringify(row.id)},"createdAt":${JSON.stringify(row.createdAt)},"data":${row.json}}`,
    );
  }
  const records =
    byDataset.size === 0
      ? '{}'
      : `{\n${[...byDataset]
          .map(
            ([dataset, lines]) =>
              `    ${JSON.stringify(dataset)}: [\n      ${lines.join(',\n      ')}\n    ]`,
          )
          .join(',\n')}\n  }`;
  const { requests, information, ...head } = document;
  const text = JSON.stringify({ ...head, records: marker, requests, information }, null, 2);
  return text.replace(`"${marker}"`, () => records);
}

export interface ExportFile {
  contentType: string;
  filename: string;
  body: string;
}

/** The download for the API and the preference center. */
export async function exportSubject(
  ctx: ExportContext,
  tenantId: string,
  subjectId: string,
  format: ExportFormat,
  options: { locale?: string } = {},
): Promise<ExportFile> {
  const stamp = ctx.clock.now().toISOString().slice(0, 10);
  const { document, rawRecords } = await collectExport(ctx, tenantId, subjectId, options);
  if (format === 'csv') {
    return {
      contentType: 'text/csv; charset=utf-8',
      filename: `akkoord-export-${stamp}.csv`,
      body: exportToCsv(document, rawRecords),
    };
  }
  return {
    contentType: 'application/json; charset=utf-8',
    filename: `akkoord-export-${stamp}.json`,
    body: exportToJson(document, rawRecords),
  };
}
