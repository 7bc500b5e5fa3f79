// The insights report: consent counts per period and purpose, per control, GPC, language and
// configuration version, read from the rolled-up counters (insight-rollup.ts), and the
// rights requests' pace read from the requests themselves (few rows). Days are UTC days;
// weeks start on Monday. Nothing in it names or singles out a person.
import type { Kysely } from 'kysely';
import type {
  ChoiceCounts,
  InsightsQuery,
  InsightsResponse,
  StatusCounts,
} from '../../../shared/schemas/insights.js';
import type { Database } from '../../db/database.js';
import { advanceInsights } from './insight-rollup.js';

const DAY_MS = 864e5;
const countedStatuses = ['granted', 'denied', 'withdrawn', 'expired', 'objected'] as const;
const choiceKinds = ['accept_all', 'reject_all', 'save_choices', 'placeholder', 'script'] as const;

const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const msOf = (day: string) => Date.parse(`${day}T00:00:00Z`);
/** The Monday on or before a day. */
const mondayOf = (day: string) => {
  const ms = msOf(day);
  return dayOf(ms - ((new Date(ms).getUTCDay() + 6) % 7) * DAY_MS);
};

const noStatuses = (): StatusCounts => ({
  granted: 0,
  denied: 0,
  withdrawn: 0,
  expired: 0,
  objected: 0,
});
const noChoices = (): ChoiceCounts => ({
  total: 0,
  accept_all: 0,
  reject_all: 0,
  save_choices: 0,
  placeholder: 0,
  script: 0,
  other: 0,
  gpc: 0,
});

function addChoice(into: ChoiceCounts, interaction: string, gpc: number, count: number) {
  into.total += count;
  const kind = (choiceKinds as readonly string[]).includes(interaction)
    ? (interaction as (typeof choiceKinds)[number])
    : 'other';
  into[kind] += count;
  if (gpc === 1) into.gpc += count;
}

export async function insightsReport(
  db: Kysely<Database>,
  tenantId: string,
  query: InsightsQuery,
  now: Date,
): Promise<InsightsResponse> {
  await advanceInsights(db, tenantId);
  const { from, to, granularity } = query;
  const periodOf = (day: string) =>
    granularity === 'day' ? day : mondayOf(day) < from ? from : mondayOf(day);
  const periods = new Map<string, InsightsResponse['periods'][number]>();
  for (let ms = msOf(from); ms <= msOf(to); ms += DAY_MS) {
    const start = periodOf(dayOf(ms));
    if (!periods.has(start)) periods.set(start, { start, purposes: {}, choices: noChoices() });
  }

  const [cursor, decisions, choices] = await Promise.all([
    db
      .selectFrom('insight_cursors')
      .select('ledger_seq')
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst(),
    db
      .selectFrom('insight_decisions')
      .select(['day', 'purpose', 'status', (eb) => eb.fn.sum<number | string>('count').as('n')])
      .where('tenant_id', '=', tenantId)
      .where('day', '>=', from)
      .where('day', '<=', to)
      .groupBy(['day', 'purpose', 'status'])
      .execute(),
    db
      .selectFrom('insight_choices')
      .select([
        'day',
        'interaction',
        'gpc',
        'locale',
        'config_version',
        (eb) => eb.fn.sum<number | string>('count').as('n'),
      ])
      .where('tenant_id', '=', tenantId)
      .where('day', '>=', from)
      .where('day', '<=', to)
      .groupBy(['day', 'interaction', 'gpc', 'locale', 'config_version'])
      .execute(),
  ]);

  const totals: InsightsResponse['totals'] = {
    purposes: {},
    choices: noChoices(),
    byLocale: {},
    byConfigVersion: {},
  };
  for (const row of decisions) {
    if (!(countedStatuses as readonly string[]).includes(row.status)) continue;
    const status = row.status as keyof StatusCounts;
    const n = Number(row.n);
    const period = periods.get(periodOf(row.day))!;
    (period.purposes[row.purpose] ??= noStatuses())[status] += n;
    (totals.purposes[row.purpose] ??= noStatuses())[status] += n;
  }
  for (const row of choices) {
    const n = Number(row.n);
    addChoice(periods.get(periodOf(row.day))!.choices, row.interaction, row.gpc, n);
    addChoice(totals.choices, row.interaction, row.gpc, n);
    addChoice((totals.byLocale[row.locale] ??= noChoices()), row.interaction, row.gpc, n);
    addChoice(
      (totals.byConfigVersion[String(row.config_version)] ??= noChoices()),
      row.interaction,
      row.gpc,
      n,
    );
  }

  return {
    from,
    to,
    granularity,
    ledgerSeq: cursor?.ledger_seq ?? 0,
    periods: [...periods.values()],
    totals,
    rights: await rightsPace(db, tenantId, from, to, now),
  };
}

/** Requests received and answered per week, how long answering took, and what is overdue now. */
async function rightsPace(
  db: Kysely<Database>,
  tenantId: string,
  from: string,
  to: string,
  now: Date,
): Promise<InsightsResponse['rights']> {
  const start = `${from}T00:00:00.000Z`;
  const end = `${dayOf(msOf(to) + DAY_MS)}T00:00:00.000Z`;
  const [received, answered, overdue] = await Promise.all([
    db
      .selectFrom('requests')
      .select('received_at')
      .where('tenant_id', '=', tenantId)
      .where('received_at', '>=', start)
      .where('received_at', '<', end)
      .execute(),
    db
      .selectFrom('requests')
      .select(['received_at', 'completed_at'])
      .where('tenant_id', '=', tenantId)
      .where('status', 'in', ['completed', 'refused'])
      .where('completed_at', '>=', start)
      .where('completed_at', '<', end)
      .execute(),
    db
      .selectFrom('requests')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('tenant_id', '=', tenantId)
      .where('status', '=', 'received')
      .where('due_at', '<', now.toISOString())
      .executeTakeFirst(),
  ]);
  const weekOf = (iso: string) => {
    const monday = mondayOf(iso.slice(0, 10));
    return monday < from ? from : monday;
  };
  const weeks = new Map<string, { start: string; received: number; completed: number }>();
  for (let ms = msOf(from); ms <= msOf(to); ms += DAY_MS) {
    const week = weekOf(dayOf(ms));
    if (!weeks.has(week)) weeks.set(week, { start: week, received: 0, completed: 0 });
  }
  for (const r of received) weeks.get(weekOf(r.received_at))!.received += 1;
  for (const r of answered) weeks.get(weekOf(r.completed_at!))!.completed += 1;
  const days = answered
    .map((r) => (Date.parse(r.completed_at!) - Date.parse(r.received_at)) / DAY_MS)
    .sort((a, b) => a - b);
  const round = (n: number) => Math.round(n * 10) / 10;
  const middle = Math.floor(days.length / 2);
  const median =
    days.length === 0
      ? null
      : days.length % 2 === 1
        ? days[middle]
        : (days[middle - 1] + days[middle]) / 2;
  return {
    weeks: [...weeks.values()],
    completed: days.length,
    medianDays: median === null ? null : round(median),
    worstDays: days.length === 0 ? null : round(days[days.length - 1]),
    overdueNow: Number(overdue?.n ?? 0),
  };
}
