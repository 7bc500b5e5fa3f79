// Insights: how visitors answer the banner (per control, purpose, language and configuration
// version) and how fast rights requests are answered, over a date range, as a chart and as
// tables with the same numbers, and as a CSV download. Counts only: no person in them.
import { useEffect, useState } from 'preact/hooks';
import { call, query } from '../api';
import { LineChart } from '../charts/line-chart';
import { labelOf } from '../i18n';
import type { ScreenProps } from './types';

type Choices = Record<
  | 'total'
  | 'accept_all'
  | 'reject_all'
  | 'save_choices'
  | 'placeholder'
  | 'script'
  | 'other'
  | 'gpc',
  number
>;
type Statuses = Record<'granted' | 'denied' | 'withdrawn' | 'expired' | 'objected', number>;
interface Report {
  periods: Array<{ start: string; purposes: Record<string, Statuses>; choices: Choices }>;
  totals: {
    purposes: Record<string, Statuses>;
    choices: Choices;
    byLocale: Record<string, Choices>;
    byConfigVersion: Record<string, Choices>;
  };
  rights: {
    weeks: Array<{ start: string; received: number; completed: number }>;
    completed: number;
    medianDays: number | null;
    worstDays: number | null;
    overdueNow: number;
  };
}

const KINDS = [
  'accept_all',
  'reject_all',
  'save_choices',
  'placeholder',
  'script',
  'other',
] as const;
const STATUSES = ['granted', 'denied', 'withdrawn', 'expired', 'objected'] as const;
const day = (offset: number) => new Date(Date.now() + offset * 864e5).toISOString().slice(0, 10);
const share = (n: number, total: number) =>
  total === 0 ? '—' : `${Math.round((n / total) * 1000) / 10}%`;

/** The periods as CSV: one row per period, choices per control, then each purpose's statuses. */
export function insightsCsv(report: Report): string {
  const purposes = Object.keys(report.totals.purposes);
  const head = [
    'period',
    'choices',
    ...KINDS,
    'gpc',
    ...purposes.flatMap((p) => STATUSES.map((s) => `${p} ${s}`)),
  ];
  const rows = report.periods.map((p) => [
    p.start,
    p.choices.total,
    ...KINDS.map((k) => p.choices[k]),
    p.choices.gpc,
    ...purposes.flatMap((key) => STATUSES.map((s) => p.purposes[key]?.[s] ?? 0)),
  ]);
  // Purpose keys are [a-z0-9_] and every other cell a date or a number: nothing to quote.
  return [head, ...rows].map((r) => r.join(',')).join('\r\n') + '\r\n';
}

export function Insights({ m, fail }: ScreenProps) {
  const [range, setRange] = useState({ from: day(-29), to: day(0), granularity: 'day' });
  const [draft, setDraft] = useState(range);
  const [report, setReport] = useState<Report | null>(null);

  useEffect(() => {
    call<Report>('GET', `/v1/insights${query(range)}`).then(setReport, fail);
  }, [range]);

  const kind = (k: string) => labelOf(m, 'insKind', k);
  const input = (name: 'from' | 'to') => (
    <div class="field">
      <label for={`ins-${name}`}>{name === 'from' ? m.filterFrom : m.filterTo}</label>
      <input
        type="date"
        id={`ins-${name}`}
        required
        value={draft[name]}
        onInput={(e) => setDraft({ ...draft, [name]: (e.target as HTMLInputElement).value })}
      />
    </div>
  );
  const t = report?.totals;
  // Objections come only from purposes on legitimate interest or public task: charted when there are any.
  const objecting = t ? Object.keys(t.purposes).filter((key) => t.purposes[key].objected > 0) : [];

  return (
    <div class="stack">
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setRange(draft);
        }}
      >
        {input('from')}
        {input('to')}
        <div class="field">
          <label for="ins-granularity">{m.insGranularity}</label>
          <select
            id="ins-granularity"
            value={draft.granularity}
            onChange={(e) =>
              setDraft({ ...draft, granularity: (e.target as HTMLSelectElement).value })
            }
          >
            <option value="day">{m.insDay}</option>
            <option value="week">{m.insWeek}</option>
          </select>
        </div>
        <div class="actions">
          <button type="submit">{m.applyFilters}</button>
          {report && (
            <a
              class="button secondary"
              href={`data:text/csv;charset=utf-8,${encodeURIComponent(insightsCsv(report))}`}
              download="insights.csv"
            >
              {m.downloadCsv}
            </a>
          )}
        </div>
      </form>
      {!report || !t ? (
        <p>{m.loading}</p>
      ) : (
        <>
          <h2>{m.insChoices}</h2>
          <p class="meta">{m.insChoicesHint}</p>
          <LineChart
            title={m.insChoicesChart}
            labels={report.periods.map((p) => p.start)}
            series={['accept_all', 'reject_all', 'save_choices', 'script'].map((k) => ({
              key: k,
              label: kind(k),
              values: report.periods.map((p) => p.choices[k as keyof Choices]),
            }))}
          />
          <div class="table-wrap">
            <table id="ins-shares">
              <caption>{m.insShares}</caption>
              <thead>
                <tr>
                  <th scope="col">{m.insControl}</th>
                  <th scope="col">{m.insCount}</th>
                  <th scope="col">{m.insShare}</th>
                </tr>
              </thead>
              <tbody>
                {[...KINDS, 'gpc' as const].map((k) => (
                  <tr key={k} data-kind={k}>
                    <th scope="row">{kind(k)}</th>
                    <td>{t.choices[k]}</td>
                    <td>{share(t.choices[k], t.choices.total)}</td>
                  </tr>
                ))}
                <tr data-kind="total">
                  <th scope="row">{m.insTotal}</th>
                  <td>{t.choices.total}</td>
                  <td />
                </tr>
              </tbody>
            </table>
          </div>
          <div class="table-wrap">
            <table id="ins-periods">
              <caption>{m.insPerPeriod}</caption>
              <thead>
                <tr>
                  <th scope="col">{m.insPeriod}</th>
                  {KINDS.map((k) => (
                    <th scope="col" key={k}>
                      {kind(k)}
                    </th>
                  ))}
                  <th scope="col">{kind('gpc')}</th>
                </tr>
              </thead>
              <tbody>
                {report.periods.map((p) => (
                  <tr key={p.start}>
                    <th scope="row">{p.start}</th>
                    {KINDS.map((k) => (
                      <td key={k}>{p.choices[k]}</td>
                    ))}
                    <td>{p.choices.gpc}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {objecting.length > 0 && (
            <LineChart
              title={m.insObjectionsChart}
              labels={report.periods.map((p) => p.start)}
              series={objecting.map((key) => ({
                key,
                label: key,
                values: report.periods.map((p) => p.purposes[key]?.objected ?? 0),
              }))}
            />
          )}
          <Breakdown
            caption={m.insPurposes}
            head={m.insPurpose}
            columns={STATUSES.map((s) => labelOf(m, 'insStatus', s))}
            rows={Object.entries(t.purposes).map(([key, counts]) => [
              key,
              STATUSES.map((s) => counts[s]),
            ])}
            id="ins-purposes"
          />
          <Breakdown
            caption={m.insByLocale}
            head={m.insLocale}
            columns={[m.insTotal, kind('accept_all'), kind('reject_all')]}
            rows={Object.entries(t.byLocale).map(([key, c]) => [
              key,
              [c.total, c.accept_all, c.reject_all],
            ])}
            id="ins-locales"
          />
          <Breakdown
            caption={m.insByVersion}
            head={m.insVersion}
            columns={[m.insTotal, kind('accept_all'), kind('reject_all')]}
            rows={Object.entries(t.byConfigVersion).map(([key, c]) => [
              key,
              [c.total, c.accept_all, c.reject_all],
            ])}
            id="ins-versions"
          />
          <h2>{m.insRights}</h2>
          <dl class="facts">
            <dt>{m.insCompleted}</dt>
            <dd>{report.rights.completed}</dd>
            <dt>{m.insMedian}</dt>
            <dd>{report.rights.medianDays ?? '—'}</dd>
            <dt>{m.insWorst}</dt>
            <dd>{report.rights.worstDays ?? '—'}</dd>
            <dt>{m.insOverdue}</dt>
            <dd>{report.rights.overdueNow}</dd>
          </dl>
          <Breakdown
            caption={m.insRightsWeeks}
            head={m.insWeek}
            columns={[m.insReceived, m.insCompleted]}
            rows={report.rights.weeks.map((w) => [w.start, [w.received, w.completed]])}
            id="ins-rights"
          />
        </>
      )}
    </div>
  );
}

function Breakdown({
  caption,
  head,
  columns,
  rows,
  id,
}: {
  caption: string;
  head: string;
  columns: string[];
  rows: Array<[string, number[]]>;
  id: string;
}) {
  return (
    <div class="table-wrap">
      <table id={id}>
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{head}</th>
            {columns.map((c) => (
              <th scope="col" key={c}>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map(([key, values]) => (
            <tr key={key}>
              <th scope="row">{key}</th>
              {values.map((v, i) => (
                <td key={i}>{v}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
