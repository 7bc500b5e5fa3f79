// The preference center's shell: the tenant's name and privacy notice, the language
// choice, sign-in or the signed-in sections, one polite live region for "saved"
// messages (A11Y-10) and one alert region for errors.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiFailure, call, rememberCsrf, type MeView } from './api';
import { fill, languageNames, messagesFor, type MessageKey } from './i18n';
import type { PageData } from './page-data';
import { Consents } from './screens/consents';
import { Data } from './screens/data';
import { Profile } from './screens/profile';
import { Requests } from './screens/requests';
import { Rights } from './screens/rights';
import { SignIn } from './screens/sign-in';
import type { ScreenProps } from './screens/types';

type Phase = 'loading' | 'signed-out' | 'signed-in';
const SECTIONS = ['consents', 'profile', 'data', 'rights', 'requests'] as const;
type Section = (typeof SECTIONS)[number];
const NAV: Record<Section, MessageKey> = { consents: 'navConsents', profile: 'navProfile', data: 'navData', rights: 'navRights', requests: 'navRequests' };
const TITLE: Record<Section, MessageKey> = { consents: 'consentsTitle', profile: 'profileTitle', data: 'dataTitle', rights: 'navRights', requests: 'requestsTitle' };
const TOKEN_IN_HASH = /^#token=([A-Za-z0-9_-]{43})$/;

const sectionFromHash = (): Section => {
  const name = location.hash.slice(1);
  return (SECTIONS as readonly string[]).includes(name) ? (name as Section) : 'consents';
};

export function App({ page }: { page: PageData }) {
  const [locale, setLocale] = useState(page.locale);
  const [phase, setPhase] = useState<Phase>('loading');
  const [me, setMe] = useState<MeView | null>(null);
  const [section, setSection] = useState<Section>(sectionFromHash);
  const [status, setStatus] = useState('');
  const [alert, setAlert] = useState('');
  const heading = useRef<HTMLHeadingElement>(null);
  const moved = useRef(false);
  const m = messagesFor(locale);

  useEffect(() => {
    document.documentElement.lang = locale;
    document.title = fill(m.title, { tenant: page.tenantName });
  }, [locale]);

  const announce = (text: string) => {
    setAlert('');
    setStatus(text);
  };
  const fail = (error: unknown) => {
    setStatus('');
    if (error instanceof ApiFailure && error.status === 401) {
      setMe(null);
      setPhase('signed-out');
      setAlert(messagesFor(locale).sessionEnded);
    } else if (error instanceof ApiFailure && error.status === 429) {
      setAlert(m.rateLimited);
    } else {
      setAlert(m.error);
    }
  };

  const load = async () => {
    try {
      const view = await call<MeView & { tenantId: string }>('GET', '/v1/me');
      // A session of another tenant's page does not sign the person in here.
      if (view.tenantId !== page.tenantId) return setPhase('signed-out');
      rememberCsrf(view.csrfToken);
      setMe(view);
      setPhase('signed-in');
    } catch (error) {
      if (error instanceof ApiFailure && error.status === 401) return setPhase('signed-out');
      fail(error);
      setPhase('signed-out');
    }
  };

  /** Exchanges a link token from the address bar for a session; false when the link is spent. */
  const signInFromLink = async (): Promise<boolean> => {
    const token = TOKEN_IN_HASH.exec(location.hash)?.[1];
    if (!token) return true;
    // The token leaves the address bar at once: not in history, not in a bookmark.
    history.replaceState(null, '', location.pathname + location.search);
    setAlert('');
    setStatus(m.signingIn);
    try {
      await call('POST', '/v1/me/session', { token });
      setStatus('');
      return true;
    } catch {
      setStatus('');
      setAlert(m.linkInvalid);
      setMe(null);
      setPhase('signed-out');
      return false;
    }
  };

  useEffect(() => {
    void signInFromLink().then((ok) => (ok ? load() : undefined));
    const onHash = () => {
      // A sign-in link pasted into this open page arrives as a new fragment, not a new page.
      if (TOKEN_IN_HASH.test(location.hash)) return void signInFromLink().then((ok) => (ok ? load() : undefined));
      moved.current = true;
      setSection(sectionFromHash());
    };
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  // Moving between sections puts focus on the new heading, so a screen reader says where it is.
  useEffect(() => {
    if (moved.current) heading.current?.focus();
  }, [section]);

  const signOut = async () => {
    try {
      await call('POST', '/v1/me/logout');
    } finally {
      setMe(null);
      setPhase('signed-out');
      announce(m.signedOut);
    }
  };

  const notice = page.privacyNoticeUrl[locale] ?? page.privacyNoticeUrl[page.defaultLocale];
  const screenProps: ScreenProps | null = me ? { m, locale, page, me, reload: load, announce, fail } : null;

  return (
    <>
      <a class="skip" href="#main">{m.skipToContent}</a>
      <header class="top">
        <p class="brand">{page.tenantName}</p>
        <div class="tools">
          {page.locales.length > 1 ? (
            <div role="group" aria-label={m.language} class="languages">
              {page.locales.filter((l) => l in languageNames).map((l) => (
                <button type="button" class="link" key={l} lang={l} aria-pressed={l === locale} onClick={() => setLocale(l)}>{languageNames[l]}</button>
              ))}
            </div>
          ) : null}
          {phase === 'signed-in' ? <button type="button" class="secondary" onClick={signOut}>{m.signOut}</button> : null}
        </div>
      </header>
      {phase === 'signed-in' ? (
        <nav aria-label={m.nav}>
          <ul>
            {SECTIONS.map((s) => (
              <li key={s}><a href={`#${s}`} aria-current={s === section ? 'page' : undefined}>{m[NAV[s]]}</a></li>
            ))}
          </ul>
        </nav>
      ) : null}
      <main id="main" tabIndex={-1}>
        <h1>{fill(m.title, { tenant: page.tenantName })}</h1>
        <div role="status" aria-live="polite" class={status ? 'status' : 'status empty'}>{status}</div>
        <div role="alert" class={alert ? 'problem' : 'empty'}>{alert}</div>
        {phase === 'signed-out' ? <SignIn m={m} locale={locale} page={page} announce={announce} fail={fail} /> : null}
        {phase === 'signed-in' && screenProps ? (
          <section aria-labelledby="section-title">
            <h2 id="section-title" tabIndex={-1} ref={heading}>{m[TITLE[section]]}</h2>
            {section === 'consents' ? <Consents {...screenProps} /> : null}
            {section === 'profile' ? <Profile {...screenProps} /> : null}
            {section === 'data' ? <Data {...screenProps} onErasedAll={() => { setMe(null); setPhase('signed-out'); announce(m.erasedAll); }} /> : null}
            {section === 'rights' ? <Rights {...screenProps} /> : null}
            {section === 'requests' ? <Requests {...screenProps} /> : null}
          </section>
        ) : null}
      </main>
      <footer>
        {notice ? <p><a href={notice} rel="noopener">{fill(m.privacyNotice, { tenant: page.tenantName })}</a></p> : null}
        <p>{page.controller.name} · {page.controller.contact}</p>
      </footer>
    </>
  );
}
