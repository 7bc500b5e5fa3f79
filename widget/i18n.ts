// The banner's own words in Dutch and English (shared/i18n/*.json, section "banner"), and the
// choice of language: <html lang>, then the browser, then the tenant's default (CONTRACT §4).

import { banner as en } from '../shared/i18n/en.json';
import { banner as nl } from '../shared/i18n/nl.json';

export type BannerMessages = typeof en;

const BUILT_IN: Record<string, BannerMessages> = { nl, en };

/**
 * The first candidate language the tenant has texts for and the widget has words for; a region
 * (`nl-BE`) falls back to its language.
 */
export function pickLocale(candidates: Array<string | null | undefined>, tenantLocales: string[], defaultLocale: string): string {
  for (const candidate of candidates) {
    const language = (candidate ?? '').toLowerCase().split('-')[0];
    if (language && tenantLocales.includes(language) && language in BUILT_IN) return language;
  }
  return defaultLocale;
}

export function bannerMessages(locale: string): BannerMessages {
  return BUILT_IN[locale] ?? en;
}

/** Fills `{name}` placeholders. The result is rendered as text, never parsed as HTML. */
export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

/**
 * "a, b en c" / "a, b and c". Not Intl.ListFormat: its first use loads locale data and costs
 * 25-35 ms on the main thread, more than the whole banner may take.
 */
export function listOf(items: string[], locale: string): string {
  if (items.length < 2) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${locale === 'nl' ? 'en' : 'and'} ${items[items.length - 1]}`;
}
