// The audit log: filter by actor, action, target and period, read on page by page,
// download the filtered entries as CSV. Actors show by name when they have one.
import { useEffect, useState } from 'preact/hooks';
import { call, query, type AuditEntry } from '../api';
import { formatDate } from '../i18n';
import type { ScreenProps } from './types';

interface Filters {
  actor: string;
  action: string;
  target: string;
  from: string;
  to: string;
}

const empty: Filters = { actor: '', action: '', target: '', from: '', to: '' };
/** A date field's day as the start of that day in the browser's zone, as the API wants it. */
const dayStart = (day: string, plusDays = 0) =>
  day
    ? new Date(new Date(`${day}T00:00:00`).getTime() + plusDays * 86_400_000).toISOString()
    : undefined;

export function Audit({ m, locale, fail }: ScreenProps) {
  const [draft, setDraft] = useState<Filters>(empty);
  const [filters, setFilters] = useState<Filters>(empty);
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [next, setNext] = useState<string | null>(null);

  const params = (f: Filters) => ({
    actor: f.actor.trim(),
    action: f.action.trim(),
    target: f.target.trim(),
    from: dayStart(f.from),
    to: dayStart(f.to, 1),
  });
  const load = async (after: string | null) => {
    try {
      const page = await call<{ entries: AuditEntry[]; next: string }>(
        'GET',
        `/v1/audit${query({ ...params(filters), after: after ?? undefined, limit: '100' })}`,
      );
      setEntries((before) => (after ? [...(before ?? []), ...page.entries] : page.entries));
      setNext(page.entries.length === 100 ? page.next : null);
    } catch (error) {
      fail(error);
    }
  };
  useEffect(() => void load(null), [filters]);

  const field = (name: keyof Filters, label: string, date = false) => {
    const common = {
      id: `audit-${name}`,
      value: draft[name],
      onInput: (e: Event) => setDraft({ ...draft, [name]: (e.target as HTMLInputElement).value }),
    };
    return (
      <div class="field">
        <label for={`audit-${name}`}>{label}</label>
        {date ? (
          <input type="date" {...common} />
        ) : (
          <input type="text" maxLength={100} {...common} />
        )}
      </div>
    );
  };

  return (
    <div class="stack">
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault();
          setFilters(draft);
        }}
      >
        {field('actor', m.filterActor)}
        {field('action', m.filterAction)}
        {field('target', m.filterTarget)}
        {field('from', m.filterFrom, true)}
        {field('to', m.filterTo, true)}
        <div class="actions">
          <button type="submit">{m.applyFilters}</button>
          <a
            class="button secondary"
            href={`/v1/audit${query({ ...params(filters), format: 'csv' })}`}
            download="audit-log.csv"
          >
            {m.downloadCsv}
          </a>
        </div>
      </form>
      {entries === null ? (
        <p>{m.loading}</p>
      ) : entries.length === 0 ? (
        <p>{m.noEntries}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">{m.auditTitle}</caption>
            <thead>
              <tr>
                <th scope="col">{m.colWhen}</th>
                <th scope="col">{m.colActor}</th>
                <th scope="col">{m.colAction}</th>
                <th scope="col">{m.colTarget}</th>
                <th scope="col">{m.colDetails}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.id}>
                  <td>{formatDate(e.occurredAt, locale)}</td>
                  <td>
                    {e.actorName ? (
                      <>
                        {e.actorName}
                        <br />
                        <span class="meta">{e.actor}</span>
                      </>
                    ) : (
                      e.actor
                    )}
                  </td>
                  <td>{e.action}</td>
                  <td>{e.target ?? '—'}</td>
                  <td>
                    <code class="details">
                      {Object.keys(e.details).length ? JSON.stringify(e.details) : ''}
                    </code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {next && (
        <button type="button" class="secondary" onClick={() => load(next)}>
          {m.loadMore}
        </button>
      )}
    </div>
  );
}
