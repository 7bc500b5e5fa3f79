// The console's shell: sign-in, or the signed-in header (organisation, language, sign
// out), the sections the role may see, one polite status region and one alert region.
// A sign-in link arrives as #token=...; it is spent at once and removed from the URL.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiFailure, call, rememberCsrf, type Self } from './api';
import {
  fill,
  labelOf,
  languageNames,
  locales,
  messagesFor,
  startLocale,
  type Locale,
  type MessageKey,
} from './i18n';
import { Account } from './screens/account';
import { Audit } from './screens/audit';
import { Keys } from './screens/keys';
import { lazyScreen } from './screens/lazy-screen';
import { People } from './screens/people';
import { Requests } from './screens/requests';
import { RopaScreen } from './screens/ropa';
import { SignIn } from './screens/sign-in';
import { Staff } from './screens/staff';
import { can, type ScreenProps } from './screens/types';
import { Webhooks } from './screens/webhooks';

const SECTIONS = [
  'requests',
  'people',
  'insights',
  'audit',
  'ropa',
  'studio',
  'webhooks',
  'keys',
  'staff',
  'account',
] as const;
type Section = (typeof SECTIONS)[number];
const NAV: Record<Section, MessageKey> = {
  requests: 'navRequests',
  people: 'navPeople',
  insights: 'navInsights',
  audit: 'navAudit',
  ropa: 'navRopa',
  studio: 'navStudio',
  webhooks: 'navWebhooks',
  keys: 'navKeys',
  staff: 'navStaff',
  account: 'navAccount',
};
const NEEDS: Record<Section, string[]> = {
  requests: ['requests:manage'],
  people: ['subjects:read'],
  insights: ['insights:read', 'audit:read', 'admin'],
  audit: ['audit:read', 'admin'],
  ropa: ['audit:read', 'admin'],
  studio: ['config:write', 'admin'],
  webhooks: ['feed:read'],
  keys: ['admin'],
  staff: ['admin'],
  account: [],
};
const Insights = lazyScreen(() => import('./screens/insights').then((module) => module.Insights));
const Studio = lazyScreen(() => import('./screens/studio/studio').then((module) => module.Studio));
const TOKEN_IN_HASH = /^#token=([A-Za-z0-9_-]{43})$/;

const sectionFromHash = (): Section | null => {
  const name = location.hash.slice(1);
  return (SECTIONS as readonly string[]).includes(name) ? (name as Section) : null;
};

export function App() {
  const [locale, setLocale] = useState<Locale>(startLocale);
  const [self, setSelf] = useState<Self | null>(null);
  const [phase, setPhase] = useState<'loading' | 'signed-out' | 'signed-in'>('loading');
  const [section, setSection] = useState<Section | null>(sectionFromHash);
  const [status, setStatus] = useState('');
  const [alert, setAlert] = useState('');
  const heading = useRef<HTMLHeadingElement>(null);
  const m = messagesFor(locale);

  useEffect(() => {
    document.documentElement.lang = locale;
    document.title = m.title;
    localStorage.setItem('akkoord-console-locale', locale);
  }, [locale]);

  const signedIn = (me: Self) => {
    rememberCsrf(me.csrfToken);
    setSelf(me);
    setPhase('signed-in');
  };
  const announce = (text: string) => {
    setAlert('');
    setStatus(text);
  };
  const fail = (error: unknown) => {
    setStatus('');
    if (error instanceof ApiFailure && error.status === 401) {
      setSelf(null);
      setPhase('signed-out');
      setAlert(m.sessionEnded);
    } else if (error instanceof ApiFailure && error.status === 403) setAlert(m.forbidden);
    else if (error instanceof ApiFailure && error.status === 429) setAlert(m.rateLimited);
    else setAlert(m.error);
  };

  useEffect(() => {
    const token = TOKEN_IN_HASH.exec(location.hash)?.[1];
    if (token) history.replaceState(null, '', location.pathname);
    const start = token
      ? call<Self>('POST', '/console/api/session', { token })
      : call<Self>('GET', '/console/api/session');
    start.then(signedIn, (error: unknown) => {
      setPhase('signed-out');
      if (token) setAlert(m.linkInvalid);
      else if (!(error instanceof ApiFailure && error.status === 401)) setAlert(m.error);
    });
    const onHash = () => setSection(sectionFromHash());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  const visible = self
    ? SECTIONS.filter((s) => NEEDS[s].length === 0 || can(self, ...NEEDS[s]))
    : [];
  const current = section && visible.includes(section) ? section : (visible[0] ?? null);

  const moved = useRef(false);
  useEffect(() => {
    // Focus the new screen's heading after a navigation, not on the first paint.
    if (moved.current) heading.current?.focus();
    moved.current = phase === 'signed-in';
  }, [current, phase]);

  const signOut = async (everywhere: boolean) => {
    try {
      await call('DELETE', everywhere ? '/console/api/sessions' : '/console/api/session');
      setSelf(null);
      setPhase('signed-out');
      announce(m.signedOut);
    } catch (error) {
      fail(error);
    }
  };
  const switchTenant = async (tenantId: string) => {
    try {
      signedIn(await call<Self>('PUT', '/console/api/session/tenant', { tenantId }));
    } catch (error) {
      fail(error);
    }
  };

  const props: ScreenProps | null = self ? { m, locale, self, announce, fail } : null;
  const tenantName = self?.tenants.find((t) => t.id === self.tenantId)?.name ?? '';

  // Until the session is known nothing is drawn: the signed-in header and navigation would
  // otherwise push a first render down the page (a layout shift on every visit).
  if (phase === 'loading') return <p class="visually-hidden">{m.loading}</p>;

  return (
    <>
      <a class="skip" href="#main">
        {m.skip}
      </a>
      <header class="top">
        <p class="brand">
          {m.title}
          {tenantName ? ` · ${tenantName}` : ''}
        </p>
        <div class="tools">
          <div class="languages" role="group" aria-label={m.language}>
            {locales.map((code) => (
              <button
                type="button"
                class="link"
                lang={code}
                aria-pressed={code === locale}
                onClick={() => setLocale(code)}
                key={code}
              >
                {languageNames[code]}
              </button>
            ))}
          </div>
          {self && self.tenants.length > 1 && (
            <label class="inline">
              {m.tenant}{' '}
              <select
                value={self.tenantId}
                onChange={(e) => switchTenant((e.target as HTMLSelectElement).value)}
              >
                {self.tenants.map((t) => (
                  <option value={t.id} key={t.id}>
                    {t.name}
                  </option>
                ))}
              </select>
            </label>
          )}
          {self && (
            <>
              <span class="meta">
                {fill(m.signedInAs, {
                  who: self.staff.name ?? self.staff.email,
                  role: labelOf(m, 'role', self.role),
                })}
              </span>
              <button type="button" class="secondary" onClick={() => signOut(false)}>
                {m.signOut}
              </button>
              <button type="button" class="secondary" onClick={() => signOut(true)}>
                {m.signOutEverywhere}
              </button>
            </>
          )}
        </div>
      </header>
      {phase === 'signed-in' && visible.length > 0 && (
        <nav aria-label={m.mainNav}>
          <ul>
            {visible.map((s) => (
              <li key={s}>
                <a href={`#${s}`} aria-current={s === current ? 'page' : undefined}>
                  {m[NAV[s]]}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      )}
      <main id="main" tabIndex={-1}>
        <div role="status" class={status ? 'status' : 'empty'}>
          {status}
        </div>
        <div role="alert" class={alert ? 'problem' : 'empty'}>
          {alert}
        </div>
        {phase === 'signed-out' && (
          <SignIn
            m={m}
            locale={locale}
            heading={heading}
            announce={announce}
            fail={fail}
            onSignedIn={(me) => {
              setAlert('');
              signedIn(me);
            }}
            onProblem={(text) => {
              setStatus('');
              setAlert(text);
            }}
          />
        )}
        {props && current && (
          <>
            <h1 ref={heading} tabIndex={-1}>
              {m[NAV[current]]}
            </h1>
            {current === 'requests' && <Requests {...props} />}
            {current === 'people' && <People {...props} />}
            {current === 'insights' && <Insights {...props} />}
            {current === 'audit' && <Audit {...props} />}
            {current === 'ropa' && <RopaScreen {...props} />}
            {current === 'studio' && <Studio {...props} />}
            {current === 'webhooks' && <Webhooks {...props} />}
            {current === 'keys' && <Keys {...props} />}
            {current === 'staff' && <Staff {...props} />}
            {current === 'account' && <Account {...props} />}
          </>
        )}
      </main>
    </>
  );
}
