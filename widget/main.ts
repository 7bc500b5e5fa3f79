// The widget's entry: reads the config the server inlined, and wires the consent store to the
// page (script gating, Consent Mode, the banner UI, window.akkoord).

import { readInlinedConfig, type WidgetConfig } from './config';
import { acceptAllDecisions, optionalPurposes, rejectAllDecisions, type Decisions } from './consent/decisions';
import { createRecorder, type Recorder } from './consent/recorder';
import { fetchServerDecisions, SYNC_KEY } from './consent/server-sync';
import { createConsentStore } from './consent-store';
import { startGate } from './blocking/dom';
import { bannerMessages, fill, listOf, pickLocale } from './i18n';
import {
  consentModeState,
  defaultConsentModeState,
  ensureGtag,
  usesConsentMode,
} from './integrations/consent-mode';
import { marketingPurposes, readGpc } from './integrations/gpc';
import { announceChange, createPublicApi, type AkkoordApi } from './public-api';
import { onManageDataClick } from './ui/manage-data-link';
import { mountUi } from './ui/mount';

declare global {
  interface Window {
    akkoord?: AkkoordApi;
  }
}

function start(config: WidgetConfig): void {
  const gpc = readGpc(navigator);
  const locale = pickLocale([document.documentElement.lang, ...navigator.languages], config.locales, config.defaultLocale);
  const messages = bannerMessages(locale);
  const nameOf = (key: string) => config.purposes.find((p) => p.key === key)?.text[locale]?.name ?? key;

  // First, before anything else can run (GCM-01).
  const gtag = usesConsentMode(config.purposes) ? ensureGtag(window as never) : null;
  gtag?.('consent', 'default', defaultConsentModeState(config.purposes));

  // Created on first use: no storage is touched before a choice exists (EP-01).
  let recorder: Recorder | undefined;
  const getRecorder = () => (recorder ??= createRecorder(config.apiBase, safeLocalStorage(), fetch.bind(window)));

  const store = createConsentStore(config, {
    doc: document,
    nowSeconds: () => Math.floor(Date.now() / 1000),
    locale,
    gpc,
    recorder: getRecorder,
  });
  const gate = startGate(document);
  const applyConsent = (consent: Decisions) => {
    gate.update(consent);
    gtag?.('consent', 'update', consentModeState(config.purposes, consent));
  };
  store.subscribe((consent) => {
    applyConsent(consent);
    announceChange(window, consent);
  });

  /**
   * Back from "manage my data" (server-sync.ts): take over what the person changed or erased
   * there before anything runs on the old cookie; otherwise apply the cookie at once.
   */
  const syncWithServer = async (applyAfter: boolean) => {
    const visitorId = store.visitorId();
    if (visitorId && syncFlag()) {
      if (store.hasChoice()) await getRecorder().flush();
      const decisions = await fetchServerDecisions(config, visitorId, fetch.bind(window));
      if (decisions !== undefined) {
        syncFlag(null);
        if (!decisions) getRecorder().forget();
        const current = store.consent();
        // adopt() tells the subscribers, which apply the result.
        if (!decisions || Object.keys(decisions).some((key) => decisions[key] !== current[key])) return store.adopt(decisions);
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

  const acceptAll = () => store.decide(acceptAllDecisions(config.purposes, gpc));
  const rejectAll = () => store.decide(rejectAllDecisions(config.purposes));
  const gpcHeld = gpc ? marketingPurposes(config.purposes).map((p) => nameOf(p.key)) : [];
  const ui = mountUi(document, {
    config,
    store,
    messages,
    locale,
    intro: fill(messages.intro, {
      controller: config.controllerName,
      purposes: listOf(optionalPurposes(config.purposes).map((p) => nameOf(p.key)), locale),
    }),
    gpcNotice: gpcHeld.length > 0 ? fill(messages.gpc, { purposes: listOf(gpcHeld, locale) }) : null,
    acceptAll,
    rejectAll,
    onManageData: onManageDataClick({
      apiBase: config.apiBase,
      publicKey: config.publicKey,
      visitorId: store.visitorId,
      flush: () => (store.hasChoice() ? getRecorder().flush() : Promise.resolve()),
      send: fetch.bind(window),
      navigate: (url) => {
        syncFlag('1');
        location.assign(url);
      },
    }),
  });

  window.akkoord = createPublicApi({
    consent: store.consent,
    subscribe: store.subscribe,
    show: ui.show,
    acceptAll,
    rejectAll,
    set: store.decide,
    receipt: () => (store.hasChoice() ? getRecorder().receipt() : null),
  });
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
// Loaded twice (a tag copied into a template and a layout) must not ask twice.
if (config && !window.akkoord) start(config);
