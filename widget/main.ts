// The widget's entry: reads the config the server inlined, and wires the consent store to the
// page (script gating, Consent Mode, the banner UI, window.akkoord).

import { readInlinedConfig, type WidgetConfig } from './config';
import { acceptAllDecisions, optionalPurposes, rejectAllDecisions, type Decisions } from './consent/decisions';
import { createRecorder, type Recorder } from './consent/recorder';
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

  if (store.hasChoice()) {
    // A returning visitor: apply the stored choice at once and send anything still queued.
    applyConsent(store.consent());
    void getRecorder().flush();
  }
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
      navigate: (url) => location.assign(url),
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
