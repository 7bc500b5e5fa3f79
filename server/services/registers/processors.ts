// The processors register (GDPR Art. 28, 30(1)(d)-(e)): who processes personal data
// for the tenant, for which purposes, where, under which transfer safeguard, and under
// which signed agreement. The register of processing activities takes its recipients
// and third-country transfers per purpose from here.
import type { ProcessorBody, ProcessorView } from '../../../shared/schemas/registers.js';
import type { AppContext } from '../../context.js';
import type { ProcessorsTable } from '../../db/database.js';
import { notFound, unprocessable } from '../../errors.js';
import { newId } from '../../ids.js';
import { appendAudit } from './audit.js';
import { getPublishedConfig } from '../config/config.js';

type Stored = Required<{ [K in keyof ProcessorBody]: Exclude<ProcessorBody[K], undefined> }>;

function normalise(body: ProcessorBody): Stored {
  return {
    name: body.name,
    role: body.role,
    purposes: [...new Set(body.purposes)],
    dataCategories: body.dataCategories,
    subProcessors: body.subProcessors.map((s) => ({
      name: s.name,
      location: s.location,
      safeguard: s.safeguard ?? null,
    })),
    location: body.location,
    safeguard: body.safeguard ?? null,
    transferDetails: body.transferDetails ?? null,
    agreementDate: body.agreementDate ?? null,
    agreementLocation: body.agreementLocation ?? null,
    reviewDate: body.reviewDate ?? null,
  };
}

export function processorView(row: ProcessorsTable, today: string): ProcessorView {
  const f = JSON.parse(row.details) as Stored;
  return {
    id: row.id,
    ...f,
    subProcessors: f.subProcessors.map((s) => ({ ...s, safeguard: s.safeguard ?? null })),
    reviewOverdue: f.reviewDate !== null && f.reviewDate < today,
    agreementMissing: f.agreementDate === null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Purposes must be in the published config, so the ROPA can place the processor. */
async function checkPurposes(ctx: AppContext, tenantId: string, purposes: string[]) {
  const published = await getPublishedConfig(ctx.db, tenantId);
  const known = new Set(published?.config.purposes.map((p) => p.key) ?? []);
  const unknown = purposes.filter((p) => !known.has(p));
  if (unknown.length > 0)
    throw unprocessable(
      'UNKNOWN_PURPOSE',
      `Not a purpose of the published configuration: ${unknown.join(', ')}`,
    );
}

const today = (ctx: Pick<AppContext, 'clock'>) => ctx.clock.now().toISOString().slice(0, 10);

export async function listProcessors(
  ctx: Pick<AppContext, 'db' | 'clock'>,
  tenantId: string,
): Promise<ProcessorView[]> {
  const rows = await ctx.db
    .selectFrom('processors')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('name')
    .orderBy('id')
    .execute();
  return rows.map((r) => processorView(r, today(ctx)));
}

async function getRow(
  ctx: Pick<AppContext, 'db'>,
  tenantId: string,
  id: string,
): Promise<ProcessorsTable> {
  const row = await ctx.db
    .selectFrom('processors')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('processor');
  return row;
}

export async function getProcessor(
  ctx: AppContext,
  tenantId: string,
  id: string,
): Promise<ProcessorView> {
  return processorView(await getRow(ctx, tenantId, id), today(ctx));
}

export async function saveProcessor(
  ctx: AppContext,
  tenantId: string,
  id: string | null,
  body: ProcessorBody,
  actor: string,
): Promise<ProcessorView> {
  const fields = normalise(body);
  await checkPurposes(ctx, tenantId, fields.purposes);
  const at = ctx.clock.now().toISOString();
  const row = await ctx.db.transaction().execute(async (trx) => {
    const existing = id ? await getRow({ db: trx }, tenantId, id) : null;
    const next: ProcessorsTable = {
      id: existing?.id ?? newId('prc'),
      tenant_id: tenantId,
      name: fields.name,
      details: JSON.stringify(fields),
      review_date: fields.reviewDate,
      created_at: existing?.created_at ?? at,
      updated_at: at,
    };
    if (existing) {
      await trx
        .updateTable('processors')
        .set({
          name: next.name,
          details: next.details,
          review_date: next.review_date,
          updated_at: at,
        })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', next.id)
        .execute();
    } else {
      await trx.insertInto('processors').values(next).execute();
    }
    await appendAudit(
      trx,
      tenantId,
      {
        actor,
        action: existing ? 'processor.updated' : 'processor.added',
        target: next.id,
        details: { purposes: fields.purposes },
      },
      at,
    );
    return next;
  });
  return processorView(row, today(ctx));
}

export async function deleteProcessor(
  ctx: AppContext,
  tenantId: string,
  id: string,
  actor: string,
): Promise<void> {
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await getRow({ db: trx }, tenantId, id);
    await trx
      .deleteFrom('processors')
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .execute();
    await appendAudit(trx, tenantId, { actor, action: 'processor.removed', target: id }, at);
  });
}
