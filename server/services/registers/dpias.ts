// The DPIA register (GDPR Art. 35-36): per purpose of the published config, whether an
// impact assessment is required (a checklist of the processing the Dutch authority says
// always needs one), where it stands, the residual risk, whether the authority had to be
// consulted first (Art. 36(1): the risk stays high), and when it is to be reviewed.
import { dpiaCriteria, type DpiaBody, type DpiaView } from '../../../shared/schemas/registers.js';
import type { AppContext } from '../../context.js';
import type { DpiasTable } from '../../db/database.js';
import { notFound } from '../../errors.js';
import { appendAudit } from './audit.js';
import { getPublishedConfig } from '../config/config.js';

type Stored = Required<{ [K in keyof DpiaBody]: Exclude<DpiaBody[K], undefined> }>;

function normalise(body: DpiaBody): Stored {
  return {
    criteria: dpiaCriteria.filter((c) => body.criteria.includes(c)),
    requiredOtherwise: body.requiredOtherwise,
    status: body.status,
    date: body.date ?? null,
    residualRisk: body.residualRisk ?? null,
    priorConsultationAt: body.priorConsultationAt ?? null,
    priorConsultationReference: body.priorConsultationReference ?? null,
    reviewDate: body.reviewDate ?? null,
    documentLocation: body.documentLocation ?? null,
    notes: body.notes ?? null,
  };
}

export function dpiaView(row: DpiasTable, today: string, known: Set<string>): DpiaView {
  const f = JSON.parse(row.details) as Stored;
  return {
    purpose: row.purpose,
    purposeKnown: known.has(row.purpose),
    ...f,
    required: f.criteria.length > 0 || f.requiredOtherwise,
    priorConsultationNeeded: f.residualRisk === 'high' && f.priorConsultationAt === null,
    reviewOverdue: f.reviewDate !== null && f.reviewDate < today,
    updatedAt: row.updated_at,
  };
}

const today = (ctx: Pick<AppContext, 'clock'>) => ctx.clock.now().toISOString().slice(0, 10);

async function purposeKeys(ctx: Pick<AppContext, 'db'>, tenantId: string): Promise<string[]> {
  const published = await getPublishedConfig(ctx.db, tenantId);
  return published?.config.purposes.map((p) => p.key) ?? [];
}

/** Every DPIA record, and the purposes nobody has assessed yet. */
export async function listDpias(
  ctx: Pick<AppContext, 'db' | 'clock'>,
  tenantId: string,
): Promise<{ dpias: DpiaView[]; unassessed: string[] }> {
  const keys = await purposeKeys(ctx, tenantId);
  const known = new Set(keys);
  const rows = await ctx.db
    .selectFrom('dpias')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('purpose')
    .execute();
  const assessed = new Set(rows.map((r) => r.purpose));
  return {
    dpias: rows.map((r) => dpiaView(r, today(ctx), known)),
    unassessed: keys.filter((k) => !assessed.has(k)),
  };
}

export async function getDpia(
  ctx: AppContext,
  tenantId: string,
  purpose: string,
): Promise<DpiaView> {
  const row = await ctx.db
    .selectFrom('dpias')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .where('purpose', '=', purpose)
    .executeTakeFirst();
  if (!row) throw notFound('DPIA record');
  return dpiaView(row, today(ctx), new Set(await purposeKeys(ctx, tenantId)));
}

/** Creates or replaces the record of a purpose of the published config. */
export async function saveDpia(
  ctx: AppContext,
  tenantId: string,
  purpose: string,
  body: DpiaBody,
  actor: string,
): Promise<DpiaView> {
  const keys = await purposeKeys(ctx, tenantId);
  if (!keys.includes(purpose)) throw notFound('purpose in the published configuration');
  const fields = normalise(body);
  const at = ctx.clock.now().toISOString();
  const row: DpiasTable = {
    tenant_id: tenantId,
    purpose,
    details: JSON.stringify(fields),
    review_date: fields.reviewDate,
    updated_at: at,
  };
  await ctx.db.transaction().execute(async (trx) => {
    await trx
      .insertInto('dpias')
      .values(row)
      .onConflict((oc) =>
        oc
          .columns(['tenant_id', 'purpose'])
          .doUpdateSet({ details: row.details, review_date: row.review_date, updated_at: at }),
      )
      .execute();
    await appendAudit(
      trx,
      tenantId,
      {
        actor,
        action: 'dpia.saved',
        target: purpose,
        details: {
          status: fields.status,
          required: fields.criteria.length > 0 || fields.requiredOtherwise,
          residualRisk: fields.residualRisk,
        },
      },
      at,
    );
  });
  return dpiaView(row, today(ctx), new Set(keys));
}

export async function deleteDpia(
  ctx: AppContext,
  tenantId: string,
  purpose: string,
  actor: string,
): Promise<void> {
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    const result = await trx
      .deleteFrom('dpias')
      .where('tenant_id', '=', tenantId)
      .where('purpose', '=', purpose)
      .executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) throw notFound('DPIA record');
    await appendAudit(trx, tenantId, { actor, action: 'dpia.removed', target: purpose }, at);
  });
}
