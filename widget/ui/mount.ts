// Puts the banner on the page inside an open shadow root (isolated from the site's CSS, visible
// to assistive technology and audits) and moves between its layers: first layer,
// settings dialog (a script of its own, settings-loader.ts), or only the floating re-open button. Focus goes into each layer when it opens
// and back to whatever opened it when it closes (A11Y-02).

import type { WidgetConfig } from '../config';
import type { ConsentStore } from '../consent-store';
import type { BannerMessages } from '../i18n';
import { renderBanner } from './banner';
import { el } from './dom';
import { renderFloatingButton } from './floating-button';
import { focusedElement } from './focus';
import { keepFocusVisible } from './focus-not-obscured';
import type { LoadSettings } from './settings-loader';
import { adoptStyles } from './shared-styles';

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
  /** The settings dialog's script, loaded on the first sign that a person wants it. */
  loadSettings: LoadSettings;
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
  const frame = el('div', { class: `ak ${config.position ?? ''}`, lang: locale }, status);
  // The theme is data: custom properties the stylesheet reads, never code.
  for (const [name, value] of Object.entries(config.colors ?? {}))
    frame.style.setProperty(name, value);
  if (config.inheritFont) host.style.fontFamily = frame.style.fontFamily = 'inherit';
  adoptStyles(root);
  root.append(frame);

  let layer: HTMLElement | null = null;
  let opener: HTMLElement | null = null;
  let releasePage: (() => void) | undefined;
  const reopenButton = renderFloatingButton(messages.reopen, config.floatingLabel, () => show());
  // Sign-in by e-mail unless the click handler finds this browser's visitor.
  const manageDataLink = () =>
    el(
      'a',
      { href: `${config.apiBase}/p/${config.tenantId}`, onclick: props.onManageData },
      messages.manageData,
    );

  /**
   * Replaces the open layer; `null` leaves only the re-open button, once a choice exists.
   * `afterFrame` focuses once the layer has been painted: focus() on a page still being laid out
   * forces a layout of all of it first, a long task on a slow phone. Nobody has pressed a key
   * into a banner not yet seen, and a person who meanwhile clicked into the page keeps that focus.
   */
  const open = (next: HTMLElement | null, focus: HTMLElement | null, afterFrame?: boolean) => {
    releasePage?.();
    releasePage = undefined;
    layer?.remove();
    layer = next;
    if (next) {
      reopenButton.remove();
      frame.prepend(next);
    } else if (store.hasChoice()) frame.append(reopenButton);
    if (!afterFrame) focus?.focus();
    else
      requestAnimationFrame(() =>
        setTimeout(() => layer === next && !focusedElement(doc, host, root) && focus?.focus()),
      );
  };

  const close = () => {
    if (!layer) return;
    const back = opener?.isConnected ? opener : reopenButton;
    opener = null;
    // A choice made elsewhere (a placeholder's button) keeps focus where the person is.
    const elsewhere = doc.activeElement !== host && doc.activeElement !== doc.body;
    open(null, elsewhere ? null : back);
  };

  const showBanner = (focusChoose: boolean, afterFrame?: boolean) => {
    const { panel, chooseButton } = renderBanner({
      messages,
      intro: props.intro,
      gpcNotice: props.gpcNotice,
      privacyNoticeUrl:
        config.privacyNoticeUrl[locale] ?? config.privacyNoticeUrl[config.defaultLocale],
      logo: config.logoUrl
        ? el('img', { class: 'logo', src: config.logoUrl, alt: config.controllerName })
        : null,
      manageDataLink: manageDataLink(),
      onAcceptAll: props.acceptAll,
      onRejectAll: props.rejectAll,
      onChoose: showSettings,
      onChooseIntent: () => void props.loadSettings(),
      // Before any choice the banner stays: closing it would be no answer at all (BAN-11).
      onEscape: () => store.hasChoice() && close(),
    });
    open(panel, focusChoose ? chooseButton : panel, afterFrame);
    // The settings dialog covers the whole page; only the first layer leaves it usable.
    releasePage = keepFocusVisible(doc, host, panel);
  };

  function showSettings() {
    const from = layer;
    void props.loadSettings().then((chunk) => {
      // Not over a choice made meanwhile, nor twice for a double click.
      if (!chunk || layer !== from) return;
      const { backdrop, dialog } = chunk.render(
        root,
        {
          locale,
          purposes: config.purposes,
          current: store.consent(),
          onSave: store.decide,
          // Esc and Close go back to the first layer and its Choose button, accepting nothing.
          onClose: () => showBanner(true),
          manageDataLink: manageDataLink(),
        },
        `${config.apiBase}/v1/purpose-details?key=${config.publicKey}&locale=${locale}`,
      );
      open(backdrop, dialog);
    });
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
    doc.addEventListener(
      'DOMContentLoaded',
      () => {
        const focused = root.activeElement as HTMLElement | null;
        doc.body.append(host);
        // Once laid out at its new place, as on the first showing (open()).
        if (focused)
          requestAnimationFrame(() =>
            setTimeout(() => !focusedElement(doc, host, root) && focused.focus()),
          );
      },
      { once: true },
    );
  }
  if (store.mustAsk()) showBanner(false, true);
  else open(null, null);
  return { show };
}
