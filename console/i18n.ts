// The console's words (console/messages/<lang>.json, Dutch and English, the same keys)
// and the helpers that put values into them: always as text, never as HTML.
import en from './messages/en.json';
import nl from './messages/nl.json';

export type Messages = typeof en;
export type MessageKey = keyof Messages;
export const locales = ['nl', 'en'] as const;
export type Locale = (typeof locales)[number];

const BUILT_IN: Record<Locale, Messages> = { nl, en };
export const languageNames: Record<Locale, string> = { nl: 'Nederlands', en: 'English' };

export const messagesFor = (locale: Locale): Messages => BUILT_IN[locale];

export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  );
}

/** A message picked by a computed key (type_erasure, role_owner ...), or the raw value when none exists. */
export function labelOf(m: Messages, prefix: string, value: string): string {
  return (m as Record<string, string>)[`${prefix}_${value}`] ?? value;
}

export function formatDate(
  iso: string | null | undefined,
  locale: Locale,
  withTime = true,
): string {
  if (!iso) return '';
  const options: Intl.DateTimeFormatOptions = withTime
    ? { dateStyle: 'medium', timeStyle: 'short' }
    : { dateStyle: 'medium' };
  return new Intl.DateTimeFormat(locale === 'nl' ? 'nl-NL' : 'en-GB', options).format(
    new Date(iso),
  );
}

/** The saved choice, else the browser's first language we have, else Dutch. */
export function startLocale(): Locale {
  const saved = localStorage.getItem('akkoord-console-locale');
  if (saved === 'nl' || saved === 'en') return saved;
  for (const language of navigator.languages) {
    const code = language.toLowerCase().split('-')[0];
    if (code === 'nl' || code === 'en') return code;
  }
  return 'nl';
}
