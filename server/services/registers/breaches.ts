// The breach register (GDPR Art. 33(5)): every personal-data breach with its facts,
// effects and remedial action, the 72-hour clock of Art. 33(1) that starts when the
// controller became aware, and whether the authority and the people concerned were
// told. The record holds counts and categories only, never who was affected.
import type {
  BreachView,
  CreateBreachBody,
  UpdateBreachBody,
} from '../../../shared/schemas/breaches.js';
import type { AppContext } from '../../context.js';
import type { BreachesTable } from '../../db/database.js';
import { ApiError, notFound } from '../../errors.js';
import { newId } from '../../ids.js';
import { appendAudit } from './audit.js';
import { readRopaSettings } from './ropa.js';

export const NOTIFY_WITHIN_MS = 72 * 3_600_000;

/** The register fields as stored in `details`, every optional one filled in. */
export type BreachFields = Required<{
  [K in keyof CreateBreachBody]: Exclude<CreateBreachBody[K], undefined>;
}>;

const iso = (at: string) => new Date(at).toISOString();

function normalise(body: CreateBreachBody): BreachFields {
  return {
    occurredAt: body.occurredAt ? iso(body.occurredAt) : null,
    awareAt: iso(body.awareAt),
    nature: body.nature,
    subjectCategories: body.subjectCategories,
    dataCategories: body.dataCategories,
    approxSubjects: body.approxSubjects,
    approxRecords: body.approxRecords,
    likelyConsequences: body.likelyConsequences,
    measures: body.measures,
    dpoContact: body.dpoContact ?? null,
    apNotificationRequired: body.apNotificationRequired ?? true,
    notificationNotRequiredReason: body.notificationNotRequiredReason ?? null,
    apNotifiedAt: body.apNotifiedAt ? iso(body.apNotifiedAt) : null,
    apReference: body.apReference ?? null,
    latenessReason: body.latenessReason ?? null,
    peopleToBeTold: body.peopleToBeTold ?? false,
    notTellingGround: body.notTellingGround ?? null,
    notTellingReason: body.notTellingReason ?? null,
  };
}

export const dueAtOf = (awareAt: string) =>
  new Date(Date.parse(awareAt) + NOTIFY_WITHIN_MS).toISOString();

/** The rules that tie fields together; each broken one is an issue on the field to fix. */
function checkRules(f: BreachFields): void {
  const issues: Array<{ path: string; message: string }> = [];
  const dueAt = dueAtOf(f.awareAt);
  if (f.occurredAt && f.occurredAt > f.awareAt)
    issues.push({
      path: 'occurredAt',
      message: 'a breach cannot happen after the controller became aware of it',
    });
  if (f.apNotifiedAt && f.apNotifiedAt < f.awareAt)
    issues.push({ path: 'apNotifiedAt', message: 'the notification cannot precede awareness' });
  if (f.apNotifiedAt && f.apNotifiedAt > dueAt && !f.latenessReason) {
    issues.push({
      path: 'latenessReason',
      message:
        'notified more than 72 hours after awareness: give the reasons for the delay (Art. 33(1))',
    });
  }
  if (f.apReference && !f.apNotifiedAt)
    issues.push({
      path: 'apNotifiedAt',
      message: 'a reference number needs the time of the notification',
    });
  if (!f.apNotificationRequired && !f.notificationNotRequiredReason) {
    issues.push({
      path: 'notificationNotRequiredReason',
      message: 'say why the breach is unlikely to result in a risk to people',
    });
  }
  if (f.notTellingGround && f.peopleToBeTold)
    issues.push({
      path: 'notTellingGround',
      message: 'people are told: there is no ground for not telling them',
    });
  if (f.notTellingGround && !f.notTellingReason)
    issues.push({
      path: 'notTellingReason',
      message: 'explain the ground for not telling the people concerned',
    });
  if (issues.length > 0)
    throw new ApiError(400, 'VALIDATION_FAILED', 'The breach record is not complete', issues);
}

export function breachView(row: BreachesTable, now: string): BreachView {
  const f = JSON.parse(row.details) as BreachFields;
  const notified = row.ap_notified_at;
  return {
    id: row.id,
    ...f,
    dueAt: row.due_at,
    overdue: row.notification_required === 1 && notified === null && now > row.due_at,
    notifiedLate: notified !== null && notified > row.due_at,
    peopleTold: row.people_told,
    peopleToldAt: row.people_told_at,
    deadlineWarnedAt: row.deadline_warned_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The controller as the register names it: the tenant settings, else the published config, else the tenant's name. */
export async function controllerOf(
  ctx: AppContext,
  tenantId: string,
): Promise<{ name: string; contact: string }> {
  const { ropa, name } = await readRopaSettings(ctx, tenantId);
  if (ropa.controller) return { name: ropa.controller.name, contact: ropa.controller.contact };
  const config = await ctx.db
    .selectFrom('config_versions')
    .select('config')
    .where('tenant_id', '=', tenantId)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  const controller = config
    ? (JSON.parse(config.config) as { controller?: { name: string; contact: string } }).controller
    : undefined;
  return controller
    ? { name: controller.name, contact: controller.contact }
    : { name, contact: '' };
}

/** The DPO of the register, else the controller, when the breach names no contact point (Art. 33(3)(b)). */
async function defaultContact(
  ctx: AppContext,
  tenantId: string,
): Promise<{ name: string; contact: string } | null> {
  const { ropa } = await readRopaSettings(ctx, tenantId);
  if (ropa.dpo) return { name: ropa.dpo.name, contact: ropa.dpo.contact };
  const controller = await controllerOf(ctx, tenantId);
  return controller.contact ? controller : null;
}

function columnsOf(f: BreachFields) {
  return {
    aware_at: f.awareAt,
    due_at: dueAtOf(f.awareAt),
    notification_required: (f.apNotificationRequired ? 1 : 0) as 0 | 1,
    ap_notified_at: f.apNotifiedAt,
    details: JSON.stringify(f),
  };
}

export async function createBreach(
  ctx: AppContext,
  tenantId: string,
  body: CreateBreachBody,
  actor: string,
): Promise<BreachView> {
  const fields = normalise(body);
  fields.dpoContact ??= await defaultContact(ctx, tenantId);
  checkRules(fields);
  const at = ctx.clock.now().toISOString();
  const row: BreachesTable = {
    id: newId('brc'),
    tenant_id: tenantId,
    ...columnsOf(fields),
    people_told: 0,
    people_told_at: null,
    deadline_warned_at: null,
    created_at: at,
    updated_at: at,
  };
  await ctx.db.transaction().execute(async (trx) => {
    await trx.insertInto('breaches').values(row).execute();
    await appendAudit(
      trx,
      tenantId,
      { actor, action: 'breach.recorded', target: row.id, details: { dueAt: row.due_at } },
      at,
    );
  });
  return breachView(row, at);
}

export async function getBreachRow(
  ctx: Pick<AppContext, 'db'>,
  tenantId: string,
  id: string,
): Promise<BreachesTable> {
  const row = await ctx.db
    .selectFrom('breaches')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('breach');
  return row;
}

export async function getBreach(
  ctx: AppContext,
  tenantId: string,
  id: string,
): Promise<BreachView> {
  return breachView(await getBreachRow(ctx, tenantId, id), ctx.clock.now().toISOString());
}

export async function listBreaches(
  ctx: AppContext,
  tenantId: string,
  options: { overdue?: boolean } = {},
) {
  const now = ctx.clock.now().toISOString();
  const rows = await ctx.db
    .selectFrom('breaches')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('aware_at', 'desc')
    .orderBy('id')
    .execute();
  let breaches = rows.map((r) => breachView(r, now));
  if (options.overdue !== undefined)
    breaches = breaches.filter((b) => b.overdue === options.overdue);
  return { breaches, overdue: breaches.filter((b) => b.overdue).length };
}

/** Merges the changed fields into the record and checks the whole again; the audit entry names the fields, not their values. */
export async function updateBreach(
  ctx: AppContext,
  tenantId: string,
  id: string,
  body: UpdateBreachBody,
  actor: string,
): Promise<BreachView> {
  const at = ctx.clock.now().toISOString();
  const changed = Object.keys(body).filter(
    (k) => (body as Record<string, unknown>)[k] !== undefined,
  );
  // Read before the transaction: on SQLite a query beside an open transaction would wait for it.
  const fallbackContact = body.dpoContact === null ? await defaultContact(ctx, tenantId) : null;
  const row = await ctx.db.transaction().execute(async (trx) => {
    const current = await getBreachRow({ db: trx }, tenantId, id);
    const merged = { ...(JSON.parse(current.details) as BreachFields) } as Record<string, unknown>;
    for (const key of changed) merged[key] = (body as Record<string, unknown>)[key];
    const fields = normalise(merged as CreateBreachBody);
    fields.dpoContact ??= fallbackContact;
    checkRules(fields);
    const next: BreachesTable = { ...current, ...columnsOf(fields), updated_at: at };
    await trx
      .updateTable('breaches')
      .set({ ...columnsOf(fields), updated_at: at })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .execute();
    await appendAudit(
      trx,
      tenantId,
      { actor, action: 'breach.updated', target: id, details: { fields: changed } },
      at,
    );
    return next;
  });
  return breachView(row, at);
}

/** Overdue breaches across all tenants, for /metrics. */
export async function countOverdueBreaches(ctx: Pick<AppContext, 'db' | 'clock'>): Promise<number> {
  const row = await ctx.db
    .selectFrom('breaches')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('notification_required', '=', 1)
    .where('ap_notified_at', 'is', null)
    .where('due_at', '<', ctx.clock.now().toISOString())
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}
