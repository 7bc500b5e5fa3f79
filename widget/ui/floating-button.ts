// The way back to the choice from every page after it was made (BAN-08, GDPR-06): a small fixed
// button with an accessible name and a 44 px target (A11Y-07 asks at least 24).

import { el, icon } from './dom';

// A cookie with a bite taken out of it.
const COOKIE_ICON = 'M12 3a9 9 0 1 0 9 9 4 4 0 0 1-4.5-4.5A4 4 0 0 1 12 3Zm-3 6.5a1.5 1.5 0 1 1 0 .1Zm5 5a1.5 1.5 0 1 1 0 .1ZM8 15a1 1 0 1 1 0 .1Z';

export function renderFloatingButton(label: string, onOpen: () => void): HTMLButtonElement {
  const button = el('button', { type: 'button', class: 'reopen', 'aria-label': label, title: label, onclick: onOpen });
  button.append(icon(COOKIE_ICON));
  return button;
}
