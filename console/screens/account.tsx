// My account: the person's own passkeys (WebAuthn): add one with a name, see when each
// was last used, remove one. Every role has this screen.
import { useEffect, useState } from 'preact/hooks';
import { startRegistration } from '@simplewebauthn/browser';
import { call } from '../api';
import { fill, formatDate } from '../i18n';
import type { ScreenProps } from './types';

interface Passkey {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export function Account({ m, locale, announce, fail }: ScreenProps) {
  const [passkeys, setPasskeys] = useState<Passkey[] | null>(null);
  const [name, setName] = useState('');
  const load = async () => {
    try {
      setPasskeys((await call<{ passkeys: Passkey[] }>('GET', '/console/api/passkeys')).passkeys);
    } catch (error) {
      fail(error);
    }
  };
  useEffect(() => void load(), []);

  const add = async (event: Event) => {
    event.preventDefault();
    try {
      const optionsJSON = await call<Parameters<typeof startRegistration>[0]['optionsJSON']>(
        'POST',
        '/console/api/passkeys/options',
      );
      const response = await startRegistration({ optionsJSON });
      const added = await call<Passkey>('POST', '/console/api/passkeys', {
        response,
        name: name.trim() || undefined,
      });
      setName('');
      announce(fill(m.passkeyAdded, { name: added.name }));
      await load();
    } catch (error) {
      fail(error);
    }
  };
  const remove = async (passkey: Passkey) => {
    try {
      await call('DELETE', `/console/api/passkeys/${encodeURIComponent(passkey.id)}`);
      announce(fill(m.passkeyRemoved, { name: passkey.name }));
      await load();
    } catch (error) {
      fail(error);
    }
  };

  return (
    <section class="stack" aria-labelledby="passkeys">
      <h2 id="passkeys">{m.passkeysTitle}</h2>
      <p>{m.passkeysIntro}</p>
      {passkeys === null ? (
        <p>{m.loading}</p>
      ) : passkeys.length === 0 ? (
        <p>{m.noPasskeys}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">{m.passkeysTitle}</caption>
            <thead>
              <tr>
                <th scope="col">{m.colName}</th>
                <th scope="col">{m.colCreated}</th>
                <th scope="col">{m.colLastUsed}</th>
                <th scope="col">{m.colActions}</th>
              </tr>
            </thead>
            <tbody>
              {passkeys.map((p) => (
                <tr key={p.id}>
                  <td>{p.name}</td>
                  <td>{formatDate(p.createdAt, locale)}</td>
                  <td>{formatDate(p.lastUsedAt, locale) || '—'}</td>
                  <td>
                    <button
                      type="button"
                      class="secondary"
                      aria-label={`${m.remove}: ${p.name}`}
                      onClick={() => remove(p)}
                    >
                      {m.remove}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <form class="stack" onSubmit={add}>
        <div class="field">
          <label for="passkey-name">{m.passkeyName}</label>
          <input
            id="passkey-name"
            type="text"
            maxLength={60}
            value={name}
            onInput={(e) => setName((e.target as HTMLInputElement).value)}
          />
        </div>
        <button type="submit">{m.addPasskey}</button>
      </form>
    </section>
  );
}
