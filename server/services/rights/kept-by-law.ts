// Data a law obliges the controller to keep (Art. 17(3)(b)): an erasure leaves the records
// of the data sets in `retention.keptByLaw` while their term runs, and says which, on what
// basis and until when (Art. 12(4): the person learns why a request is not carried out in
// full). A whole erasure moves them out of the person's profile into `kept_records`, where
// nothing but retention reads them; a partial one leaves them where they are.
import type { Kysely } from 'kysely';
import type { KeptByLaw, TenantConfig } from '../../../shared/schemas/config.js';
import type { Database } from '../../db/database.js';

const DAY_MS = 86_400_000;

/** What an erasure kept of one data set: how many records, why and until when (the last one's term). */
export interface KeptSummary {
  dataset: string;
  records: number;
  basis: string;
  until: string;
}

export const keptByLawOf = (config: TenantConfig | null | undefined): Record<string, KeptByLaw> =>
  config?.retention?.keptByLaw ?? {};

/** The end of a record's term. */
export const keepUntil = (createdAt: string, days: number): string =>
  new Date(Date.parse(createdAt) + days * DAY_MS).toISOString();

/** Records created after this time are still within the term of `days` at `at`. */
const termStart = (at: string, days: number): string =>
  new Date(Date.parse(at) - days * DAY_MS).toISOString();

/** The person's records still kept by law at `at`, one data set at a time. */
async function recordsInTerm(
  trx: Kysely<Database>,
  tenantId: string,
  subjectId: string,
  dataset: string,
  kept: KeptByLaw,
  at: string,
) {
  return trx
    .selectFrom('records')
    .select(['id', 'data_enc', 'created_at'])
    .where('tenant_id', '=', tenantId)
    .where('subject_id', '=', subjectId)
    .where('dataset', '=', dataset)
    .where('created_at', '>', termStart(at, kept.days))
    .orderBy('created_at')
    .execute();
}

/**
 * A whole erasure: copies the records in term to kept_records (the ciphertext unchanged), tied to
 * the request and the tombstone only. The caller deletes the person's records afterwards.
 */
export async function keepRecordsOfErased(
  trx: Kysely<Database>,
  config: TenantConfig | null,
  input: { tenantId: string; subjectId: string; requestId: string | null; at: string },
): Promise<{ kept: KeptSummary[]; attachTombstone(tombstoneId: string): Promise<void> }> {
  const kept: KeptSummary[] = [];
  const ids: string[] = [];
  for (const [dataset, rule] of Object.entries(keptByLawOf(config))) {
    const rows = await recordsInTerm(trx, input.tenantId, input.subjectId, dataset, rule, input.at);
    if (rows.length === 0) continue;
    await trx
      .insertInto('kept_records')
      .values(
        rows.map((row) => ({
          id: row.id,
          tenant_id: input.tenantId,
          dataset,
          data_enc: row.data_enc,
          created_at: row.created_at,
          keep_until: keepUntil(row.created_at, rule.days),
          basis: rule.basis,
          request_id: input.requestId,
          tombstone_id: null,
          kept_at: input.at,
        })),
      )
      .execute();
    ids.push(...rows.map((r) => r.id));
    kept.push({
      dataset,
      records: rows.length,
      basis: rule.basis,
      until: keepUntil(rows[rows.length - 1].created_at, rule.days),
    });
  }
  return {
    kept,
    async attachTombstone(tombstoneId) {
      if (ids.length > 0)
        await trx
          .updateTable('kept_records')
          .set({ tombstone_id: tombstoneId })
          .where('tenant_id', '=', input.tenantId)
          .where('id', 'in', ids)
          .execute();
    },
  };
}

/**
 * A partial erasure of `datasets`: the records a law keeps stay, and are named. Answers the
 * data sets' cut-off times so the caller deletes only the records whose term has ended.
 */
export async function keptInPartialErasure(
  trx: Kysely<Database>,
  config: TenantConfig | null,
  input: { tenantId: string; subjectId: string; datasets: string[]; at: string },
): Promise<{ kept: KeptSummary[]; termStarts: Record<string, string> }> {
  const rules = keptByLawOf(config);
  const kept: KeptSummary[] = [];
  const termStarts: Record<string, string> = {};
  for (const dataset of input.datasets) {
    const rule = rules[dataset];
    if (!rule) continue;
    termStarts[dataset] = termStart(input.at, rule.days);
    const rows = await recordsInTerm(trx, input.tenantId, input.subjectId, dataset, rule, input.at);
    if (rows.length > 0)
      kept.push({
        dataset,
        records: rows.length,
        basis: rule.basis,
        until: keepUntil(rows[rows.length - 1].created_at, rule.days),
      });
  }
  return { kept, termStarts };
}

/** The person's own view: per data set kept by law, the basis, the term and when their last record's term ends. */
export async function keptByLawFor(
  db: Kysely<Database>,
  config: TenantConfig | null,
  tenantId: string,
  subjectId: string,
): Promise<Array<{ dataset: string; basis: string; days: number; until: string | null }>> {
  const rules = Object.entries(keptByLawOf(config));
  if (rules.length === 0) return [];
  const latest = await db
    .selectFrom('records')
    .select(['dataset', (eb) => eb.fn.max('created_at').as('last')])
    .where('tenant_id', '=', tenantId)
    .where('subject_id', '=', subjectId)
    .where(
      'dataset',
      'in',
      rules.map(([d]) => d),
    )
    .groupBy('dataset')
    .execute();
  return rules.map(([dataset, rule]) => {
    const last = latest.find((l) => l.dataset === dataset)?.last;
    return {
      dataset,
      basis: rule.basis,
      days: rule.days,
      until: last ? keepUntil(String(last), rule.days) : null,
    };
  });
}

/** Retention: deletes kept records whose term has ended; answers how many went. */
export async function purgeKeptRecords(
  trx: Kysely<Database>,
  tenantId: string,
  now: string,
): Promise<number> {
  const result = await trx
    .deleteFrom('kept_records')
    .where('tenant_id', '=', tenantId)
    .where('keep_until', '<=', now)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
