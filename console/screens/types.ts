// What every console screen gets from the shell.
import type { Self } from '../api';
import type { Locale, Messages } from '../i18n';

export interface ScreenProps {
  m: Messages;
  locale: Locale;
  self: Self;
  /** Says something in the polite status region ("saved"). */
  announce(text: string): void;
  /** Shows an API failure in the alert region (a 401 signs out). */
  fail(error: unknown): void;
}

/** True when the signed-in role holds one of the scopes. */
export const can = (self: Self, ...scopes: string[]) =>
  scopes.some((scope) => (self.scopes as string[]).includes(scope));
