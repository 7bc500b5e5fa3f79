// The subject export as one flat CSV table (section, item, time, field, value), so it
// opens in any spreadsheet (Art. 20 "commonly used"): a record gives one row per leaf
// field, named by its dotted path (shipTo.city), arrays as JSON. Cells a spreadsheet
// would run as a formula get a leading quote (OWASP CSV injection), including the
// full-width forms some spreadsheets normalise.
//
// The text is written here, not by csv-stringify: a person with 10,000 records has
// ~70,000 rows, and csv-stringify's work per field (casting, option checks, separator
// search) made the CSV three times slower than the JSON export (measured in BENCHMARKS.md).
// Every cell is a string by the time it is written, so RFC 4180 quoting is all that is
// left; the bytes are those csv-stringify wrote with its defaults, which
// test/server/rights-export-csv.test.ts checks.
import type { ExportDocument, RawRecord } from './export-document.js';

const formulaStart = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** A cell as text that no spreadsheet evaluates. */
export function neutraliseCell(value: unknown): string {
  // String() of a finite number is what JSON.stringify writes, without its generic path.
  const text =
    typeof value === 'string'
      ? value
      : typeof value === 'number' && Number.isFinite(value)
        ? String(value)
        : value === null || value === undefined
          ? ''
          : JSON.stringify(value);
  return formulaStart.test(text) ? `'${text}` : text;
}

// RFC 4180 section 2: a field holding a comma, a double quote or a line break is
// enclosed in quotes and its quotes doubled; any other field is written as it is, an
// empty one as nothing. A lone \r counts as a line break: some readers end a row on it.
const needsQuotes = /[",\n\r]/;

/** One field of a row, quoted when it has to be. */
export function csvField(text: string): string {
  return needsQuotes.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * The file as UTF-8 bytes, written as it is made: holding 70,000 row strings for one
 * join at the end cost more in garbage collection than the writing itself.
 */
class CsvText {
  private bytes = Buffer.allocUnsafe(64 * 1024);
  private length = 0;

  append(text: string): void {
    // A UTF-16 code unit never takes more than three bytes in UTF-8.
    if (this.length + text.length * 3 > this.bytes.length) {
      const grown = Buffer.allocUnsafe(
        Math.max(this.bytes.length * 2, this.length + text.length * 3),
      );
      this.bytes.copy(grown, 0, 0, this.length);
      this.bytes = grown;
    }
    this.length += this.bytes.write(text, this.length);
  }

  row(section: string, item: string, time: string, field: string, value: string): void {
    this.append(
      `${csvField(section)},${csvField(item)},${csvField(time)},${csvField(field)},${csvField(value)}\n`,
    );
  }

  toString(): string {
    return this.bytes.toString('utf8', 0, this.length);
  }
}

/**
 * The rows of one record, one per leaf, named by its dotted path; arrays stay JSON.
 * `prefix` is the record's section, item and time, already quoted; `fieldCells` keeps
 * each path's quoted cell, since every record of a data set repeats the same paths.
 */
function recordRows(
  prefix: string,
  value: unknown,
  path: string,
  fieldCells: Map<string, string>,
): string {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    let rows = '';
    // Object.keys, not Object.entries: no [key, value] array per field.
    for (const key of Object.keys(value))
      rows += recordRows(
        prefix,
        (value as Record<string, unknown>)[key],
        path === '' ? key : `${path}.${key}`,
        fieldCells,
      );
    return rows;
  }
  const name = path === '' ? 'value' : path;
  let field = fieldCells.get(name);
  if (field === undefined) fieldCells.set(name, (field = csvField(neutraliseCell(name))));
  return `${prefix}${field},${csvField(neutraliseCell(value))}\n`;
}

/** One row per top-level key of an object; nested values as JSON. */
function objectRows(
  csv: CsvText,
  section: string,
  item: string,
  time: string,
  value: unknown,
): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value))
      csv.row(section, item, time, key, neutraliseCell(inner));
  } else {
    csv.row(section, item, time, 'value', neutraliseCell(value));
  }
}

export function exportToCsv(document: ExportDocument, records: RawRecord[]): string {
  const csv = new CsvText();
  csv.append('section,item,time,field,value\n');
  const at = document.generatedAt;
  csv.row('export', '', at, 'format', document.format);
  csv.row('export', '', at, 'processing', 'true');

  const { attributes, restriction, objection, ...identity } = document.subject;
  for (const [field, value] of Object.entries(identity))
    csv.row('subject', document.subject.id, '', field, neutraliseCell(value));
  for (const [name, value] of Object.entries(attributes))
    csv.row(
      'subject',
      document.subject.id,
      '',
      `attributes.${neutraliseCell(name)}`,
      neutraliseCell(value),
    );
  csv.row('subject', document.subject.id, '', 'restricted', String(restriction.restricted));
  csv.row(
    'subject',
    document.subject.id,
    '',
    'restrictionReason',
    neutraliseCell(restriction.reason),
  );
  csv.row(
    'subject',
    document.subject.id,
    objection.objectedAt ?? '',
    'objectedAt',
    neutraliseCell(objection.objectedAt),
  );

  for (const state of document.consent.states) {
    const item = state.channel ? `${state.purpose}.${state.channel}` : state.purpose;
    csv.row('consent_state', item, state.updatedAt, 'status', state.status);
    csv.row('consent_state', item, state.updatedAt, 'expiresAt', neutraliseCell(state.expiresAt));
  }
  for (const event of document.consent.history) {
    const { seq, occurredAt, ...rest } = event;
    objectRows(csv, 'consent_history', String(seq), occurredAt, rest);
  }
  // Records arrive sorted by data set, so each section name is made once.
  const fieldCells = new Map<string, string>();
  let dataset: string | undefined;
  let section = '';
  for (const record of records) {
    if (record.dataset !== dataset) {
      dataset = record.dataset;
      section = csvField(`records.${neutraliseCell(dataset)}`);
    }
    csv.append(
      recordRows(
        `${section},${csvField(record.id)},${csvField(record.createdAt)},`,
        JSON.parse(record.json),
        '',
        fieldCells,
      ),
    );
  }
  for (const request of document.requests) {
    const { id, receivedAt, ...rest } = request;
    objectRows(csv, 'requests', id, receivedAt, rest);
  }
  for (const recipient of document.recipients)
    objectRows(csv, 'recipients', `${recipient.kind}:${recipient.id}`, recipient.lastAt, {
      ...recipient,
      categories: recipient.categories.join(' '),
    });
  const info = document.information;
  objectRows(csv, 'information', 'controller', '', info.controller);
  for (const purpose of info.purposes)
    objectRows(csv, 'information.purposes', purpose.key, '', purpose);
  objectRows(csv, 'information', 'retention', '', info.retention);
  objectRows(csv, 'information', 'rights', '', info.rights);
  objectRows(csv, 'information', 'supervisoryAuthority', '', info.supervisoryAuthority);
  for (const source of info.sources)
    csv.row(
      'information.sources',
      source.source,
      '',
      'description',
      neutraliseCell(source.description),
    );
  csv.row('information', 'recipients', '', 'recipients', neutraliseCell(info.recipients));
  for (const transfer of info.transfers)
    objectRows(csv, 'information.transfers', transfer.recipient, '', transfer);
  csv.row(
    'information',
    'connectedTools',
    '',
    'connectedTools',
    neutraliseCell(info.connectedTools),
  );
  if (info.dpo) objectRows(csv, 'information', 'dpo', '', info.dpo);
  for (const entry of info.retention.perPurpose)
    objectRows(csv, 'information.retention', entry.purpose, '', entry);
  csv.row(
    'information',
    'automatedDecisionMaking',
    '',
    'value',
    neutraliseCell(info.automatedDecisionMaking),
  );
  info.automatedDecisions.forEach((decision, i) =>
    objectRows(csv, 'information.automatedDecisions', String(i + 1), '', decision),
  );
  return csv.toString();
}
