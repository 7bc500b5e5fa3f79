// Placeholders for gated content: a gated iframe, and any element marked
// `data-consent-placeholder="purpose"`, shows the purpose's name, why it is asked, and a button
// that grants that one purpose (recorded like any choice, source `placeholder`), instead of an
// empty box. A native button in the page's tab order, its text saying what it does; the
// placeholder sits in its own shadow root so the site's CSS and ours stay apart.

import type { WidgetPurpose } from '../config';
import type { BannerMessages } from '../i18n';
import { fill } from '../i18n';
import { el } from './dom';
import { adoptStyles } from './shared-styles';

export type ShowPlaceholder = (target: Element, missing: string | null) => void;

/** `show(target, key)` puts up (or updates) the placeholder for `key`; `show(target, null)` takes it away. */
export function placeholders(
  purposes: WidgetPurpose[],
  messages: BannerMessages,
  locale: string,
  grant: (key: string) => void,
): ShowPlaceholder {
  const shown = new WeakMap<Element, { host: HTMLElement; key: string; hidden: boolean }>();
  return (target, missing) => {
    const current = shown.get(target);
    if (current?.key === missing) return;
    if (current) {
      const hadFocus = current.host.shadowRoot?.activeElement;
      current.host.remove();
      if (target instanceof HTMLIFrameElement) target.hidden = current.hidden;
      shown.delete(target);
      // Focus goes to what the button unlocked, not to the top of the page.
      if (hadFocus) (target as HTMLElement).focus();
    }
    const purpose = purposes.find((p) => p.key === missing);
    if (!purpose) return;
    const text = purpose.text[locale] ?? Object.values(purpose.text)[0];
    const name = text?.name ?? purpose.key;
    const host = el('akkoord-placeholder' as 'div');
    const root = host.attachShadow({ mode: 'open' });
    // Named by the iframe's own title (what it shows) when it has one.
    const label = target.getAttribute('title') ?? name;
    // The banner's stylesheet: its buttons, focus and theme colours, and the box itself.
    adoptStyles(root);
    root.append(
      el(
        'div',
        { class: 'ph', role: 'group', 'aria-label': label, lang: locale },
        el(
          'p',
          {},
          fill(messages.placeholder, { purpose: name, description: text?.description ?? '' }),
        ),
        el(
          'button',
          { type: 'button', onclick: () => grant(purpose.key) },
          fill(messages.placeholderButton, { purpose: name }),
        ),
      ),
    );
    if (target instanceof HTMLIFrameElement) {
      // Same place, same size as the empty frame it stands in for.
      const { width, height } = target.getBoundingClientRect();
      if (width && height)
        host.style.cssText = `width:${width}px;max-width:100%;min-height:${height}px`;
      shown.set(target, { host, key: purpose.key, hidden: target.hidden });
      target.hidden = true;
      target.before(host);
    } else {
      shown.set(target, { host, key: purpose.key, hidden: false });
      target.append(host);
    }
  };
}
