// The preference center's words and the helpers that put values into them: always as
// text, never as HTML. The words of the page's one language (shared/i18n/<lang>.json,
// section "preferenceCenter") come with the page data, not in the bundle: the script stays
// small, and another language is another page (?lang=), titled by the server in that language.
import type en from '../shared/i18n/en.json';

export type Messages = typeof en.preferenceCenter;
export type MessageKey = keyof Messages;

export const languageNames: Record<string, string> = { nl: 'Nederlands', en: 'English' };

export function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  );
}

/** A message picked by a computed key (status_granted, type_erasure ...), or the raw value when none exists. */
export function labelOf(m: Messages, prefix: string, value: string): string {
  return (m as Record<string, string>)[`${prefix}_${value}`] ?? value;
}

/**
 * The page's language for dates: English as written in Europe (day month year, 24 hours),
 * where the controllers and their customers are, not the US order.
 */
const DATE_LOCALE: Record<string, string> = { en: 'en-GB', nl: 'nl-NL' };

export function formatDate(
  iso: string | null | undefined,
  locale: string,
  withTime = true,
): string {
  if (!iso) return '';
  const options: Intl.DateTimeFormatOptions = withTime
    ? { day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit' }
    : { day: 'numeric', month: 'long', year: 'numeric' };
  return new Intl.DateTimeFormat(DATE_LOCALE[locale] ?? locale, options).format(new Date(iso));
}

/**
 * A readable name for a data set or field the configuration does not name: "firstName" and
 * "newsletter_clicks" become "First name" and "Newsletter clicks".
 */
export function humanize(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_.-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words ? words[0].toUpperCase() + words.slice(1) : key;
}

/** "newsletter_clicks: 3 items", with the plural the language needs. */
export function countOf(m: Messages, locale: string, dataset: string, count: number): string {
  const form =
    new Intl.PluralRules(locale).select(count) === 'one' ? m.recordCount_one : m.recordCount_other;
  return fill(form, { dataset: humanize(dataset), count });
}

/** Data kept by law (Art. 17(3)(b)): which, until when and on what basis. */
export function keptText(
  m: Messages,
  locale: string,
  k: { dataset: string; basis: string; until: string | null },
): string {
  return fill(m.keptByLawUntil, {
    dataset: humanize(k.dataset),
    date: formatDate(k.until, locale, false),
    basis: k.basis,
  });
}
