// Requests: the open ones split into overdue, due within 7 days and later, each with
// its deadline clock; execute, extend (with the reason the person is sent), refuse
// (ground and explanation) or cancel in a panel below the tables; register a request
// that came by letter, phone or e-mail with the day it arrived (tracked until the
// identity check is noted and it is executed); download exports.
import { useEffect, useRef, useState } from 'preact/hooks';
import { call, type RequestItem } from '../api';
import { fill, formatDate, labelOf, type Messages } from '../i18n';
import type { ScreenProps } from './types';
import { SelectField } from './select-field';

const DAY = 24 * 60 * 60_000;
const GROUNDS = [
  'manifestly_unfounded',
  'excessive',
  'identity_not_verified',
  'exemption',
] as const;
const SIMPLE_TYPES = ['access', 'portability', 'objection', 'lift_restriction'] as const;
const CHANNELS = ['email', 'letter', 'phone', 'in_person', 'web_form', 'other'] as const;
const CHECKS = [
  'known_email',
  'document',
  'knowledge_questions',
  'in_person',
  'signed_in',
  'other',
] as const;
type Action = 'identity' | 'execute' | 'extend' | 'refuse' | 'cancel';

/** The actions an open request offers: a hand-registered one needs its identity check before it runs. */
const actionsFor = (r: RequestItem): Action[] => {
  const unchecked = r.channel !== null && r.identityCheck === null;
  return [
    ...(unchecked ? ['identity' as const] : ['execute' as const]),
    ...(r.extension ? [] : ['extend' as const]),
    'refuse',
    'cancel',
  ];
};

export function deadlineText(m: Messages, request: RequestItem, now = Date.now()): string {
  const days = Math.ceil((Date.parse(request.dueAt) - now) / DAY);
  if (request.overdue || days < 0) return fill(m.overdueBy, { days: Math.max(1, -days) });
  return days === 0 ? m.dueToday : fill(m.dueIn, { days });
}

export function Requests({ m, locale, announce, fail }: ScreenProps) {
  const [open, setOpen] = useState<RequestItem[] | null>(null);
  const [closed, setClosed] = useState<RequestItem[]>([]);
  const [handling, setHandling] = useState<{ request: RequestItem; action: Action } | null>(null);
  const panel = useRef<HTMLHeadingElement>(null);
  // Where the keyboard goes once the panel closes: back to the request's row while it is
  // open, else to the closed requests it joined; never lost to the top of the page.
  const [returnTo, setReturnTo] = useState<string | null>(null);

  const load = async () => {
    try {
      // Every open request, page by page (the API pages by keyset, 1,000 at a time).
      const received: RequestItem[] = [];
      for (let after: string | null = ''; after !== null;) {
        const page: { requests: RequestItem[]; next: string | null } = await call(
          'GET',
          `/v1/requests?status=received&limit=1000${after ? `&after=${after}` : ''}`,
        );
        received.push(...page.requests);
        after = page.next;
      }
      setOpen(received);
    } catch (error) {
      fail(error);
    }
  };
  useEffect(() => void load(), []);
  useEffect(() => panel.current?.focus(), [handling]);
  useEffect(() => {
    if (!returnTo || handling) return;
    const row = document.querySelector<HTMLButtonElement>(
      `[data-request="${CSS.escape(returnTo)}"] button`,
    );
    (row ?? document.getElementById('closed'))?.focus();
    setReturnTo(null);
  }, [returnTo, handling, open]);

  if (!open) return <p>{m.loading}</p>;
  const now = Date.now();
  const overdue = open.filter((r) => r.overdue);
  const soon = open.filter((r) => !r.overdue && Date.parse(r.dueAt) - now <= 7 * DAY);
  const later = open.filter((r) => !r.overdue && Date.parse(r.dueAt) - now > 7 * DAY);

  const done = async (text: string, handled?: RequestItem) => {
    const id = handled?.id ?? null;
    setHandling(null);
    // What was closed here stays in view, with its export when it has one.
    if (handled && handled.status !== 'received')
      setClosed((before) => [handled, ...before.filter((r) => r.id !== handled.id)]);
    // Announced once the lists show the change, so what is said is what can be found.
    await load();
    announce(text);
    setReturnTo(id);
  };

  const table = (title: string, rows: RequestItem[], id: string) => (
    <section aria-labelledby={id}>
      <h2 id={id}>
        {title} ({rows.length})
      </h2>
      {rows.length === 0 ? (
        <p>{m.noRequests}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">{m.colRequest}</th>
                <th scope="col">{m.colPerson}</th>
                <th scope="col">{m.colReceived}</th>
                <th scope="col">{m.colDeadline}</th>
                <th scope="col">{m.colActions}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id} data-request={r.id}>
                  <td>
                    {labelOf(m, 'type', r.type)}
                    <br />
                    <span class="meta">{r.id}</span>
                    {r.channel && (
                      <>
                        <br />
                        <span class="meta">
                          {fill(m.cameBy, { channel: labelOf(m, 'channel', r.channel) })};{' '}
                          {r.identityCheck
                            ? fill(m.identityDone, {
                                method: labelOf(m, 'idcheck', r.identityCheck.method),
                              })
                            : m.identityPending}
                        </span>
                      </>
                    )}
                  </td>
                  <td>{r.subject.externalId ?? '—'}</td>
                  <td>{formatDate(r.receivedAt, locale, false)}</td>
                  <td>
                    {formatDate(r.dueAt, locale, false)}
                    <br />
                    <span class={r.overdue ? 'late' : 'meta'}>{deadlineText(m, r, now)}</span>
                    {r.extension && (
                      <>
                        <br />
                        <span class="meta">
                          {fill(m.extendedNote, { reason: r.extension.reason })}
                        </span>
                      </>
                    )}
                  </td>
                  <td>
                    <div class="actions">
                      {actionsFor(r).map((action) => (
                        <button
                          type="button"
                          class={action === 'execute' || action === 'identity' ? '' : 'secondary'}
                          key={action}
                          aria-label={`${m[action]}: ${labelOf(m, 'type', r.type)} ${r.id}`}
                          onClick={() => setHandling({ request: r, action })}
                        >
                          {m[action]}
                        </button>
                      ))}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );

  return (
    <div class="stack">
      {table(m.overdueTitle, overdue, 'overdue')}
      {table(m.dueSoonTitle, soon, 'due-soon')}
      {table(m.laterTitle, later, 'later')}
      {handling && (
        <Handle
          m={m}
          handling={handling}
          heading={panel}
          onDone={done}
          onClose={() => {
            setReturnTo(handling.request.id);
            setHandling(null);
          }}
          fail={fail}
        />
      )}
      <section aria-labelledby="closed">
        <h2 id="closed" tabIndex={-1}>
          {m.closedTitle}
        </h2>
        {closed.length === 0 ? (
          <p>{m.noRequests}</p>
        ) : (
          <ul>
            {closed.map((r) => (
              <li key={r.id}>
                {labelOf(m, 'type', r.type)} · {r.subject.externalId ?? '—'} ·{' '}
                {labelOf(m, 'status', r.status)} {formatDate(r.completedAt, locale)}
                {(r.type === 'access' || r.type === 'portability') && r.subject.id && (
                  <>
                    {' '}
                    ·{' '}
                    <a
                      href={`/v1/requests/${encodeURIComponent(r.id)}/export?format=json&locale=${locale}`}
                      download
                    >
                      {m.download} ({r.id})
                    </a>
                  </>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
      <Register m={m} onDone={done} fail={fail} />
    </div>
  );
}

function Handle({
  m,
  handling,
  heading,
  onDone,
  onClose,
  fail,
}: {
  m: Messages;
  handling: { request: RequestItem; action: Action };
  heading: { current: HTMLHeadingElement | null };
  onDone(text: string, handled?: RequestItem): Promise<void>;
  onClose(): void;
  fail(error: unknown): void;
}) {
  const { request, action } = handling;
  const [reason, setReason] = useState('');
  const [months, setMonths] = useState('2');
  const [ground, setGround] = useState<string>(GROUNDS[0]);
  const [method, setMethod] = useState<string>(CHECKS[0]);
  const [busy, setBusy] = useState(false);
  const path = `/v1/requests/${encodeURIComponent(request.id)}/${action === 'identity' ? 'identity-check' : action}`;
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    try {
      const body =
        action === 'extend'
          ? { reason, months: Number(months) }
          : action === 'refuse'
            ? { ground, explanation: reason }
            : action === 'identity'
              ? { method }
              : undefined;
      const handled = await call<RequestItem>('POST', path, body);
      const said = {
        identity: m.identityNoted,
        execute: m.executed,
        extend: m.extended,
        refuse: m.refused,
        cancel: m.cancelled,
      }[action];
      await onDone(fill(said, { id: request.id }), handled);
    } catch (error) {
      fail(error);
    } finally {
      setBusy(false);
    }
  };
  const confirm = {
    identity: m.identity,
    execute: m.execute,
    extend: m.confirmExtend,
    refuse: m.confirmRefuse,
    cancel: m.cancel,
  }[action];
  return (
    <section class="confirm" aria-labelledby="handle-title">
      <h2 id="handle-title" ref={heading} tabIndex={-1}>
        {fill(m.handleTitle, { id: request.id })}: {m[action]}
      </h2>
      <form class="stack" onSubmit={submit}>
        {action === 'extend' && (
          <div class="field">
            <label for="extend-months">{m.extendMonths}</label>
            <select
              id="extend-months"
              value={months}
              onChange={(e) => setMonths((e.target as HTMLSelectElement).value)}
            >
              <option value="1">1</option>
              <option value="2">2</option>
            </select>
          </div>
        )}
        {action === 'identity' && (
          <SelectField
            id="identity-method"
            label={m.identityMethod}
            value={method}
            options={CHECKS}
            labelFor={(code) => labelOf(m, 'idcheck', code)}
            onChange={setMethod}
          />
        )}
        {action === 'refuse' && (
          <SelectField
            id="refuse-ground"
            label={m.refuseGround}
            value={ground}
            options={GROUNDS}
            labelFor={(code) => labelOf(m, 'ground', code)}
            onChange={setGround}
          />
        )}
        {(action === 'extend' || action === 'refuse') && (
          <div class="field">
            <label for="handle-reason">
              {action === 'extend' ? m.extendReason : m.refuseExplanation}
            </label>
            <textarea
              id="handle-reason"
              required
              minLength={3}
              maxLength={action === 'extend' ? 1000 : 2000}
              rows={4}
              value={reason}
              onInput={(e) => setReason((e.target as HTMLTextAreaElement).value)}
            />
          </div>
        )}
        <div class="actions">
          <button
            type="submit"
            class={action === 'refuse' || action === 'cancel' ? 'danger' : ''}
            disabled={busy}
          >
            {confirm}
          </button>
          <button type="button" class="secondary" onClick={onClose}>
            {m.close}
          </button>
        </div>
      </form>
    </section>
  );
}

const today = () => new Date().toISOString().slice(0, 10);

function Register({
  m,
  onDone,
  fail,
}: {
  m: Messages;
  onDone(text: string): Promise<void>;
  fail(error: unknown): void;
}) {
  const [subject, setSubject] = useState('');
  const [type, setType] = useState<string>('access');
  const [received, setReceived] = useState(today);
  const [channel, setChannel] = useState<string>('email');
  const [check, setCheck] = useState('');
  const submit = async (event: Event) => {
    event.preventDefault();
    try {
      // The day it arrived, at the start of that day here; today means now.
      const receivedAt =
        received && received !== today()
          ? new Date(`${received}T00:00:00`).toISOString()
          : undefined;
      const created = await call<RequestItem>('POST', '/v1/requests', {
        subject,
        type,
        scope: {},
        execute: false,
        channel,
        receivedAt,
        ...(check ? { identityCheck: { method: check } } : {}),
      });
      setSubject('');
      await onDone(fill(m.registered, { id: created.id }));
    } catch (error) {
      fail(error);
    }
  };
  return (
    <section aria-labelledby="register" class="stack">
      <h2 id="register">{m.registerTitle}</h2>
      <p>{m.registerIntro}</p>
      <form class="stack" onSubmit={submit}>
        <div class="field">
          <label for="register-subject">{m.registerSubject}</label>
          <input
            id="register-subject"
            type="text"
            required
            maxLength={200}
            value={subject}
            onInput={(e) => setSubject((e.target as HTMLInputElement).value)}
          />
        </div>
        <SelectField
          id="register-type"
          label={m.registerType}
          value={type}
          options={SIMPLE_TYPES}
          labelFor={(code) => labelOf(m, 'type', code)}
          onChange={setType}
        />
        <div class="field">
          <label for="register-received">{m.registerReceived}</label>
          <input
            id="register-received"
            type="date"
            required
            max={today()}
            value={received}
            onInput={(e) => setReceived((e.target as HTMLInputElement).value)}
          />
        </div>
        <SelectField
          id="register-channel"
          label={m.registerChannel}
          value={channel}
          options={CHANNELS}
          labelFor={(code) => labelOf(m, 'channel', code)}
          onChange={setChannel}
        />
        <SelectField
          id="register-identity"
          label={m.registerIdentity}
          value={check}
          options={CHECKS}
          labelFor={(code) => labelOf(m, 'idcheck', code)}
          empty={m.notYet}
          onChange={setCheck}
        />
        <button type="submit">{m.register}</button>
      </form>
    </section>
  );
}
