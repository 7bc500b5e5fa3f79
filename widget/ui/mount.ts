// Puts the banner on the page inside an open shadow root (isolated from the site's CSS, visible
// to assistive technology and audits, CONTRACT §4) and moves between its layers: first layer,
// settings dialog, or only the floating re-open button. Focus goes into each layer when it opens
// and back to whatever opened it when it closes (A11Y-02).

import type { WidgetConfig } from '../config';
import type { ConsentStore } from '../consent-store';
import type { BannerMessages } from '../i18n';
import { renderBanner } from './banner';
import { el } from './dom';
import { renderFloatingButton } from './floating-button';
import { focusedElement } from './focus';
import { keepFocusVisible } from './focus-not-obscured';
import { renderSettingsDialog } from './settings-dialog';
import css from './styles.css?inline';

export interface UiProps {
  config: WidgetConfig;
  store: ConsentStore;
  messages: BannerMessages;
  locale: string;
  intro: string;
  gpcNotice: string | null;
  acceptAll(): void;
  rejectAll(): void;
  /** Click handler of the "manage my data" links (manage-data-link.ts). */
  onManageData(event: Event): void;
}

export interface MountedUi {
  /** Opens the first layer (again); closing it gives focus back to what had it. */
  show(): void;
}

export function mountUi(doc: Document, props: UiProps): MountedUi {
  const { config, store, messages, locale } = props;
  const host = doc.createElement('akkoord-consent');
  const root = host.attachShadow({ mode: 'open' });
  const status = el('div', { class: 'sr', role: 'status' });
  const frame = el('div', { class: 'ak', lang: locale }, status);
  root.append(el('style', {}, css), frame);

  let layer: HTMLElement | null = null;
  let opener: HTMLElement | null = null;
  let releasePage: (() => void) | undefined;
  const reopenButton = renderFloatingButton(messages.reopen, () => show());
  // Sign-in by e-mail unless the click handler finds this browser's visitor (CONTRACT §8).
  const manageDataLink = () =>
    el('a', { href: `${config.apiBase}/p/${config.tenantId}`, onclick: props.onManageData }, messages.manageData);

  /** Replaces the open layer; `null` leaves only the re-open button, once a choice exists. */
  const open = (next: HTMLElement | null, focus: HTMLElement | null) => {
    releasePage?.();
    releasePage = undefined;
    layer?.remove();
    layer = next;
    if (next) {
      reopenButton.remove();
      frame.prepend(next);
    } else if (store.hasChoice()) frame.append(reopenButton);
    focus?.focus();
  };

  const close = () => {
    if (!layer) return;
    const back = opener?.isConnected ? opener : reopenButton;
    opener = null;
    open(null, back);
  };

  const showBanner = (focusChoose: boolean) => {
    const { panel, chooseButton } = renderBanner({
      messages,
      intro: props.intro,
      gpcNotice: props.gpcNotice,
      privacyNoticeUrl: config.privacyNoticeUrl[locale] ?? config.privacyNoticeUrl[config.defaultLocale],
      manageDataLink: manageDataLink(),
      onAcceptAll: props.acceptAll,
      onRejectAll: props.rejectAll,
      onChoose: showSettings,
      // Before any choice the banner stays: closing it would be no answer at all (BAN-11).
      onEscape: () => store.hasChoice() && close(),
    });
    open(panel, focusChoose ? chooseButton : panel);
    // The settings dialog covers the whole page; only the first layer leaves it usable.
    releasePage = keepFocusVisible(doc, host, panel);
  };

  function showSettings() {
    const { backdrop, dialog } = renderSettingsDialog({
      messages,
      locale,
      purposes: config.purposes,
      current: store.consent(),
      onSave: store.decide,
      // Esc and Close go back to the first layer and its Choose button, accepting nothing.
      onClose: () => showBanner(true),
      manageDataLink: manageDataLink(),
    });
    open(backdrop, dialog);
  }

  function show() {
    opener = layer ? opener : focusedElement(doc, host, root);
    showBanner(false);
  }

  // Any choice, from a button or from window.akkoord, closes the layers and is announced
  // politely, without moving focus elsewhere than back (A11Y-10).
  store.subscribe(() => {
    // Erased in the preference center (server-sync.ts): there is no choice left, so ask again.
    if (store.mustAsk()) {
      if (!layer) showBanner(false);
      return;
    }
    close();
    status.textContent = messages.saved;
    setTimeout(() => (status.textContent = ''), 5000);
  });

  // The parser may not have reached <body> yet when this async script runs. Once the page is
  // parsed the host moves to its end, where the spacer of focus-not-obscured.ts pushes
  // nothing down (before <body>, or amid it, it shifted the whole page: CLS).
  (doc.body ?? doc.documentElement).append(host);
  if (doc.readyState === 'loading') {
    doc.addEventListener('DOMContentLoaded', () => {
      const focused = root.activeElement as HTMLElement | null;
      doc.body.append(host);
      focused?.focus();
    }, { once: true });
  }
  if (store.mustAsk()) showBanner(false);
  else open(null, null);
  return { show };
}
