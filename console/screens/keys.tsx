// Secret keys: create one with a name and the scopes the role may give (its secret is
// shown once, with a copy button), list them without secrets, revoke one.
import { useEffect, useState } from 'preact/hooks';
import { call, type KeyItem } from '../api';
import { fill, formatDate } from '../i18n';
import type { ScreenProps } from './types';

export function Keys({ m, locale, self, announce, fail }: ScreenProps) {
  const [keys, setKeys] = useState<KeyItem[] | null>(null);
  const [name, setName] = useState('');
  const [chosen, setChosen] = useState<string[]>([]);
  const [secret, setSecret] = useState<{ name: string; value: string } | null>(null);
  const [revoking, setRevoking] = useState<KeyItem | null>(null);

  const load = async () => {
    try {
      setKeys((await call<{ keys: KeyItem[] }>('GET', '/v1/keys')).keys);
    } catch (error) {
      fail(error);
    }
  };
  useEffect(() => void load(), []);

  const create = async (event: Event) => {
    event.preventDefault();
    if (chosen.length === 0) return;
    try {
      const key = await call<{ id: string; name: string | null; secretKey: string }>(
        'POST',
        '/v1/keys',
        { name: name.trim() || undefined, scopes: chosen },
      );
      setSecret({ name: key.name ?? key.id, value: key.secretKey });
      setName('');
      setChosen([]);
      await load();
    } catch (error) {
      fail(error);
    }
  };
  const revoke = async (key: KeyItem) => {
    try {
      await call('DELETE', `/v1/keys/${encodeURIComponent(key.id)}`);
      setRevoking(null);
      announce(fill(m.keyRevoked, { name: key.name ?? key.id }));
      await load();
    } catch (error) {
      fail(error);
    }
  };
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret!.value);
      announce(m.copied);
    } catch (error) {
      fail(error);
    }
  };

  return (
    <div class="stack">
      <form class="stack" onSubmit={create} aria-labelledby="create-key">
        <h2 id="create-key">{m.createKey}</h2>
        <div class="field">
          <label for="key-name">{m.keyName}</label>
          <input
            id="key-name"
            type="text"
            maxLength={80}
            value={name}
            onInput={(e) => setName((e.target as HTMLInputElement).value)}
          />
        </div>
        <fieldset>
          <legend>{m.keyScopes}</legend>
          {self.scopes.map((scope) => (
            <div class="choice" key={scope}>
              <input
                id={`scope-${scope}`}
                type="checkbox"
                checked={chosen.includes(scope)}
                onChange={(e) =>
                  setChosen(
                    (e.target as HTMLInputElement).checked
                      ? [...chosen, scope]
                      : chosen.filter((s) => s !== scope),
                  )
                }
              />
              <label for={`scope-${scope}`}>{scope}</label>
            </div>
          ))}
        </fieldset>
        <button type="submit">{m.createKey}</button>
      </form>
      {secret && (
        <div class="secret" role="region" aria-label={fill(m.secretOnce, { name: secret.name })}>
          <p>{fill(m.secretOnce, { name: secret.name })}</p>
          <p>
            <code id="secret-value">{secret.value}</code>
          </p>
          <button type="button" onClick={copy}>
            {m.copy}
          </button>
        </div>
      )}
      {keys === null ? (
        <p>{m.loading}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption class="visually-hidden">{m.keysTitle}</caption>
            <thead>
              <tr>
                <th scope="col">{m.colName}</th>
                <th scope="col">{m.colPrefix}</th>
                <th scope="col">{m.colScopes}</th>
                <th scope="col">{m.colCreated}</th>
                <th scope="col">{m.colStatus}</th>
              </tr>
            </thead>
            <tbody>
              {keys.map((k) => (
                <tr key={k.id}>
                  <td>
                    {k.name ?? '—'}
                    <br />
                    <span class="meta">{k.id}</span>
                  </td>
                  <td>
                    <code>{k.prefix}…</code>
                  </td>
                  <td>{k.scopes.join(', ')}</td>
                  <td>{formatDate(k.createdAt, locale)}</td>
                  <td>
                    {k.revokedAt ? (
                      `${m.revoked} ${formatDate(k.revokedAt, locale)}`
                    ) : (
                      <button
                        type="button"
                        class="secondary"
                        aria-label={`${m.revoke}: ${k.name ?? k.id}`}
                        onClick={() => setRevoking(k)}
                      >
                        {m.revoke}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {revoking && (
        <div class="confirm" role="region" aria-label={m.revoke}>
          <p>{fill(m.revokeConfirm, { name: revoking.name ?? revoking.id })}</p>
          <div class="actions">
            <button type="button" class="danger" onClick={() => revoke(revoking)}>
              {m.revoke}
            </button>
            <button type="button" class="secondary" onClick={() => setRevoking(null)}>
              {m.close}
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
