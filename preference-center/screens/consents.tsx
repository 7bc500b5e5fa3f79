// Every purpose and channel with its status, when and how it was given, and the
// history; any choice can be changed here (GDPR Art. 7(3): withdrawing is as easy as giving).
// After an objection to direct marketing, turning a marketing consent back on lifts the
// objection for that purpose and channel, so the page says so and asks first.
import { useEffect, useRef, useState } from 'preact/hooks';
import { call } from '../api';
import { fill, formatDate, labelOf } from '../i18n';
import type { PagePurpose } from '../page-data';
import { purposeName, type ScreenProps } from './types';

const keyOf = (purpose: string, channel: string | null) => `${purpose}:${channel ?? ''}`;
const isOn = (status: string | undefined) => status === 'granted' || status === 'pending';

export function Consents(props: ScreenProps) {
  const { m, locale, page, me } = props;
  const current = new Map(me.consent.current.map((c) => [keyOf(c.purpose, c.channel), c]));
  const [choices, setChoices] = useState<Record<string, boolean>>({});
  const [busy, setBusy] = useState(false);
  /** The address typed for an e-mail channel when none is on file; it gets a confirmation link. */
  const [email, setEmail] = useState('');
  /** Marketing choices being turned back on after an objection, awaiting the person's confirmation. */
  const [lifting, setLifting] = useState<string[] | null>(null);
  const confirmHeading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    if (lifting) confirmHeading.current?.focus();
  }, [lifting]);

  const valueOf = (purpose: string, channel: string | null) =>
    choices[keyOf(purpose, channel)] ?? isOn(current.get(keyOf(purpose, channel))?.status);

  const changed = () =>
    Object.entries(choices).filter(([key, value]) => value !== isOn(current.get(key)?.status));
  /** E-mail is being turned on and no address is on file: the page asks for one. */
  const needsEmail = () =>
    !me.onFile.email && changed().some(([key, value]) => value && key.endsWith(':email'));

  const save = async (event: Event) => {
    event.preventDefault();
    const decisions: Record<string, boolean | Record<string, boolean>> = {};
    for (const [key, value] of changed()) {
      const [purpose, channel] = key.split(':');
      if (channel) ((decisions[purpose] ??= {}) as Record<string, boolean>)[channel] = value;
      else decisions[purpose] = value;
    }
    if (Object.keys(decisions).length === 0) return props.announce(m.nothingChanged);
    if (lifting === null && me.subject.objection.objectedAt) {
      const marketing = new Set(page.purposes.filter((p) => p.marketing).map((p) => p.key));
      const turnedOn = changed()
        .filter(([key, value]) => value && marketing.has(key.split(':')[0]))
        .map(([key]) => key);
      if (turnedOn.length > 0) return setLifting(turnedOn);
    }
    setLifting(null);
    setBusy(true);
    try {
      const answer = await call('PUT /v1/me/consents', {
        decisions,
        locale,
        ...(needsEmail() ? { email } : {}),
      });
      setChoices({});
      setEmail('');
      await props.reload();
      props.announce(answer?.confirmationSent ? m.confirmationSent : m.saved);
    } catch (error) {
      props.fail(error);
    } finally {
      setBusy(false);
    }
  };

  const statusLine = (purpose: string, channel: string | null) => {
    const item = current.get(keyOf(purpose, channel));
    if (!item) return m.neverAsked;
    const status = fill(m.statusLabel, { status: labelOf(m, 'status', item.status) });
    return `${status}. ${fill(m.givenVia, { date: formatDate(item.since, locale), source: labelOf(m, 'source', item.source) })}`;
  };

  const toggle = (p: PagePurpose, channel: string | null) => {
    const id = `c-${p.key}-${channel ?? 'site'}`;
    const label = channel ? labelOf(m, 'channel', channel) : purposeName(page, locale, p.key);
    // SMS needs a number on file; this page does not take one, the controller does.
    const noPhone = channel === 'sms' && !me.onFile.phone && !valueOf(p.key, channel);
    return (
      <div class="choice" key={id}>
        <input
          type="checkbox"
          id={id}
          checked={valueOf(p.key, channel)}
          disabled={noPhone}
          aria-describedby={`${id}-status`}
          onChange={(e) => {
            // A changed choice asks again: the warning must name exactly what is being turned on.
            setLifting(null);
            setChoices({
              ...choices,
              [keyOf(p.key, channel)]: (e.target as HTMLInputElement).checked,
            });
          }}
        />
        <label for={id}>{label}</label>
        <p id={`${id}-status`} class="meta">
          {noPhone
            ? fill(m.smsNeedsPhone, { tenant: page.tenantName, contact: page.controller.contact })
            : statusLine(p.key, channel)}
        </p>
      </div>
    );
  };

  return (
    <div>
      <p>{m.consentsIntro}</p>
      <form onSubmit={save} class="stack">
        {page.purposes.map((p) => (
          <fieldset key={p.key}>
            <legend>{purposeName(page, locale, p.key)}</legend>
            {p.text[locale]?.description ? <p>{p.text[locale].description}</p> : null}
            {p.required && p.channels.length === 0 ? (
              <p class="meta">{m.alwaysOn}</p>
            ) : p.channels.length > 0 ? (
              p.channels.map((ch) => toggle(p, ch))
            ) : (
              toggle(p, null)
            )}
          </fieldset>
        ))}
        {needsEmail() ? (
          <div class="field">
            <label for="channel-email">{m.channelEmailLabel}</label>
            <input
              id="channel-email"
              type="email"
              autocomplete="email"
              required
              value={email}
              aria-describedby="channel-email-help"
              onInput={(e) => setEmail((e.target as HTMLInputElement).value)}
            />
            <p id="channel-email-help" class="meta">
              {fill(m.channelEmailHelp, { tenant: page.tenantName })}
            </p>
          </div>
        ) : null}
        {lifting ? (
          <div class="confirm" role="group" aria-labelledby="lift-confirm-title">
            <h3 id="lift-confirm-title" tabIndex={-1} ref={confirmHeading}>
              {m.objectionLiftTitle}
            </h3>
            <p>
              {fill(m.objectionLiftWarning, {
                date: formatDate(me.subject.objection.objectedAt, locale, false),
                items: lifting
                  .map((key) => {
                    const [purpose, channel] = key.split(':');
                    return channel
                      ? `${purposeName(page, locale, purpose)} (${labelOf(m, 'channel', channel)})`
                      : purposeName(page, locale, purpose);
                  })
                  .join(', '),
                tenant: page.tenantName,
              })}
            </p>
            <p class="actions">
              <button type="submit" disabled={busy}>
                {m.objectionLiftConfirm}
              </button>
              <button type="button" class="secondary" onClick={() => setLifting(null)}>
                {m.cancel}
              </button>
            </p>
          </div>
        ) : (
          <button type="submit" disabled={busy}>
            {m.save}
          </button>
        )}
      </form>
      <h3>{m.historyTitle}</h3>
      {me.consent.history.length === 0 ? (
        <p>{m.historyEmpty}</p>
      ) : (
        <div class="table-wrap" role="region" aria-label={m.historyTitle} tabIndex={0}>
          <table>
            <thead>
              <tr>
                <th scope="col">{m.colDate}</th>
                <th scope="col">{m.colPurpose}</th>
                <th scope="col">{m.colChannel}</th>
                <th scope="col">{m.colStatus}</th>
                <th scope="col">{m.colSource}</th>
              </tr>
            </thead>
            <tbody>
              {me.consent.history.map((e, i) => (
                <tr key={i}>
                  <td data-label={m.colDate}>{formatDate(e.occurredAt, locale)}</td>
                  <td data-label={m.colPurpose}>{purposeName(page, locale, e.purpose)}</td>
                  <td data-label={m.colChannel}>
                    {e.channel ? labelOf(m, 'channel', e.channel) : '–'}
                  </td>
                  <td data-label={m.colStatus}>{labelOf(m, 'status', e.status)}</td>
                  <td data-label={m.colSource}>{labelOf(m, 'source', e.source)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
