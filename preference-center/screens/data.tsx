// Access and portability (Art. 15, 20): both downloads; and erasure (Art. 17) of
// everything or of chosen data sets and fields, only after a clear confirmation.
import { useEffect, useRef, useState } from 'preact/hooks';
import { call } from '../api';
import { fill, labelOf } from '../i18n';
import type { ScreenProps } from './types';

interface Props extends ScreenProps {
  /** Everything was erased: the session ended with it. */
  onErasedAll(): void;
}

export function Data(props: Props) {
  const { m, locale, page, me } = props;
  const datasets = Object.keys(me.records);
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

  const labelFor = (item: string) => (item.startsWith('dataset:') ? item.slice(8)
    : item.startsWith('attributes.') ? item.slice(11) : labelOf(m, 'field', item));
  const toggle = (item: string, on: boolean) => setChosen(on ? [...chosen, item] : chosen.filter((x) => x !== item));

  const proceed = (event: Event) => {
    event.preventDefault();
    if (mode === 'some' && chosen.length === 0) return setProblem(m.eraseNothingChosen);
    setProblem('');
    setConfirming(true);
  };

  const erase = async () => {
    setBusy(true);
    try {
      const scope = mode === 'all' ? { all: true } : {
        datasets: chosen.filter((c) => c.startsWith('dataset:')).map((c) => c.slice(8)),
        fields: chosen.filter((c) => !c.startsWith('dataset:')),
      };
      await call('POST', '/v1/me/erasure', scope);
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

  const exportUrl = (format: string) => `/v1/me/export?format=${format}&locale=${encodeURIComponent(locale)}`;

  return (
    <div>
      <h3>{m.downloadTitle}</h3>
      <p>{fill(m.downloadIntro, { tenant: page.tenantName })}</p>
      <p class="actions">
        <a class="button" href={exportUrl('json')} download>{m.downloadJson}</a>
        <a class="button" href={exportUrl('csv')} download>{m.downloadCsv}</a>
      </p>
      <h3>{m.recordsTitle}</h3>
      {datasets.length === 0 ? <p>{m.recordsEmpty}</p> : (
        <ul>{datasets.map((d) => <li key={d}>{fill(m.recordCount, { dataset: d, count: me.records[d] })}</li>)}</ul>
      )}
      <h3>{m.eraseTitle}</h3>
      {!confirming ? (
        <form onSubmit={proceed} class="stack">
          <p>{m.eraseIntro}</p>
          <fieldset>
            <legend>{m.eraseTitle}</legend>
            <div class="choice">
              <input type="radio" id="erase-some" name="erase-mode" checked={mode === 'some'} onChange={() => setMode('some')} />
              <label for="erase-some">{m.eraseChosen}</label>
            </div>
            <div class="choice">
              <input type="radio" id="erase-all" name="erase-mode" checked={mode === 'all'} onChange={() => setMode('all')} />
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
                      <input type="checkbox" id={`ds-${d}`} checked={chosen.includes(`dataset:${d}`)} onChange={(e) => toggle(`dataset:${d}`, (e.target as HTMLInputElement).checked)} />
                      <label for={`ds-${d}`}>{d}</label>
                    </div>
                  ))}
                </fieldset>
              ) : null}
              {fields.length > 0 ? (
                <fieldset>
                  <legend>{m.eraseFields}</legend>
                  {fields.map((f) => (
                    <div class="choice" key={f}>
                      <input type="checkbox" id={`fd-${f}`} checked={chosen.includes(f)} onChange={(e) => toggle(f, (e.target as HTMLInputElement).checked)} />
                      <label for={`fd-${f}`}>{labelFor(f)}</label>
                    </div>
                  ))}
                </fieldset>
              ) : null}
            </>
          ) : null}
          {problem ? <p class="problem" role="alert">{problem}</p> : null}
          <button type="submit">{m.eraseContinue}</button>
        </form>
      ) : (
        <div class="confirm" role="group" aria-labelledby="erase-confirm-title">
          <h4 id="erase-confirm-title" tabIndex={-1} ref={confirmHeading}>{m.eraseConfirmTitle}</h4>
          <p>{mode === 'all' ? fill(m.eraseConfirmAll, { tenant: page.tenantName }) : fill(m.eraseConfirmSome, { items: chosen.map(labelFor).join(', ') })}</p>
          <p class="actions">
            <button type="button" class="danger" disabled={busy} onClick={erase}>{m.eraseConfirm}</button>
            <button type="button" class="secondary" onClick={() => setConfirming(false)}>{m.cancel}</button>
          </p>
        </div>
      )}
    </div>
  );
}
