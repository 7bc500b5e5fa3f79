// The lifecycle of a data-subject request: received with a due date
// one calendar month out (Art. 12(3), GDPR-20), extended once by at most two months
// with a reason and a notice to the person, cancelled, refused with reasons (Art. 12(4)),
// or completed with an outcome.
// Every step leaves an audit entry with ids only (GDPR Art. 5(2)).
import type { Kysely } from 'kysely';
import type {
  IdentityCheckMethod,
  RefusalGround,
  RequestChannel,
  RequestOrigin,
  RequestStatus,
  RequestType,
  RequestView,
} from '../../../shared/schemas/requests.js';
import type { AppContext } from '../../context.js';
import type { Database, RequestsTable } from '../../db/database.js';
import { ApiError, notFound } from '../../errors.js';
import { newId } from '../../ids.js';
import { appendAudit } from '../registers/audit.js';
import { prepareNotice, type PreparedNotice } from './notices.js';

type Ctx = Pick<AppContext, 'db' | 'clock' | 'keyring' | 'mailer'>;

/**
 * The same day `months` calendar months later, at the same time of day; when that
 * month is shorter, its last day (31 January + 1 month = 28 or 29 February).
 */
export function addCalendarMonths(iso: string, months: number): string {
  const from = new Date(iso);
  const year = from.getUTCFullYear();
  const month = from.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const due = new Date(from);
  due.setUTCDate(1);
  due.setUTCFullYear(year, month, Math.min(from.getUTCDate(), lastDay));
  return due.toISOString();
}

export interface CreateRequestInput {
  tenantId: string;
  subjectId: string | null;
  type: RequestType;
  /** Without personal data: data set and field names, a restriction reason. */
  scope: Record<string, unknown>;
  origin: RequestOrigin;
  /** key_..., 'data_subject' or 'system'. */
  actor: string;
  /** When it was received, if earlier than now (registered by hand); the deadline runs from here. */
  receivedAt?: string;
  channel?: RequestChannel;
  identityCheck?: { method: IdentityCheckMethod };
}

/** Creates the request in the caller's transaction. */
export async function createRequestIn(
  trx: Kysely<Database>,
  ctx: Pick<AppContext, 'clock'>,
  input: CreateRequestInput,
): Promise<RequestsTable> {
  const now = ctx.clock.now().toISOString();
  const receivedAt = input.receivedAt ?? now;
  const row: RequestsTable = {
    id: newId('req'),
    tenant_id: input.tenantId,
    subject_id: input.subjectId,
    type: input.type,
    status: 'received',
    scope: JSON.stringify(input.scope),
    origin: input.origin,
    received_at: receivedAt,
    due_at: addCalendarMonths(receivedAt, 1),
    extended_at: null,
    extension_reason: null,
    completed_at: null,
    outcome: null,
    extension_notice: null,
    reason_enc: null,
    channel: input.channel ?? null,
    identity_check: input.identityCheck
      ? JSON.stringify({ method: input.identityCheck.method, by: input.actor, at: now })
      : null,
  };
  await trx.insertInto('requests').values(row).execute();
  await appendAudit(
    trx,
    input.tenantId,
    {
      actor: input.actor,
      action: 'request.received',
      target: row.id,
      details: {
        type: input.type,
        subjectId: input.subjectId,
        origin: input.origin,
        dueAt: row.due_at,
        ...(input.receivedAt ? { receivedAt } : {}),
        ...(input.channel ? { channel: input.channel } : {}),
        ...(input.identityCheck ? { identityCheck: input.identityCheck.method } : {}),
      },
    },
    now,
  );
  return row;
}

export function createRequest(ctx: Ctx, input: CreateRequestInput): Promise<RequestsTable> {
  return ctx.db.transaction().execute((trx) => createRequestIn(trx, ctx, input));
}

export async function getRequestRow(
  db: Kysely<Database>,
  tenantId: string,
  requestId: string,
): Promise<RequestsTable> {
  const row = await db
    .selectFrom('requests')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', requestId)
    .executeTakeFirst();
  if (!row) throw notFound('request');
  return row;
}

function requireOpen(row: RequestsTable): void {
  if (row.status !== 'received')
    throw new ApiError(409, 'REQUEST_NOT_OPEN', `The request is already ${row.status}`);
}

/** Completes an open request in the caller's transaction; `outcome` holds ids, counts and names only. */
export async function completeRequestIn(
  trx: Kysely<Database>,
  ctx: Pick<AppContext, 'clock'>,
  input: { tenantId: string; requestId: string; outcome: Record<string, unknown>; actor: string },
): Promise<void> {
  const row = await getRequestRow(trx, input.tenantId, input.requestId);
  requireOpen(row);
  const at = ctx.clock.now().toISOString();
  await trx
    .updateTable('requests')
    .set({ status: 'completed', completed_at: at, outcome: JSON.stringify(input.outcome) })
    .where('tenant_id', '=', input.tenantId)
    .where('id', '=', input.requestId)
    .execute();
  await appendAudit(
    trx,
    input.tenantId,
    {
      actor: input.actor,
      action: 'request.completed',
      target: input.requestId,
      details: { type: row.type, subjectId: row.subject_id, outcome: input.outcome },
    },
    at,
  );
}

export function completeRequest(
  ctx: Ctx,
  input: { tenantId: string; requestId: string; outcome: Record<string, unknown>; actor: string },
): Promise<void> {
  return ctx.db.transaction().execute((trx) => completeRequestIn(trx, ctx, input));
}

export async function cancelRequest(
  ctx: Ctx,
  input: { tenantId: string; requestId: string; actor: string },
): Promise<RequestsTable> {
  return ctx.db.transaction().execute(async (trx) => {
    const row = await getRequestRow(trx, input.tenantId, input.requestId);
    requireOpen(row);
    const at = ctx.clock.now().toISOString();
    await trx
      .updateTable('requests')
      .set({ status: 'cancelled', completed_at: at, outcome: JSON.stringify({ cancelled: true }) })
      .where('tenant_id', '=', input.tenantId)
      .where('id', '=', input.requestId)
      .execute();
    await appendAudit(
      trx,
      input.tenantId,
      {
        actor: input.actor,
        action: 'request.cancelled',
        target: row.id,
        details: { type: row.type },
      },
      at,
    );
    return getRequestRow(trx, input.tenantId, input.requestId);
  });
}

export interface ExtendRequestInput {
  tenantId: string;
  requestId: string;
  reason: string;
  /** 1 or 2; Art. 12(3) allows two further months at most. */
  months?: number;
  actor: string;
}

/**
 * Extends once, by at most two months, only within the first month and only after
 * the person is told why (GDPR-20): by e-mail when an address is known, else the
 * requester (the tool that filed it) is recorded as the one who passes it on.
 */
export async function extendRequest(ctx: Ctx, input: ExtendRequestInput): Promise<RequestsTable> {
  const months = input.months ?? 2;
  if (!Number.isInteger(months) || months < 1 || months > 2)
    throw new ApiError(422, 'EXTENSION_NOT_ALLOWED', 'An extension is one or two months');
  const row = await getRequestRow(ctx.db, input.tenantId, input.requestId);
  requireOpen(row);
  if (row.extended_at !== null)
    throw new ApiError(409, 'EXTENSION_NOT_ALLOWED', 'The request was already extended once');
  const now = ctx.clock.now().toISOString();
  const firstMonthEnds = addCalendarMonths(row.received_at, 1);
  if (now > firstMonthEnds) {
    throw new ApiError(
      409,
      'EXTENSION_NOT_ALLOWED',
      'An extension must be made, and the person told, within the first month (Art. 12(3))',
    );
  }
  const dueAt = addCalendarMonths(row.received_at, 1 + months);
  // The notice is queued with the extension: an extension without one cannot exist.
  const prepared: PreparedNotice = row.subject_id
    ? await prepareNotice(ctx, input.tenantId, row.subject_id, {
        kind: 'extension',
        requestType: row.type,
        reason: input.reason,
        dueAt,
      })
    : { record: { via: 'requester', at: now }, queue: async () => {} };
  const notice = prepared.record;
  return ctx.db.transaction().execute(async (trx) => {
    const updated = await trx
      .updateTable('requests')
      .set({
        due_at: dueAt,
        extended_at: now,
        extension_reason: input.reason,
        extension_notice: JSON.stringify(notice),
      })
      .where('tenant_id', '=', input.tenantId)
      .where('id', '=', input.requestId)
      .where('status', '=', 'received')
      .where('extended_at', 'is', null)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1)
      throw new ApiError(
        409,
        'EXTENSION_NOT_ALLOWED',
        'The request was already extended or closed',
      );
    await prepared.queue(trx);
    await appendAudit(
      trx,
      input.tenantId,
      {
        actor: input.actor,
        action: 'request.extended',
        target: row.id,
        details: { type: row.type, months, dueAt, notifiedVia: notice.via },
      },
      now,
    );
    return getRequestRow(trx, input.tenantId, input.requestId);
  });
}

export interface RefuseRequestInput {
  tenantId: string;
  requestId: string;
  ground: RefusalGround;
  explanation: string;
  actor: string;
}

/**
 * Declines to act (Art. 12(4)-(5), GDPR-21/23): the person is sent the reasons and
 * their right to complain to the Autoriteit Persoonsgegevens and to go to court,
 * queued with the refusal, and the justification is kept with the request.
 */
export async function refuseRequest(ctx: Ctx, input: RefuseRequestInput): Promise<RequestsTable> {
  const row = await getRequestRow(ctx.db, input.tenantId, input.requestId);
  requireOpen(row);
  const prepared: PreparedNotice = row.subject_id
    ? await prepareNotice(ctx, input.tenantId, row.subject_id, {
        kind: 'refusal',
        requestType: row.type,
        ground: input.ground,
        explanation: input.explanation,
      })
    : { record: { via: 'requester', at: ctx.clock.now().toISOString() }, queue: async () => {} };
  const notice = prepared.record;
  return ctx.db.transaction().execute(async (trx) => {
    const at = ctx.clock.now().toISOString();
    const outcome = { refused: true, ground: input.ground, explanation: input.explanation, notice };
    const updated = await trx
      .updateTable('requests')
      .set({ status: 'refused', completed_at: at, outcome: JSON.stringify(outcome) })
      .where('tenant_id', '=', input.tenantId)
      .where('id', '=', input.requestId)
      .where('status', '=', 'received')
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1)
      throw new ApiError(409, 'REQUEST_NOT_OPEN', 'The request was closed meanwhile');
    await prepared.queue(trx);
    // The explanation stays with the request; the audit log keeps ids and the ground only.
    await appendAudit(
      trx,
      input.tenantId,
      {
        actor: input.actor,
        action: 'request.refused',
        target: row.id,
        details: { type: row.type, ground: input.ground, notifiedVia: notice.via },
      },
      at,
    );
    return getRequestRow(trx, input.tenantId, input.requestId);
  });
}

export interface ListRequestsFilter {
  status?: RequestStatus;
  /** Open requests past their due date. */
  overdue?: boolean;
  type?: RequestType;
  subjectId?: string;
  limit?: number;
  /** Keyset cursor: only requests after this (dueAt, id) in the list's order. */
  after?: { dueAt: string; id: string };
}

/** The cursor of a page's last request, as `next`: opaque to callers. */
export const requestCursor = (view: RequestView): string =>
  Buffer.from(`${view.dueAt}|${view.id}`).toString('base64url');

/** Reads a cursor back; null when it is not one `requestCursor` made. */
export function parseRequestCursor(cursor: string): { dueAt: string; id: string } | null {
  const [dueAt, id, extra] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  if (
    extra !== undefined ||
    !id ||
    !/^req_[A-Za-z0-9_-]{1,40}$/.test(id) ||
    Number.isNaN(Date.parse(dueAt))
  )
    return null;
  return { dueAt, id };
}

export async function listRequests(
  ctx: Pick<AppContext, 'db' | 'clock'>,
  tenantId: string,
  filter: ListRequestsFilter = {},
): Promise<RequestView[]> {
  const now = ctx.clock.now().toISOString();
  let query = ctx.db.selectFrom('requests').selectAll().where('tenant_id', '=', tenantId);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.type) query = query.where('type', '=', filter.type);
  if (filter.subjectId) query = query.where('subject_id', '=', filter.subjectId);
  if (filter.overdue === true)
    query = query.where('status', '=', 'received').where('due_at', '<', now);
  if (filter.overdue === false)
    query = query.where((eb) => eb.or([eb('status', '!=', 'received'), eb('due_at', '>=', now)]));
  const after = filter.after;
  if (after)
    query = query.where((eb) =>
      eb.or([
        eb('due_at', '>', after.dueAt),
        eb.and([eb('due_at', '=', after.dueAt), eb('id', '>', after.id)]),
      ]),
    );
  const rows = await query
    .orderBy('due_at')
    .orderBy('id')
    .limit(filter.limit ?? 100)
    .execute();
  return withExternalIds(ctx.db, tenantId, rows, now);
}

export async function getRequest(
  ctx: Pick<AppContext, 'db' | 'clock'>,
  tenantId: string,
  requestId: string,
): Promise<RequestView> {
  const row = await getRequestRow(ctx.db, tenantId, requestId);
  const [view] = await withExternalIds(ctx.db, tenantId, [row], ctx.clock.now().toISOString());
  return view;
}

async function withExternalIds(
  db: Kysely<Database>,
  tenantId: string,
  rows: RequestsTable[],
  now: string,
): Promise<RequestView[]> {
  const ids = [...new Set(rows.map((r) => r.subject_id).filter((id): id is string => id !== null))];
  const subjects =
    ids.length === 0
      ? []
      : await db
          .selectFrom('subjects')
          .select(['id', 'external_id'])
          .where('tenant_id', '=', tenantId)
          .where('id', 'in', ids)
          .execute();
  const externalOf = new Map(subjects.map((s) => [s.id, s.external_id]));
  return rows.map((row) => toRequestView(row, externalOf.get(row.subject_id ?? '') ?? null, now));
}

/** A request as the API shows it; an erased subject keeps only its id here. */
export function toRequestView(
  row: RequestsTable,
  externalId: string | null,
  now: string,
): RequestView {
  return {
    id: row.id,
    type: row.type as RequestType,
    status: row.status as RequestStatus,
    origin: row.origin,
    subject: { id: row.subject_id, externalId },
    scope: JSON.parse(row.scope) as Record<string, unknown>,
    receivedAt: row.received_at,
    dueAt: row.due_at,
    overdue: row.status === 'received' && row.due_at < now,
    extension:
      row.extended_at === null
        ? null
        : {
            at: row.extended_at,
            reason: row.extension_reason ?? '',
            notice: JSON.parse(row.extension_notice ?? '{}') as Record<string, unknown>,
          },
    completedAt: row.completed_at,
    outcome: row.outcome === null ? null : (JSON.parse(row.outcome) as Record<string, unknown>),
    channel: row.channel as RequestChannel | null,
    identityCheck:
      row.identity_check === null
        ? null
        : (JSON.parse(row.identity_check) as RequestView['identityCheck']),
  };
}

/** Notes how the person's identity was checked (Art. 12(6)); a request registered by hand runs only after this. */
export async function noteIdentityCheck(
  ctx: Ctx,
  input: { tenantId: string; requestId: string; method: IdentityCheckMethod; actor: string },
): Promise<RequestsTable> {
  const at = ctx.clock.now().toISOString();
  return ctx.db.transaction().execute(async (trx) => {
    const row = await getRequestRow(trx, input.tenantId, input.requestId);
    requireOpen(row);
    const check = JSON.stringify({ method: input.method, by: input.actor, at });
    await trx
      .updateTable('requests')
      .set({ identity_check: check })
      .where('tenant_id', '=', input.tenantId)
      .where('id', '=', input.requestId)
      .execute();
    await appendAudit(
      trx,
      input.tenantId,
      {
        actor: input.actor,
        action: 'request.identity_checked',
        target: row.id,
        details: { method: input.method },
      },
      at,
    );
    return { ...row, identity_check: check };
  });
}
