// People: find a person by e-mail address (keyed-hash lookup, audited) or external id;
// their identities (personal fields only for roles with pii:read), consent now, the
// consent timeline per purpose and channel with source, notice version and receipt id,
// restriction, objection, records per data set and their requests; and a check of a
// consent receipt a person sent.
import { useEffect, useRef, useState } from 'preact/hooks';
import {
  ApiFailure,
  call,
  type HistoryEvent,
  type Person,
  type PersonMatch,
  type RequestItem,
} from '../api';
import { fill, formatDate, labelOf } from '../i18n';
import { ReceiptCheck } from './receipt-check';
import { can, type ScreenProps } from './types';
import { SelectField } from './select-field';

export function People(props: ScreenProps) {
  const { m, self, fail } = props;
  const [text, setText] = useState('');
  const [matches, setMatches] = useState<PersonMatch[] | null>(null);
  const [externalId, setExternalId] = useState<string | null>(null);
  const [notFound, setNotFound] = useState(false);

  const find = async (event: Event) => {
    event.preventDefault();
    const value = text.trim();
    setNotFound(false);
    setExternalId(null);
    setMatches(null);
    if (!value) return;
    if (!value.includes('@')) {
      setExternalId(value);
      return;
    }
    try {
      const found = await call<{ subjects: PersonMatch[] }>(
        'GET',
        `/v1/subjects?email=${encodeURIComponent(value)}`,
      );
      if (found.subjects.length === 1 && found.subjects[0].externalId)
        setExternalId(found.subjects[0].externalId);
      else setMatches(found.subjects);
    } catch (error) {
      fail(error);
    }
  };

  return (
    <div class="stack">
      <form class="stack" onSubmit={find} role="search">
        <div class="field">
          <label for="people-find">{can(self, 'pii:read') ? m.findLabel : m.registerSubject}</label>
          <input
            id="people-find"
            type="text"
            required
            maxLength={254}
            value={text}
            aria-describedby="people-hint"
            onInput={(e) => setText((e.target as HTMLInputElement).value)}
          />
          <p id="people-hint" class="meta">
            {m.findHint}
          </p>
        </div>
        <button type="submit">{m.find}</button>
      </form>
      {matches && (
        <section aria-labelledby="matches">
          <h2 id="matches">
            {m.matchesTitle} ({matches.length})
          </h2>
          {matches.length === 0 ? (
            <p>{m.noMatch}</p>
          ) : (
            <ul>
              {matches.map((p) => (
                <li key={p.id}>
                  {p.externalId ? (
                    <button type="button" class="link" onClick={() => setExternalId(p.externalId)}>
                      {fill(m.openPerson, { name: p.externalId })}
                    </button>
                  ) : (
                    <span>
                      {p.id} {m.noExternalId}
                    </span>
                  )}{' '}
                  <span class="meta">{p.email}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
      {notFound && <p>{m.noMatch}</p>}
      {externalId && (
        <PersonView
          {...props}
          externalId={externalId}
          onMissing={() => {
            setExternalId(null);
            setNotFound(true);
          }}
          key={externalId}
        />
      )}
      <ReceiptCheck m={m} locale={props.locale} announce={props.announce} fail={fail} />
    </div>
  );
}

const START_TYPES = ['access', 'portability', 'objection'] as const;
const START_CHANNELS = ['email', 'letter', 'phone', 'in_person', 'web_form', 'other'] as const;

function PersonView({
  m,
  locale,
  self,
  announce,
  fail,
  externalId,
  onMissing,
}: ScreenProps & { externalId: string; onMissing(): void }) {
  const [person, setPerson] = useState<Person | null>(null);
  const [startType, setStartType] = useState<string>('access');
  const [startChannel, setStartChannel] = useState<string>('email');
  const [history, setHistory] = useState<HistoryEvent[]>([]);
  const [requests, setRequests] = useState<RequestItem[]>([]);
  const heading = useRef<HTMLHeadingElement>(null);
  const id = encodeURIComponent(externalId);

  useEffect(() => {
    (async () => {
      try {
        const [p, h, r] = await Promise.all([
          call<Person>('GET', `/v1/subjects/${id}`),
          call<{ events: HistoryEvent[] }>('GET', `/v1/subjects/${id}/history?limit=500`),
          can(self, 'requests:manage')
            ? call<{ requests: RequestItem[] }>('GET', `/v1/requests?subject=${id}`)
            : Promise.resolve({ requests: [] }),
        ]);
        setPerson(p);
        setHistory(h.events);
        setRequests(r.requests);
      } catch (error) {
        if (error instanceof ApiFailure && error.status === 404) onMissing();
        else fail(error);
      }
    })();
  }, [externalId]);
  useEffect(() => heading.current?.focus(), [person !== null]);

  /** A request for this person, tracked until its identity check is noted and it is run (Requests screen). */
  const start = async (event: Event) => {
    event.preventDefault();
    try {
      const created = await call<RequestItem>('POST', '/v1/requests', {
        subject: externalId,
        type: startType,
        scope: {},
        execute: false,
        channel: startChannel,
      });
      setRequests((before) => [...before, created]);
      announce(fill(m.registered, { id: created.id }));
    } catch (error) {
      fail(error);
    }
  };

  if (!person) return <p>{m.loading}</p>;
  const pii = 'email' in person.identities;
  const groups = new Map<string, HistoryEvent[]>();
  for (const event of history) {
    const key = event.channel ? `${event.purpose} · ${event.channel}` : event.purpose;
    groups.set(key, [...(groups.get(key) ?? []), event]);
  }
  const records = Object.entries(person.records);

  return (
    <article class="stack" aria-labelledby="person-title">
      <h2 id="person-title" ref={heading} tabIndex={-1}>
        {fill(m.personTitle, { name: externalId })}
      </h2>
      <section aria-labelledby="identities">
        <h3 id="identities">{m.identities}</h3>
        <dl class="facts">
          <dt>{m.email}</dt>
          <dd>{pii ? (person.identities.email ?? m.none) : m.notVisible}</dd>
          <dt>{m.phone}</dt>
          <dd>{pii ? (person.identities.phone ?? m.none) : m.notVisible}</dd>
          <dt>{m.visitors}</dt>
          <dd>{person.identities.visitors}</dd>
          <dt>{m.restriction}</dt>
          <dd>
            {person.restriction.restricted
              ? fill(m.restricted, { reason: person.restriction.reason ?? '' })
              : m.notRestricted}
          </dd>
          <dt>{m.objection}</dt>
          <dd>
            {person.objection.objected
              ? fill(m.objected, { at: formatDate(person.objection.at, locale) })
              : m.notObjected}
          </dd>
          <dt>{m.records}</dt>
          <dd>
            {records.length === 0 ? m.none : records.map(([set, n]) => `${set}: ${n}`).join(', ')}
          </dd>
        </dl>
      </section>
      <section aria-labelledby="consent-now">
        <h3 id="consent-now">{m.consentsTitle}</h3>
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{m.colPurpose}</th>
                <th scope="col">{m.colChannel}</th>
                <th scope="col">{m.colStatus}</th>
                <th scope="col">{m.colSource}</th>
                <th scope="col">{m.colWhen}</th>
                <th scope="col">{m.colUntil}</th>
              </tr>
            </thead>
            <tbody>
              {person.consentDetails.map((c) => (
                <tr key={`${c.purpose}-${c.channel}`}>
                  <td>{c.purpose}</td>
                  <td>{c.channel ?? '—'}</td>
                  <td>{labelOf(m, 'consent', c.status)}</td>
                  <td>{c.source}</td>
                  <td>{formatDate(c.updatedAt, locale)}</td>
                  <td>{formatDate(c.expiresAt, locale, false) || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section aria-labelledby="timeline">
        <h3 id="timeline">{m.timelineTitle}</h3>
        {groups.size === 0 && <p>{m.none}</p>}
        {[...groups].map(([key, events]) => (
          <div class="table-wrap" key={key}>
            <table>
              <caption>{key}</caption>
              <thead>
                <tr>
                  <th scope="col">{m.colWhen}</th>
                  <th scope="col">{m.colStatus}</th>
                  <th scope="col">{m.colSource}</th>
                  <th scope="col">{m.colNotice}</th>
                  <th scope="col">{m.colReceipt}</th>
                </tr>
              </thead>
              <tbody>
                {events.map((e) => (
                  <tr key={e.seq}>
                    <td>{formatDate(e.occurredAt, locale)}</td>
                    <td>{labelOf(m, 'consent', e.status)}</td>
                    <td>{e.source}</td>
                    <td>
                      v{e.configVersion} ({e.locale})
                    </td>
                    <td>
                      <code>{e.consentId}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
      </section>
      {can(self, 'requests:manage') && (
        <section aria-labelledby="person-requests">
          <h3 id="person-requests">{m.personRequests}</h3>
          {requests.length === 0 ? (
            <p>{m.none}</p>
          ) : (
            <ul>
              {requests.map((r) => (
                <li key={r.id}>
                  {labelOf(m, 'type', r.type)} · {labelOf(m, 'status', r.status)} ·{' '}
                  {formatDate(r.receivedAt, locale, false)} <span class="meta">{r.id}</span>
                </li>
              ))}
            </ul>
          )}
          <form class="filters" onSubmit={start} aria-label={m.startRequest}>
            <SelectField
              id="start-type"
              label={m.registerType}
              value={startType}
              options={START_TYPES}
              labelFor={(code) => labelOf(m, 'type', code)}
              onChange={setStartType}
            />
            <SelectField
              id="start-channel"
              label={m.registerChannel}
              value={startChannel}
              options={START_CHANNELS}
              labelFor={(code) => labelOf(m, 'channel', code)}
              onChange={setStartChannel}
            />
            <button type="submit">{m.start}</button>
          </form>
        </section>
      )}
    </article>
  );
}
