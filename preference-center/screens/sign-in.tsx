// Sign-in by e-mail link: no password and no code to copy (WCAG 3.3.8, A11Y-11).
// The answer is the same whether or not the address is known.
import { useState } from 'preact/hooks';
import { call } from '../api';
import { fill, type Messages } from '../i18n';
import type { PageData } from '../page-data';

interface Props {
  m: Messages;
  locale: string;
  page: PageData;
  announce(text: string): void;
  fail(error: unknown): void;
}

export function SignIn({ m, locale, page, announce, fail }: Props) {
  const [email, setEmail] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    try {
      await call('POST /v1/me/login', { tenant: page.tenantId, email, locale });
      announce(fill(m.linkSent, { tenant: page.tenantName }));
    } catch (error) {
      fail(error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section aria-labelledby="sign-in-title">
      <h2 id="sign-in-title">{m.signInTitle}</h2>
      <p>{fill(m.signInIntro, { tenant: page.tenantName })}</p>
      <form onSubmit={submit} class="stack">
        <div class="field">
          <label for="email">{m.emailLabel}</label>
          <input
            id="email"
            name="email"
            type="email"
            autocomplete="email"
            required
            value={email}
            onInput={(e) => setEmail((e.target as HTMLInputElement).value)}
          />
        </div>
        <p>
          <button type="submit" disabled={busy}>
            {m.sendLink}
          </button>
        </p>
      </form>
    </section>
  );
}
