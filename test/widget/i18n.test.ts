import { describe, expect, it } from 'vitest';
import en from '../../shared/i18n/en.json';
import nl from '../../shared/i18n/nl.json';
import { fill, listOf, pickLocale } from '../../widget/i18n';

describe('banner translations', () => {
  it('Dutch and English have the same banner keys, none empty', () => {
    expect(Object.keys(nl.banner).sort()).toEqual(Object.keys(en.banner).sort());
    for (const messages of [nl.banner, en.banner]) {
      for (const value of Object.values(messages)) expect(value.trim()).not.toBe('');
    }
  });

  it('both use the same placeholders in each message', () => {
    const placeholders = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
    for (const key of Object.keys(nl.banner) as Array<keyof typeof nl.banner>) {
      expect(placeholders(nl.banner[key]), key).toEqual(placeholders(en.banner[key]));
    }
  });

  it('BAN-05: uses neutral words for the buttons', () => {
    expect([nl.banner.acceptAll, nl.banner.rejectAll]).toEqual(['Alles accepteren', 'Alles weigeren']);
  });
});

describe('choosing the language (CONTRACT §4)', () => {
  it('takes <html lang> first, then the browser, then the tenant default', () => {
    expect(pickLocale(['en-GB', 'nl'], ['nl', 'en'], 'nl')).toBe('en');
    expect(pickLocale(['', 'nl-BE'], ['nl', 'en'], 'en')).toBe('nl');
    expect(pickLocale(['de', 'fr'], ['nl', 'en'], 'nl')).toBe('nl');
  });

  it('skips a language the tenant has no texts for', () => {
    expect(pickLocale(['en'], ['nl'], 'nl')).toBe('nl');
  });

  it('fills placeholders as plain text and lists names the local way', () => {
    expect(fill('{controller} <b>{x}</b>', { controller: '<img>' })).toBe('<img> <b>{x}</b>');
    expect(listOf(['Statistieken', 'Advertenties', 'Video'], 'nl')).toBe('Statistieken, Advertenties en Video');
    expect(listOf(['Analytics', 'Ads'], 'en')).toBe('Analytics and Ads');
  });
});
