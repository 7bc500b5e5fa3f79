// The preference center's shell: the tenant's name and privacy notice, the language
// choice, sign-in or the signed-in sections, one polite live region for "saved"
// messages (A11Y-10) and one alert region for errors. A session from a link (a tool's,
// or the banner's visitor link) shows consents and objection, and for the rest explains
// why the person must first confirm by a link mailed to the address on file.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiFailure, call, download, rememberCsrf, type MeView } from './api';
import { fill, languageNames, type MessageKey } from './i18n';
import type { PageData } from './page-data';
import { Consents } from './screens/consents';
import { Data } from './screens/data';
import { Profile } from './screens/profile';
import { Requests } from './screens/requests';
import { Rights } from './screens/rights';
import { SignIn } from './screens/sign-in';
import { StepUp } from './screens/step-up';
import type { ScreenProps } from './screens/types';

type Phase = 'loading' | 'signed-out' | 'signed-in';
const SECTIONS = ['consents', 'profile', 'data', 'rights', 'requests'] as const;
type Section = (typeof SECTIONS)[number];
const NAV: Record<Section, MessageKey> = {
  consents: 'navConsents',
  profile: 'navProfile',
  data: 'navData',
  rights: 'navRights',
  requests: 'navRequests',
};
const TITLE: Record<Section, MessageKey> = {
  consents: 'consentsTitle',
  profile: 'profileTitle',
  data: 'dataTitle',
  rights: 'navRights',
  requests: 'requestsTitle',
};
const TOKEN_IN_HASH = /^#token=([A-Za-z0-9_-]{43})$/;
/** The banner's "manage my data" sends the visitor here with its id in the fragment, never in a URL a server sees. */
const VISITOR_IN_HASH = /^#visitor=([A-Za-z0-9_-]{16,100})&key=(pk_[A-Za-z0-9_-]{1,100})$/;
/** Sections whose content needs a confirmed session; a link session sees the step-up panel there. */
const NEEDS_CONFIRMATION: ReadonlySet<Section> = new Set(['profile', 'data', 'requests']);

const isSection = (name: string): name is Section => (SECTIONS as readonly string[]).includes(name);
const sectionFromHash = (): Section => {
  const name = location.hash.slice(1);
  return isSection(name) ? name : 'consents';
};
/** The mailed download link of a completed request; kept in this browser until used, across the sign-in. */
const EXPORT_IN_HASH = /^#export=([A-Za-z0-9_-]{43})$/;
const EXPORT_KEY = 'akkoord-export';
const pendingExport = (tenantId: string): string | null => {
  const found = EXPORT_IN_HASH.exec(location.hash)?.[1];
  if (found) {
    localStorage.setItem(EXPORT_KEY, `${tenantId}:${found}`);
    history.replaceState(null, '', location.pathname + location.search);
  }
  const [tenant, token] = (localStorage.getItem(EXPORT_KEY) ?? '').split(':');
  return tenant === tenantId && token ? token : null;
};
/** A link in the address bar will sign the person in: draw the signed-in layout from the start. */
const linkInHash = () => TOKEN_IN_HASH.test(location.hash) || VISITOR_IN_HASH.test(location.hash);

export function App({ page }: { page: PageData }) {
  const { locale } = page;
  // The server said whether a session exists: the first render already has the right layout.
  const [phase, setPhase] = useState<Phase>(() =>
    page.signedIn || linkInHash() ? 'loading' : 'signed-out',
  );
  const [me, setMe] = useState<MeView | null>(null);
  const [section, setSection] = useState<Section>(sectionFromHash);
  const [status, setStatus] = useState('');
  const [alert, setAlert] = useState('');
  const [exportToken, setExportToken] = useState(() => pendingExport(page.tenantId));
  const heading = useRef<HTMLHeadingElement>(null);
  const moved = useRef(false);
  const m = page.messages;

  const announce = (text: string) => {
    setAlert('');
    setStatus(text);
  };
  const fail = (error: unknown) => {
    setStatus('');
    if (error instanceof ApiFailure && error.status === 401) {
      setMe(null);
      setPhase('signed-out');
      setAlert(m.sessionEnded);
    } else if (error instanceof ApiFailure && error.code === 'STEP_UP_REQUIRED') {
      setAlert(m.stepUpNeeded);
    } else if (error instanceof ApiFailure && error.status === 429) {
      setAlert(m.rateLimited);
    } else {
      setAlert(m.error);
    }
  };

  const load = async () => {
    try {
      const view = await call('GET /v1/me');
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

  /**
   * The banner's visitor: asks, from this page's own origin, for the visitor's one-time
   * link and returns its token; null when nothing is stored for the visitor.
   */
  const visitorToken = async (visitorId: string, key: string): Promise<string | null> => {
    try {
      const { url } = await call('POST /v1/me/visitor-link', { key, visitorId });
      return /#token=([A-Za-z0-9_-]{43})$/.exec(url)?.[1] ?? null;
    } catch {
      return null;
    }
  };

  /** Exchanges a link token (or the banner's visitor id) from the address bar for a session; false when the link is spent. */
  const signInFromLink = async (): Promise<boolean> => {
    const visitor = VISITOR_IN_HASH.exec(location.hash);
    const fromHash = TOKEN_IN_HASH.exec(location.hash)?.[1];
    if (!fromHash && !visitor) return true;
    // The token or visitor id leaves the address bar at once: not in history, not in a bookmark.
    history.replaceState(null, '', location.pathname + location.search);
    setAlert('');
    setStatus(m.signingIn);
    try {
      const token = fromHash ?? (await visitorToken(visitor![1], visitor![2]));
      // Nothing stored for this visitor: the plain sign-in by e-mail, without a complaint.
      if (!token) {
        setStatus('');
        setPhase('signed-out');
        return false;
      }
      await call('POST /v1/me/session', { token });
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
    // Without a session or a link there is nothing to ask /v1/me: no 401 probe.
    if (page.signedIn || linkInHash())
      void signInFromLink().then((ok) => (ok ? load() : undefined));
    const onHash = () => {
      // A sign-in link pasted into this open page arrives as a new fragment, not a new page.
      if (linkInHash()) return void signInFromLink().then((ok) => (ok ? load() : undefined));
      // Other fragments (the skip link's #main) are not sections.
      if (!isSection(location.hash.slice(1))) return;
      moved.current = true;
      // A message about the last section does not follow the person to the next one.
      setStatus('');
      setAlert('');
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
      await call('POST /v1/me/logout');
    } finally {
      setMe(null);
      setPhase('signed-out');
      announce(m.signedOut);
    }
  };

  const fetchExport = async () => {
    // The button shows only while a token is pending.
    if (!exportToken) return;
    try {
      await download('/v1/me/exports', { token: exportToken, locale });
      announce(m.exportDone);
    } catch (error) {
      if (!(error instanceof ApiFailure && error.status === 404)) return fail(error);
      setAlert(m.exportGone);
    }
    localStorage.removeItem(EXPORT_KEY);
    setExportToken(null);
  };

  const notice = page.privacyNoticeUrl[locale] ?? page.privacyNoticeUrl[page.defaultLocale];
  const screenProps: ScreenProps | null = me
    ? { m, locale, page, me, reload: load, announce, fail }
    : null;

  return (
    <>
      <a class="skip" href="#main">
        {m.skipToContent}
      </a>
      <header class="top">
        <p class="brand">{page.tenantName}</p>
        <div class="tools">
          {page.locales.length > 1 ? (
            <div role="group" aria-label={m.language} class="languages">
              {page.locales
                .filter((l) => l in languageNames)
                .map((l) => (
                  // A link to the page in that language; the open section comes along.
                  <a
                    key={l}
                    lang={l}
                    hrefLang={l}
                    class="language"
                    href={`?lang=${l}${phase === 'signed-out' ? '' : `#${section}`}`}
                    aria-current={l === locale ? 'true' : undefined}
                  >
                    {languageNames[l]}
                  </a>
                ))}
            </div>
          ) : null}
          {phase !== 'signed-out' ? (
            <button
              type="button"
              class="secondary"
              disabled={phase === 'loading'}
              onClick={signOut}
            >
              {m.signOut}
            </button>
          ) : null}
        </div>
      </header>
      {phase !== 'signed-out' ? (
        <nav aria-label={m.nav}>
          <ul>
            {SECTIONS.map((s) => (
              <li key={s}>
                <a href={`#${s}`} aria-current={s === section ? 'page' : undefined}>
                  {m[NAV[s]]}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      ) : null}
      <main id="main" tabIndex={-1}>
        <h1>{fill(m.title, { tenant: page.tenantName })}</h1>
        <div role="status" aria-live="polite" class={status ? 'status' : 'status empty'}>
          {status}
        </div>
        <div role="alert" class={alert ? 'problem' : 'empty'}>
          {alert}
        </div>
        {phase === 'signed-out' ? (
          <SignIn m={m} locale={locale} page={page} announce={announce} fail={fail} />
        ) : null}
        {exportToken && me?.session.assurance === 'high' ? (
          <div class="confirm ready" role="group" aria-labelledby="export-title">
            <h2 id="export-title">{m.exportReadyTitle}</h2>
            <p>{m.exportReadyIntro}</p>
            <p>
              <button type="button" onClick={fetchExport}>
                {m.exportReadyButton}
              </button>
            </p>
          </div>
        ) : null}
        {phase !== 'signed-out'
          ? SECTIONS.map((s) =>
              s !== section ? (
                <section key={s} id={s} hidden />
              ) : (
                // Every tab's link points at a real element; only the open one has content.
                <section key={s} id={s} aria-labelledby={`${s}-title`} class="panel">
                  <h2 id={`${s}-title`} tabIndex={-1} ref={heading}>
                    {m[TITLE[s]]}
                  </h2>
                  {!screenProps ? (
                    <p class="meta">{m.loading}</p>
                  ) : (
                    <>
                      {screenProps.me.session.assurance === 'low' ? (
                        <StepUp {...screenProps} />
                      ) : null}
                      {s === 'consents' ? <Consents {...screenProps} /> : null}
                      {s === 'rights' ? <Rights {...screenProps} /> : null}
                      {screenProps.me.session.assurance === 'high' || !NEEDS_CONFIRMATION.has(s) ? (
                        <>
                          {s === 'profile' ? <Profile {...screenProps} /> : null}
                          {s === 'data' ? (
                            <Data
                              {...screenProps}
                              onErasedAll={() => {
                                setMe(null);
                                setPhase('signed-out');
                                announce(m.erasedAll);
                              }}
                            />
                          ) : null}
                          {s === 'requests' ? <Requests {...screenProps} /> : null}
                        </>
                      ) : null}
                    </>
                  )}
                </section>
              ),
            )
          : null}
      </main>
      <footer>
        {notice ? (
          <p>
            <a href={notice} rel="noopener">
              {fill(m.privacyNotice, { tenant: page.tenantName })}
            </a>
          </p>
        ) : null}
        <p>
          {page.controller.name} · {page.controller.contact}
        </p>
      </footer>
    </>
  );
}
