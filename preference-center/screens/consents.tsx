// Every purpose and channel with its status, when and how it was given, and the
// history; any choice can be changed here (GDPR Art. 7(3): withdrawing is as easy as giving).
import { useState } from 'preact/hooks';
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

  const valueOf = (purpose: string, channel: string | null) => choices[keyOf(purpose, channel)] ?? isOn(current.get(keyOf(purpose, channel))?.status);

  const save = async (event: Event) => {
    event.preventDefault();
    const decisions: Record<string, boolean | Record<string, boolean>> = {};
    for (const [key, value] of Object.entries(choices)) {
      const [purpose, channel] = key.split(':');
      if (value === isOn(current.get(key)?.status)) continue;
      if (channel) ((decisions[purpose] ??= {}) as Record<string, boolean>)[channel] = value;
      else decisions[purpose] = value;
    }
    if (Object.keys(decisions).length === 0) return props.announce(m.nothingChanged);
    setBusy(true);
    try {
      await call('PUT', '/v1/me/consents', { decisions, locale });
      setChoices({});
      await props.reload();
      props.announce(m.saved);
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
    return (
      <div class="choice" key={id}>
        <input type="checkbox" id={id} checked={valueOf(p.key, channel)} aria-describedby={`${id}-status`}
          onChange={(e) => setChoices({ ...choices, [keyOf(p.key, channel)]: (e.target as HTMLInputElement).checked })} />
        <label for={id}>{label}</label>
        <p id={`${id}-status`} class="meta">{statusLine(p.key, channel)}</p>
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
            {p.required && p.channels.length === 0
              ? <p class="meta">{m.alwaysOn}</p>
              : p.channels.length > 0 ? p.channels.map((ch) => toggle(p, ch)) : toggle(p, null)}
          </fieldset>
        ))}
        <button type="submit" disabled={busy}>{m.save}</button>
      </form>
      <h3>{m.historyTitle}</h3>
      {me.consent.history.length === 0 ? <p>{m.historyEmpty}</p> : (
        <div class="table-wrap" role="region" aria-label={m.historyTitle} tabIndex={0}>
          <table>
            <thead><tr><th scope="col">{m.colDate}</th><th scope="col">{m.colPurpose}</th><th scope="col">{m.colChannel}</th><th scope="col">{m.colStatus}</th><th scope="col">{m.colSource}</th></tr></thead>
            <tbody>
              {me.consent.history.map((e, i) => (
                <tr key={i}>
                  <td>{formatDate(e.occurredAt, locale)}</td>
                  <td>{purposeName(page, locale, e.purpose)}</td>
                  <td>{e.channel ? labelOf(m, 'channel', e.channel) : ''}</td>
                  <td>{labelOf(m, 'status', e.status)}</td>
                  <td>{labelOf(m, 'source', e.source)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
