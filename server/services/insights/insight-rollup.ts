// Counts the ledger into the insight tables, incrementally: each run reads only the events
// after the tenant's cursor, adds their counts and moves the cursor, in one transaction, so
// the counts are exact and a run that fails or is cut off resumes where the last one ended.
// It runs when insights are read (up to the ledger head at that moment), before old events
// are pruned, and in the background a bounded batch at a time (insight-catch-up.ts), instead
// of on every consent write: the banner's write path stays as fast as it is, and a dashboard
// pays only for the events since the last catch-up.
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database.js';

/** Events read per step; each step is its own transaction, so one catch-up never holds a long lock. */
const STEP = 20_000;

interface Cursor {
  seq: number;
  lastConsentId: string;
}

async function readCursor(db: Kysely<Database>, tenantId: string): Promise<Cursor> {
  const row = await db
    .selectFrom('insight_cursors')
    .select(['ledger_seq', 'last_consent_id'])
    .where('tenant_id', '=', tenantId)
    .executeTakeFirst();
  return { seq: row?.ledger_seq ?? 0, lastConsentId: row?.last_consent_id ?? '' };
}

/**
 * Brings the tenant's insight counters up to the ledger head, or counts at most `maxEvents`
 * events when given; returns how many events it counted.
 */
export async function advanceInsights(
  db: Kysely<Database>,
  tenantId: string,
  maxEvents = Infinity,
): Promise<number> {
  let counted = 0;
  while (counted < maxEvents) {
    const step = await advanceStep(db, tenantId, Math.min(STEP, maxEvents - counted));
    if (step === null) return counted;
    counted += step;
  }
  return counted;
}

/** One step of at most `limit` events; null when there was nothing left (or another reader took this step). */
async function advanceStep(
  db: Kysely<Database>,
  tenantId: string,
  limit: number,
): Promise<number | null> {
  return db.transaction().execute(async (trx) => {
    const cursor = await readCursor(trx, tenantId);
    const events = await trx
      .selectFrom('consent_events')
      .select([
        'seq',
        'consent_id',
        'purpose',
        'status',
        'interaction',
        'gpc',
        'locale',
        'config_version',
        'occurred_at',
      ])
      .where('tenant_id', '=', tenantId)
      .where('seq', '>', cursor.seq)
      .orderBy('seq')
      .limit(limit)
      .execute();
    if (events.length === 0) return null;
    const last = events[events.length - 1];
    // Claim the step first: of two readers catching up at once only one moves the cursor
    // from where both read it, and the other counts nothing (its transaction is rolled back).
    if (
      !(await moveCursor(trx, tenantId, cursor, { seq: last.seq, lastConsentId: last.consent_id }))
    )
      return null;

    const decisions = new Map<string, number>();
    const choices = new Map<string, number>();
    let previousConsent = cursor.lastConsentId;
    for (const e of events) {
      const context = [
        e.occurred_at.slice(0, 10),
        e.interaction ?? '',
        e.gpc,
        e.locale,
        e.config_version,
      ];
      const decisionKey = JSON.stringify([...context, e.purpose, e.status]);
      decisions.set(decisionKey, (decisions.get(decisionKey) ?? 0) + 1);
      // A consent call's events are consecutive in the chain: it is counted at its first.
      if (e.consent_id !== previousConsent) {
        const choiceKey = JSON.stringify(context);
        choices.set(choiceKey, (choices.get(choiceKey) ?? 0) + 1);
        previousConsent = e.consent_id;
      }
    }
    await addCounts(trx, tenantId, decisions, choices);
    return events.length;
  });
}

async function moveCursor(
  trx: Kysely<Database>,
  tenantId: string,
  from: Cursor,
  to: Cursor,
): Promise<boolean> {
  if (from.seq === 0 && from.lastConsentId === '') {
    const inserted = await trx
      .insertInto('insight_cursors')
      .values({ tenant_id: tenantId, ledger_seq: to.seq, last_consent_id: to.lastConsentId })
      .onConflict((oc) => oc.column('tenant_id').doNothing())
      .executeTakeFirst();
    return Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1;
  }
  const updated = await trx
    .updateTable('insight_cursors')
    .set({ ledger_seq: to.seq, last_consent_id: to.lastConsentId })
    .where('tenant_id', '=', tenantId)
    .where('ledger_seq', '=', from.seq)
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1;
}

/** Rows per INSERT: well under SQLite's and PostgreSQL's limits on bound parameters. */
const ROWS_PER_INSERT = 500;

async function addCounts(
  trx: Kysely<Database>,
  tenantId: string,
  decisions: Map<string, number>,
  choices: Map<string, number>,
) {
  const decisionRows = [...decisions].map(([key, count]) => {
    const [day, interaction, gpc, locale, configVersion, purpose, status] = JSON.parse(key) as [
      string,
      string,
      0 | 1,
      string,
      number,
      string,
      string,
    ];
    return {
      tenant_id: tenantId,
      day,
      interaction,
      gpc,
      locale,
      config_version: configVersion,
      purpose,
      status,
      count,
    };
  });
  for (let i = 0; i < decisionRows.length; i += ROWS_PER_INSERT) {
    await trx
      .insertInto('insight_decisions')
      .values(decisionRows.slice(i, i + ROWS_PER_INSERT))
      .onConflict((oc) =>
        oc
          .columns([
            'tenant_id',
            'day',
            'purpose',
            'status',
            'interaction',
            'gpc',
            'locale',
            'config_version',
          ])
          .doUpdateSet({ count: sql`insight_decisions.count + excluded.count` }),
      )
      .execute();
  }
  const choiceRows = [...choices].map(([key, count]) => {
    const [day, interaction, gpc, locale, configVersion] = JSON.parse(key) as [
      string,
      string,
      0 | 1,
      string,
      number,
    ];
    return {
      tenant_id: tenantId,
      day,
      interaction,
      gpc,
      locale,
      config_version: configVersion,
      count,
    };
  });
  for (let i = 0; i < choiceRows.length; i += ROWS_PER_INSERT) {
    await trx
      .insertInto('insight_choices')
      .values(choiceRows.slice(i, i + ROWS_PER_INSERT))
      .onConflict((oc) =>
        oc
          .columns(['tenant_id', 'day', 'interaction', 'gpc', 'locale', 'config_version'])
          .doUpdateSet({ count: sql`insight_choices.count + excluded.count` }),
      )
      .execute();
  }
}
