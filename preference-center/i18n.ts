// The preference center's words (shared/i18n/<lang>.json, section "preferenceCenter")
// and the helpers that put values into them: always as text, never as HTML.
import { preferenceCenter as en } from '../shared/i18n/en.json';
import { preferenceCenter as nl } from '../shared/i18n/nl.json';

export type Messages = typeof en;
export type MessageKey = keyof Messages;

const BUILT_IN: Record<string, Messages> = { nl, en };

export const languageNames: Record<string, string> = { nl: 'Nederlands', en: 'English' };

export function messagesFor(locale: string): Messages {
  return BUILT_IN[locale] ?? en;
}

export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/** A message picked by a computed key (status_granted, type_erasure ...), or the raw value when none exists. */
export function labelOf(m: Messages, prefix: string, value: string): string {
  return (m as Record<string, string>)[`${prefix}_${value}`] ?? value;
}

export function formatDate(iso: string | null | undefined, locale: string, withTime = true): string {
  if (!iso) return '';
  const options: Intl.DateTimeFormatOptions = withTime ? { dateStyle: 'medium', timeStyle: 'short' } : { dateStyle: 'medium' };
  return new Intl.DateTimeFormat(locale, options).format(new Date(iso));
}

/** The language to start in: ?lang=, then the browser's languages, then the tenant's default. */
export function pickLocale(candidates: readonly string[], tenantLocales: string[], fallback: string): string {
  for (const candidate of candidates) {
    const language = candidate.toLowerCase().split('-')[0];
    if (tenantLocales.includes(language) && language in BUILT_IN) return language;
  }
  return fallback;
}
