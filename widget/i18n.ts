// The banner's words and the choice of language: <html lang>, then the browser, then the tenant's
// default. The words come with the config (server/routes/widget-config.ts picks them from
// shared/i18n/banner.ts for the tenant's locales), so the bundle carries no language it does not
// show.

import type { BannerMessages } from '../shared/i18n/banner';

export type { BannerMessages };

/** The first candidate language the tenant has texts for; a region (`nl-BE`) falls back to its language. */
export function pickLocale(
  candidates: Array<string | null | undefined>,
  tenantLocales: string[],
  defaultLocale: string,
): string {
  for (const candidate of candidates) {
    const language = (candidate ?? '').toLowerCase().split('-')[0];
    if (language && tenantLocales.includes(language)) return language;
  }
  return defaultLocale;
}

/** Fills `{name}` placeholders. The result is rendered as text, never parsed as HTML. */
export function fill(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

/**
 * "a, b en c" / "a, b and c". Not Intl.ListFormat: its first use loads locale data and costs
 * 25-35 ms on the main thread, more than the whole banner may take.
 */
export function listOf(items: string[], and: string): string {
  if (items.length < 2) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${and} ${items[items.length - 1]}`;
}
