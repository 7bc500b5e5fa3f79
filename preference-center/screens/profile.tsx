// Rectification (GDPR Art. 16): the person corrects or completes their profile; each
// save is a request, recorded, and recipients hear which fields changed.
import { useState } from 'preact/hooks';
import { call } from '../api';
import { fill, humanize, labelOf } from '../i18n';
import type { ScreenProps } from './types';

const asText = (value: unknown): string =>
  typeof value === 'string'
    ? value
    : value === null || value === undefined
      ? ''
      : JSON.stringify(value);

export function Profile(props: ScreenProps) {
  const { m, page, me } = props;
  const original: Record<string, string> = {
    email: me.subject.email ?? '',
    phone: me.subject.phone ?? '',
    ...Object.fromEntries(
      Object.entries(me.subject.attributes).map(([k, v]) => [`attributes.${k}`, asText(v)]),
    ),
  };
  const fields = Object.keys(original).filter(
    (name) => name.startsWith('attributes.') || original[name] !== '' || me.subject.email !== null,
  );
  const [values, setValues] = useState<Record<string, string>>(original);
  const [busy, setBusy] = useState(false);

  const save = async (event: Event) => {
    event.preventDefault();
    const body: { email?: string; phone?: string; attributes?: Record<string, string> } = {};
    for (const name of fields) {
      if (values[name] === original[name]) continue;
      if (name === 'email' || name === 'phone') body[name] = values[name];
      else (body.attributes ??= {})[name.slice('attributes.'.length)] = values[name];
    }
    if (Object.keys(body).length === 0) return props.announce(m.nothingChanged);
    setBusy(true);
    try {
      await call('PATCH /v1/me/profile', body);
      await props.reload();
      props.announce(m.profileSaved);
    } catch (error) {
      props.fail(error);
    } finally {
      setBusy(false);
    }
  };

  if (fields.length === 0) return <p>{fill(m.profileEmpty, { tenant: page.tenantName })}</p>;
  return (
    <div>
      <p>{fill(m.profileIntro, { tenant: page.tenantName })}</p>
      <form onSubmit={save} class="stack">
        {fields.map((name) => {
          const id = `f-${name.replace(/[^A-Za-z0-9_-]/g, '-')}`;
          const label = name.startsWith('attributes.')
            ? humanize(name.slice('attributes.'.length))
            : labelOf(m, 'field', name);
          return (
            <div class="field" key={name}>
              <label for={id}>{label}</label>
              <input
                id={id}
                type={(name === 'email' ? 'email' : name === 'phone' ? 'tel' : 'text') as 'text'}
                autocomplete={name === 'email' ? 'email' : name === 'phone' ? 'tel' : 'off'}
                value={values[name]}
                onInput={(e) =>
                  setValues({ ...values, [name]: (e.target as HTMLInputElement).value })
                }
              />
            </div>
          );
        })}
        <button type="submit" disabled={busy}>
          {m.profileSave}
        </button>
      </form>
    </div>
  );
}
