// The subject export as one flat CSV table (section, item, time, field, value), so it
// opens in any spreadsheet (Art. 20 "commonly used"): a record gives one row per leaf
// field, named by its dotted path (shipTo.city), arrays as JSON. Cells a spreadsheet
// would run as a formula get a leading quote (OWASP CSV injection), including the
// full-width forms some spreadsheets normalise.
import { stringify } from 'csv-stringify/sync';
import type { ExportDocument, RawRecord } from './access-export.js';

type Row = [section: string, item: string, time: string, field: string, value: string];

const formulaStart = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** A cell as text that no spreadsheet evaluates. */
export function neutraliseCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  return formulaStart.test(text) ? `'${text}` : text;
}

/** One row per leaf of a record, named by its dotted path; arrays stay JSON. */
function leafRows(section: string, item: string, time: string, value: unknown, path: string, rows: Row[]): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) leafRows(section, item, time, inner, path === '' ? key : `${path}.${key}`, rows);
  } else {
    rows.push([section, item, time, neutraliseCell(path === '' ? 'value' : path), neutraliseCell(value)]);
  }
}

/** One row per top-level key of an object; nested values as JSON. */
function objectRows(section: string, item: string, time: string, value: unknown, rows: Row[]): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value)) rows.push([section, item, time, key, neutraliseCell(inner)]);
  } else {
    rows.push([section, item, time, 'value', neutraliseCell(value)]);
  }
}

export function exportToCsv(document: ExportDocument, records: RawRecord[]): string {
  const rows: Row[] = [];
  const at = document.generatedAt;
  rows.push(['export', '', at, 'format', document.format]);
  rows.push(['export', '', at, 'processing', 'true']);

  const { attributes, restriction, objection, ...identity } = document.subject;
  for (const [field, value] of Object.entries(identity)) rows.push(['subject', document.subject.id, '', field, neutraliseCell(value)]);
  for (const [name, value] of Object.entries(attributes)) rows.push(['subject', document.subject.id, '', `attributes.${neutraliseCell(name)}`, neutraliseCell(value)]);
  rows.push(['subject', document.subject.id, '', 'restricted', String(restriction.restricted)]);
  rows.push(['subject', document.subject.id, '', 'restrictionReason', neutraliseCell(restriction.reason)]);
  rows.push(['subject', document.subject.id, objection.objectedAt ?? '', 'objectedAt', neutraliseCell(objection.objectedAt)]);

  for (const state of document.consent.states) {
    const item = state.channel ? `${state.purpose}.${state.channel}` : state.purpose;
    rows.push(['consent_state', item, state.updatedAt, 'status', state.status]);
    rows.push(['consent_state', item, state.updatedAt, 'expiresAt', neutraliseCell(state.expiresAt)]);
  }
  for (const event of document.consent.history) {
    const { seq, occurredAt, ...rest } = event;
    objectRows('consent_history', String(seq), occurredAt, rest, rows);
  }
  for (const record of records) leafRows(`records.${neutraliseCell(record.dataset)}`, record.id, record.createdAt, JSON.parse(record.json), '', rows);
  for (const request of document.requests) {
    const { id, receivedAt, ...rest } = request;
    objectRows('requests', id, receivedAt, rest, rows);
  }
  const info = document.information;
  objectRows('information', 'controller', '', info.controller, rows);
  for (const purpose of info.purposes) objectRows('information.purposes', purpose.key, '', purpose, rows);
  objectRows('information', 'retention', '', info.retention, rows);
  objectRows('information', 'rights', '', info.rights, rows);
  objectRows('information', 'supervisoryAuthority', '', info.supervisoryAuthority, rows);
  for (const source of info.sources) rows.push(['information.sources', source.source, '', 'description', neutraliseCell(source.description)]);
  rows.push(['information', 'recipients', '', 'recipients', neutraliseCell(info.recipients)]);
  rows.push(['information', 'connectedTools', '', 'connectedTools', neutraliseCell(info.connectedTools)]);
  rows.push(['information', 'automatedDecisionMaking', '', 'value', neutraliseCell(info.automatedDecisionMaking)]);

  return stringify(rows, { header: true, columns: ['section', 'item', 'time', 'field', 'value'] });
}
