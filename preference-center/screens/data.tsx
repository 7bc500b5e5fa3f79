// Access and portability (Art. 15, 20): both downloads; and erasure (Art. 17) of
// everything or of chosen data sets and fields, only after a clear confirmation. Data sets a
// law keeps (Art. 17(3)(b)) are explained, with their basis and term, instead of offered.
import { useEffect, useRef, useState } from 'preact/hooks';
import { call, download } from '../api';
import { countOf, fill, formatDate, humanize, keptText, labelOf } from '../i18n';
import type { ScreenProps } from './types';

interface Props extends ScreenProps {
  /** Everything was erased: the session ended with it. */
  onErasedAll(): void;
}

export function Data(props: Props) {
  const { m, locale, page, me } = props;
  // The person's records a law keeps: listed with basis and term, not offered for erasure (an erasure would leave them anyway).
  const kept = me.keptByLaw.filter((k) => k.until);
  const datasets = Object.keys(me.records).filter((d) => !kept.some((k) => k.dataset === d));
  const fields = [
    ...(me.subject.email !== null ? ['email'] : []),
    ...(me.subject.phone !== null ? ['phone'] : []),
    ...Object.keys(me.subject.attributes).map((name) => `attributes.${name}`),
  ];
  const [mode, setMode] = useState<'all' | 'some'>('some');
  const [chosen, setChosen] = useState<string[]>([]);
  const [confirming, setConfirming] = useState(false);
  const [problem, setProblem] = useState('');
  const [busy, setBusy] = useState(false);
  const confirmHeading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    if (confirming) confirmHeading.current?.focus();
  }, [confirming]);

  const labelFor = (item: string) =>
    item.startsWith('dataset:')
      ? humanize(item.slice(8))
      : item.startsWith('attributes.')
        ? humanize(item.slice(11))
        : labelOf(m, 'field', item);
  const toggle = (item: string, on: boolean) =>
    setChosen(on ? [...chosen, item] : chosen.filter((x) => x !== item));

  const proceed = (event: Event) => {
    event.preventDefault();
    if (mode === 'some' && chosen.length === 0) return setProblem(m.eraseNothingChosen);
    setProblem('');
    setConfirming(true);
  };

  const erase = async () => {
    setBusy(true);
    try {
      const scope =
        mode === 'all'
          ? { all: true }
          : {
              datasets: chosen.filter((c) => c.startsWith('dataset:')).map((c) => c.slice(8)),
              fields: chosen.filter((c) => !c.startsWith('dataset:')),
            };
      await call('POST /v1/me/erasure', scope);
      if (mode === 'all') return props.onErasedAll();
      setConfirming(false);
      setChosen([]);
      await props.reload();
      props.announce(m.erasedSome);
    } catch (error) {
      props.fail(error);
    } finally {
      setBusy(false);
    }
  };

  const save = async (format: 'json' | 'csv') => {
    setBusy(true);
    try {
      await download('/v1/me/export', { format, locale });
    } catch (error) {
      props.fail(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div>
      <h3>{m.downloadTitle}</h3>
      <p>{fill(m.downloadIntro, { tenant: page.tenantName })}</p>
      <p class="actions">
        <button type="button" disabled={busy} onClick={() => save('json')}>
          {m.downloadJson}
        </button>
        <button type="button" disabled={busy} onClick={() => save('csv')}>
          {m.downloadCsv}
        </button>
      </p>
      <h3>{m.recordsTitle}</h3>
      {datasets.length === 0 ? (
        <p>{m.recordsEmpty}</p>
      ) : (
        <ul>
          {datasets.map((d) => (
            <li key={d}>{countOf(m, locale, d, me.records[d])}</li>
          ))}
        </ul>
      )}
      {kept.length > 0 ? (
        <>
          <h3>{m.keptByLawTitle}</h3>
          <p>{fill(m.keptByLawIntro, { tenant: page.tenantName })}</p>
          <ul>
            {kept.map((k) => (
              <li key={k.dataset}>{keptText(m, locale, k)}</li>
            ))}
          </ul>
        </>
      ) : null}
      <h3>{m.recipientsTitle}</h3>
      {me.recipients.length === 0 ? (
        <p>{m.recipientsEmpty}</p>
      ) : (
        <ul>
          {me.recipients.map((r) => (
            <li>
              {fill(m.recipient, {
                name: r.name ?? r.kind,
                categories: r.categories.join(', '),
                date: formatDate(r.lastAt, locale, false),
              })}
            </li>
          ))}
        </ul>
      )}
      <h3>{m.eraseTitle}</h3>
      {!confirming ? (
        <form onSubmit={proceed} class="stack">
          <p>{m.eraseIntro}</p>
          <fieldset>
            <legend>{m.eraseTitle}</legend>
            <div class="choice">
              <input
                type="radio"
                id="erase-some"
                name="erase-mode"
                checked={mode === 'some'}
                onChange={() => setMode('some')}
              />
              <label for="erase-some">{m.eraseChosen}</label>
            </div>
            <div class="choice">
              <input
                type="radio"
                id="erase-all"
                name="erase-mode"
                checked={mode === 'all'}
                onChange={() => setMode('all')}
              />
              <label for="erase-all">{m.eraseAll}</label>
            </div>
          </fieldset>
          {mode === 'some' ? (
            <>
              {datasets.length > 0 ? (
                <fieldset>
                  <legend>{m.eraseDatasets}</legend>
                  {datasets.map((d) => (
                    <div class="choice" key={d}>
                      <input
                        type="checkbox"
                        id={`ds-${d}`}
                        checked={chosen.includes(`dataset:${d}`)}
                        onChange={(e) =>
                          toggle(`dataset:${d}`, (e.target as HTMLInputElement).checked)
                        }
                      />
                      <label for={`ds-${d}`}>{humanize(d)}</label>
                    </div>
                  ))}
                </fieldset>
              ) : null}
              {fields.length > 0 ? (
                <fieldset>
                  <legend>{m.eraseFields}</legend>
                  {fields.map((f) => (
                    <div class="choice" key={f}>
                      <input
                        type="checkbox"
                        id={`fd-${f}`}
                        checked={chosen.includes(f)}
                        onChange={(e) => toggle(f, (e.target as HTMLInputElement).checked)}
                      />
                      <label for={`fd-${f}`}>{labelFor(f)}</label>
                    </div>
                  ))}
                </fieldset>
              ) : null}
            </>
          ) : null}
          {problem ? (
            <p class="problem" role="alert">
              {problem}
            </p>
          ) : null}
          <button type="submit">{m.eraseContinue}</button>
        </form>
      ) : (
        <div class="confirm" role="group" aria-labelledby="erase-confirm-title">
          <h4 id="erase-confirm-title" tabIndex={-1} ref={confirmHeading}>
            {m.eraseConfirmTitle}
          </h4>
          <p>
            {mode === 'all'
              ? fill(m.eraseConfirmAll, { tenant: page.tenantName })
              : fill(m.eraseConfirmSome, { items: chosen.map(labelFor).join(', ') })}
          </p>
          <p class="actions">
            <button type="button" class="danger" disabled={busy} onClick={erase}>
              {m.eraseConfirm}
            </button>
            <button type="button" class="secondary" onClick={() => setConfirming(false)}>
              {m.cancel}
            </button>
          </p>
        </div>
      )}
    </div>
  );
}
