// The way back to the choice from every page after it was made (BAN-08, GDPR-06): a small fixed
// button with a 44 px target (A11Y-07 asks at least 24), showing its label next to the icon
// unless the theme asks for the icon alone (the banner's withdraw sentence then describes it).

import { el, icon } from './dom';

// A cookie with a bite taken out of it.
const COOKIE_ICON =
  'M12 3a9 9 0 1 0 9 9 4 4 0 0 1-4.5-4.5A4 4 0 0 1 12 3Zm-3 6.5a1.5 1.5 0 1 1 0 .1Zm5 5a1.5 1.5 0 1 1 0 .1ZM8 15a1 1 0 1 1 0 .1Z';

export function renderFloatingButton(
  label: string,
  showLabel: boolean,
  onOpen: () => void,
): HTMLButtonElement {
  return showLabel
    ? el('button', { type: 'button', class: 'reopen', onclick: onOpen }, icon(COOKIE_ICON), label)
    : el(
        'button',
        {
          type: 'button',
          class: 'reopen icon',
          'aria-label': label,
          title: label,
          onclick: onOpen,
        },
        icon(COOKIE_ICON),
      );
}
