// GET /v1/insights: consent and rights counts over a period, without personal data.
import * as v from 'valibot';

const isoDay = v.pipe(
  v.string(),
  v.regex(/^\d{4}-\d{2}-\d{2}$/, 'a date such as 2026-01-31'),
  v.check(
    (s) =>
      !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) &&
      new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
    'a real calendar date',
  ),
);

/** The longest period one query covers. */
const INSIGHTS_MAX_DAYS = 400;

export const InsightsQuery = v.pipe(
  v.object({
    from: v.pipe(isoDay, v.description('First day (UTC), inclusive')),
    to: v.pipe(isoDay, v.description('Last day (UTC), inclusive')),
    granularity: v.optional(v.picklist(['day', 'week']), 'day'),
  }),
  v.check((q) => q.from <= q.to, 'from must not be after to'),
  v.check(
    (q) => (Date.parse(q.to) - Date.parse(q.from)) / 864e5 < INSIGHTS_MAX_DAYS,
    `at most ${INSIGHTS_MAX_DAYS} days`,
  ),
);
export type InsightsQuery = v.InferOutput<typeof InsightsQuery>;

const Count = v.pipe(v.number(), v.integer(), v.minValue(0));
const StatusCounts = v.object({
  granted: Count,
  denied: Count,
  withdrawn: Count,
  expired: Count,
  objected: v.pipe(
    Count,
    v.description('Objections (Art. 21) to a purpose on legitimate interest or public task'),
  ),
});
export type StatusCounts = v.InferOutput<typeof StatusCounts>;
const ChoiceCounts = v.object({
  total: Count,
  accept_all: Count,
  reject_all: Count,
  save_choices: Count,
  placeholder: Count,
  script: Count,
  other: Count,
  gpc: v.pipe(Count, v.description('Choices made with Global Privacy Control on')),
});
export type ChoiceCounts = v.InferOutput<typeof ChoiceCounts>;

export const InsightsResponse = v.object({
  from: v.string(),
  to: v.string(),
  granularity: v.picklist(['day', 'week']),
  /** Events counted up to this ledger position. */
  ledgerSeq: v.number(),
  periods: v.array(
    v.object({
      start: v.pipe(
        v.string(),
        v.description("The period's first day (a Monday for weeks, clipped to from)"),
      ),
      purposes: v.pipe(
        v.record(v.string(), StatusCounts),
        v.description('Ledger events per purpose and status'),
      ),
      choices: v.pipe(
        ChoiceCounts,
        v.description('Consent calls (one choice, however many purposes) per control'),
      ),
    }),
  ),
  totals: v.object({
    purposes: v.record(v.string(), StatusCounts),
    choices: ChoiceCounts,
    byLocale: v.pipe(
      v.record(v.string(), ChoiceCounts),
      v.description('Choices per banner language'),
    ),
    byConfigVersion: v.pipe(
      v.record(v.string(), ChoiceCounts),
      v.description('Choices per configuration version: the effect of a banner change'),
    ),
  }),
  rights: v.object({
    weeks: v.array(v.object({ start: v.string(), received: Count, completed: Count })),
    completed: Count,
    medianDays: v.pipe(
      v.nullable(v.number()),
      v.description('Median days from receipt to answer of the requests answered in the period'),
    ),
    worstDays: v.nullable(v.number()),
    overdueNow: v.pipe(Count, v.description('Open requests past their due date now')),
  }),
});
export type InsightsResponse = v.InferOutput<typeof InsightsResponse>;
