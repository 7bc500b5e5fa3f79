// What every signed-in screen gets from the app shell.
import type { MeView } from '../api';
import type { Messages } from '../i18n';
import type { PageData } from '../page-data';

export interface ScreenProps {
  m: Messages;
  locale: string;
  page: PageData;
  me: MeView;
  /** Reads /v1/me again after a change. */
  reload(): Promise<void>;
  /** Says something in the polite live region (WCAG 4.1.3, A11Y-10). */
  announce(text: string): void;
  fail(error: unknown): void;
}

/** The purpose's name in the page language, else its key. */
export function purposeName(page: PageData, locale: string, key: string): string {
  const purpose = page.purposes.find((p) => p.key === key);
  return purpose?.text[locale]?.name ?? purpose?.text[page.defaultLocale]?.name ?? key;
}
