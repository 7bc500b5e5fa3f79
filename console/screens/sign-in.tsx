// Sign-in: the address, then "check your mailbox". The answer is the same for known
// and unknown addresses, so the form tells nobody who works here. Or a passkey, for
// whoever registered one (the browser offers the passkeys it has for this site).
import type { RefObject } from 'preact';
import { useState } from 'preact/hooks';
import { startAuthentication } from '@simplewebauthn/browser';
import { call, type Self } from '../api';
import type { Locale, Messages } from '../i18n';

export function SignIn({
  m,
  locale,
  heading,
  announce,
  fail,
  onSignedIn,
  onProblem,
}: {
  m: Messages;
  locale: Locale;
  heading: RefObject<HTMLHeadingElement | null>;
  announce(text: string): void;
  fail(error: unknown): void;
  onSignedIn(self: Self): void;
  onProblem(text: string): void;
}) {
  const passkeys = typeof window.PublicKeyCredential === 'function';
  const withPasskey = async () => {
    try {
      const optionsJSON = await call<Parameters<typeof startAuthentication>[0]['optionsJSON']>(
        'POST',
        '/console/api/passkeys/sign-in/options',
      );
      const response = await startAuthentication({ optionsJSON });
      onSignedIn(await call<Self>('POST', '/console/api/passkeys/sign-in', { response }));
    } catch {
      onProblem(m.passkeyFailed);
    }
  };
  const [email, setEmail] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    try {
      await call('POST', '/console/api/sign-in', { email, locale });
      announce(m.linkSent);
    } catch (error) {
      fail(error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="stack">
      <h1 ref={heading} tabIndex={-1}>
        {m.signInTitle}
      </h1>
      <p>{m.signInIntro}</p>
      <form onSubmit={submit} class="stack">
        <div class="field">
          <label for="sign-in-email">{m.email}</label>
          <input
            id="sign-in-email"
            type="email"
            autocomplete="email"
            required
            value={email}
            onInput={(e) => setEmail((e.target as HTMLInputElement).value)}
          />
        </div>
        <button type="submit" disabled={busy}>
          {m.sendLink}
        </button>
      </form>
      {passkeys && (
        <>
          <p>{m.orPasskey}</p>
          <button type="button" class="secondary" onClick={withPasskey}>
            {m.passkeySignIn}
          </button>
        </>
      )}
    </section>
  );
}
