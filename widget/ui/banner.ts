// The first layer: who asks, for what, how to withdraw later (GDPR-07), and three equal buttons
// (BAN-01, BAN-03, BAN-04). It keeps Tab inside itself while shown (A11Y-02); after a click
// into the page, which it does not block (GDPR-08), focus-not-obscured.ts keeps what it covers
// from taking focus unseen (A11Y-01). The panel takes focus first, Accept all is one Tab away and
// Reject all two (A11Y-03).

import type { BannerMessages } from '../i18n';
import { el } from './dom';
import { trapTab } from './focus';

export interface BannerProps {
  messages: BannerMessages;
  intro: string;
  gpcNotice: string | null;
  privacyNoticeUrl: string | undefined;
  /** The controller's logo (theme.logoUrl), named by the controller's name. */
  logo: HTMLElement | null;
  /** The "manage my data" link (manage-data-link.ts); it opens in the same tab. */
  manageDataLink: HTMLElement;
  onAcceptAll(): void;
  onRejectAll(): void;
  onChoose(): void;
  /** Hover or focus on Choose: the dialog's script may load before the click. */
  onChooseIntent(): void;
  onEscape(): void;
}

export function renderBanner(props: BannerProps): {
  panel: HTMLElement;
  chooseButton: HTMLElement;
} {
  const { messages } = props;
  const link = (href: string, text: string) =>
    el('a', { href, target: '_blank', rel: 'noopener' }, text);
  const chooseButton = el(
    'button',
    {
      type: 'button',
      onclick: props.onChoose,
      onpointerenter: props.onChooseIntent,
      onfocus: props.onChooseIntent,
    },
    messages.choose,
  );
  // On a phone the text folds to two lines (styles.css); "more" unfolds it. Screen readers read
  // all of it either way.
  const fold = el(
    'div',
    { class: 'fold', tabindex: -1 },
    el('p', { id: 'ak-intro' }, props.intro),
    messages.thirdParties && el('p', {}, messages.thirdParties),
    props.gpcNotice && el('p', {}, props.gpcNotice),
    el('p', {}, messages.withdraw),
  );
  const more = el(
    'button',
    {
      type: 'button',
      class: 'more',
      'aria-hidden': 'true',
      tabindex: -1,
      onclick: () => {
        panel.classList.add('open');
        fold.focus();
      },
    },
    messages.more,
  );
  const panel = el(
    'div',
    {
      class: 'layer banner',
      role: 'dialog',
      'aria-modal': 'true',
      'aria-labelledby': 'ak-title',
      'aria-describedby': 'ak-intro',
      tabindex: -1,
      onkeydown: (event) => {
        if ((event as KeyboardEvent).key === 'Escape') props.onEscape();
        trapTab(event as KeyboardEvent, panel);
      },
    },
    props.logo,
    el('h2', { id: 'ak-title' }, messages.title),
    fold,
    more,
    el(
      'div',
      { class: 'actions' },
      el('button', { type: 'button', onclick: props.onAcceptAll }, messages.acceptAll),
      el('button', { type: 'button', onclick: props.onRejectAll }, messages.rejectAll),
      chooseButton,
    ),
    el(
      'p',
      { class: 'links' },
      props.privacyNoticeUrl && link(props.privacyNoticeUrl, messages.privacyNotice),
      props.manageDataLink,
    ),
  );
  return { panel, chooseButton };
}
