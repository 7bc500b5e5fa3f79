// The widget's entry: reads the config the server inlined, and wires the consent store to the
// page (script gating, Consent Mode, the banner UI, window.akkoord).

import { readInlinedConfig, type WidgetConfig } from './config';
import {
  acceptAllDecisions,
  consentPurposes,
  rejectAllDecisions,
  type Decisions,
} from './consent/decisions';
import { createRecorder, type ConsentEvent, type Recorder } from './consent/recorder';
import { fetchServerDecisions, SYNC_KEY, syncDue } from './consent/server-sync';
import { createConsentStore } from './consent-store';
import { startGate } from './blocking/dom';
import { fill, listOf, pickLocale } from './i18n';
import {
  consentModeState,
  defaultConsentModeState,
  ensureGtag,
  hasConsentDefault,
  usesConsentMode,
} from './integrations/consent-mode';
import { marketingPurposes, readGpc } from './integrations/gpc';
import { announceChange, createPublicApi, type AkkoordApi } from './public-api';
import { problemReporter } from './problems';
import { onManageDataClick } from './ui/manage-data-link';
import { placeholders } from './ui/placeholders';
import { mountUi, type MountedUi } from './ui/mount';
import { settingsLoader } from './ui/settings-loader';

type Interaction = ConsentEvent['interaction'];

declare global {
  interface Window {
    akkoord?: AkkoordApi;
  }
}

function start(config: WidgetConfig, script: HTMLScriptElement | null): void {
  const gpc = readGpc(navigator);
  const locale = pickLocale(
    [document.documentElement.lang, ...navigator.languages],
    config.locales,
    config.defaultLocale,
  );
  const messages = config.words[locale] ?? config.words[config.defaultLocale];
  const nameOf = (key: string) =>
    config.purposes.find((p) => p.key === key)?.text[locale]?.name ?? key;

  // First, before anything else can run (GCM-01), unless the inline stub set it already.
  const gtag = usesConsentMode(config.purposes) ? ensureGtag(window as never) : null;
  // Region defaults (GCM-04) come ready-made from the server; else all denied.
  if (!hasConsentDefault(window as never))
    for (const state of config.gcmDefaults ?? [defaultConsentModeState(config.purposes)])
      gtag?.('consent', 'default', state);

  // Created on first use: no storage is touched before a choice exists (EP-01).
  let recorder: Recorder | undefined;
  const report = problemReporter(window, config);
  const getRecorder = () =>
    (recorder ??= createRecorder(config.apiBase, safeLocalStorage(), fetch.bind(window), {
      onProblem: report,
    }));

  const store = createConsentStore(config, {
    doc: document,
    nowSeconds: () => Math.floor(Date.now() / 1000),
    locale,
    gpc,
    recorder: getRecorder,
  });
  const gate = startGate(
    document,
    placeholders(config.purposes, messages, locale, (key) =>
      store.decide({ [key]: true }, 'placeholder'),
    ),
  );
  const applyConsent = (consent: Decisions) => {
    gate.update(consent);
    gtag?.('consent', 'update', consentModeState(config.purposes, consent));
  };
  let before = store.consent();
  store.subscribe((consent) => {
    applyConsent(consent);
    announceChange(window, consent);
    // Scripts that already ran cannot be stopped; a tenant may choose to reload so they stop.
    if (
      config.reloadOnWithdrawal &&
      Object.keys(consent).some((key) => before[key] && !consent[key])
    ) {
      void getRecorder()
        .idle()
        .then(() => location.reload());
    }
    before = consent;
  });

  /**
   * Back from "manage my data" (server-sync.ts): take over what the person changed or erased
   * there before anything runs on the old cookie; otherwise apply the cookie at once.
   */
  const syncWithServer = async (applyAfter: boolean) => {
    const visitorId = store.visitorId();
    const mark = syncFlag();
    // Storage is touched only once a choice exists (EP-01).
    if (mark === null && store.hasChoice()) syncFlag(`${Date.now()}`);
    if (visitorId && syncDue(mark, config.resyncHours ?? 24, Date.now())) {
      if (store.hasChoice()) await getRecorder().flush();
      const decisions = await fetchServerDecisions(config, visitorId, fetch.bind(window));
      if (decisions !== undefined) {
        syncFlag(decisions ? `${Date.now()}` : null);
        if (!decisions) getRecorder().forget();
        const current = store.consent();
        // adopt() tells the subscribers, which apply the result.
        if (!decisions || Object.keys(decisions).some((key) => decisions[key] !== current[key]))
          return store.adopt(decisions);
      }
    }
    if (applyAfter && store.hasChoice()) applyConsent(store.consent());
  };

  if (store.hasChoice()) {
    // A returning visitor: send anything still queued; the stored choice applies at once
    // (synchronously, unless a sync with the server must come first).
    void getRecorder().flush();
  }
  void syncWithServer(true);
  addEventListener('pageshow', (event) => event.persisted && void syncWithServer(false));
  addEventListener('online', () => store.hasChoice() && void getRecorder().flush());

  // The same choice from the banner's button or from a site's script (window.akkoord) is
  // recorded as what it was: a script's acceptAll() is not a person's click.
  const acceptAll = (how: Interaction) => () =>
    store.decide(acceptAllDecisions(config.purposes, gpc), how);
  const rejectAll = (how: Interaction) => () =>
    store.decide(rejectAllDecisions(config.purposes), how);
  const gpcHeld = gpc ? marketingPurposes(config.purposes).map((p) => nameOf(p.key)) : [];
  // Built on first need: show() from the site, or the task after this one (below).
  let ui: MountedUi | undefined;
  const mountOnce = () =>
    (ui ??= mountUi(document, {
      config,
      store,
      messages,
      locale,
      intro: fill(messages.intro, {
        controller: config.controllerName,
        purposes: listOf(
          consentPurposes(config.purposes).map((p) => nameOf(p.key)),
          messages.and,
        ),
      }),
      gpcNotice:
        gpcHeld.length > 0 ? fill(messages.gpc, { purposes: listOf(gpcHeld, messages.and) }) : null,
      acceptAll: acceptAll('accept_all'),
      rejectAll: rejectAll('reject_all'),
      onManageData: onManageDataClick({
        publicKey: config.publicKey,
        visitorId: store.visitorId,
        flush: () => (store.hasChoice() ? getRecorder().flush() : Promise.resolve()),
        navigate: (url) => {
          syncFlag('1');
          location.assign(url);
        },
      }),
      // Beside widget.js, wherever the site loads it from.
      loadSettings: settingsLoader(
        document,
        script?.src
          ? new URL('widget-settings.js', script.src).href
          : `${config.apiBase}/widget-settings.js`,
        script?.nonce,
        report,
      ),
    }));

  window.akkoord = createPublicApi({
    consent: store.consent,
    subscribe: store.subscribe,
    show: () => mountOnce().show(),
    acceptAll: acceptAll('script'),
    rejectAll: rejectAll('script'),
    set: (decisions) => store.decide(decisions, 'script'),
    receipt: () => (store.hasChoice() ? getRecorder().receipt() : null),
    // After the send in flight, if any: `await akkoord.ready()` right after a choice tells its fate.
    status: async () => {
      const sending = store.hasChoice() ? getRecorder() : null;
      await sending?.idle();
      return {
        consent: store.consent(),
        receipt: sending?.receipt() ?? null,
        ...(sending?.status() ?? { pending: 0, error: null }),
      };
    },
  });

  // The banner in a task of its own: this script's task only sets Consent Mode's default, reads
  // the cookie and gates, so the page's first paint is not held up behind building the banner.
  setTimeout(mountOnce);
  // Before a choice nothing optional runs. Gated frames get their placeholders once the banner
  // is painted: sized like the frame, they read its layout, which is then already done.
  requestAnimationFrame(() => setTimeout(() => store.hasChoice() || gate.update(store.consent())));
}

/** Reads the "back from manage my data" flag, or sets (a string) or clears (null) it. */
function syncFlag(value?: string | null): string | null {
  try {
    const storage = safeLocalStorage();
    if (value === undefined) return storage?.getItem(SYNC_KEY) ?? null;
    if (value === null) storage?.removeItem(SYNC_KEY);
    else storage?.setItem(SYNC_KEY, value);
  } catch {
    // Blocked or full storage: no sync, the cookie stays as it is.
  }
  return null;
}

function safeLocalStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

const config = readInlinedConfig();
// Loaded twice (a tag copied into a template and a layout) must not ask twice. The script element
// is known only now, while it runs.
if (config && !window.akkoord) start(config, document.currentScript as HTMLScriptElement | null);
