// The banner's words come from one table (shared/i18n/banner.ts) in Dutch, English, German and
// French; the server sends the words of the tenant's locales with the config.
import { describe, expect, it } from 'vitest';
import {
  bannerLanguages,
  bannerTable,
  bannerWords,
  settingsTable,
  settingsWords,
} from '../../shared/i18n/banner';
import { toWidgetConfig } from '../../server/routes/widget-config';
import { demoConfig } from '../../server/services/config/demo';
import { fill, listOf, pickLocale } from '../../widget/i18n';

describe('banner translations', () => {
  it('every message exists in every language, none empty', () => {
    expect([...bannerLanguages]).toEqual(['nl', 'en', 'de', 'fr']);
    for (const [key, row] of Object.entries({ ...bannerTable, ...settingsTable })) {
      expect(Object.keys(row).sort(), key).toEqual([...bannerLanguages].sort());
      for (const language of bannerLanguages)
        expect(row[language].trim(), `${key}.${language}`).not.toBe('');
    }
  });

  it('every language uses the same placeholders in each message', () => {
    const placeholders = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
    for (const [key, row] of Object.entries({ ...bannerTable, ...settingsTable })) {
      for (const language of bannerLanguages)
        expect(placeholders(row[language]), `${key}.${language}`).toEqual(placeholders(row.en));
    }
  });

  it('BAN-05: uses neutral words for the buttons', () => {
    expect([bannerTable.acceptAll.nl, bannerTable.rejectAll.nl]).toEqual([
      'Alles accepteren',
      'Alles weigeren',
    ]);
    expect([bannerTable.acceptAll.de, bannerTable.rejectAll.de]).toEqual([
      'Alle akzeptieren',
      'Alle ablehnen',
    ]);
    expect([bannerTable.acceptAll.fr, bannerTable.rejectAll.fr]).toEqual([
      'Tout accepter',
      'Tout refuser',
    ]);
  });

  it('a region takes its language, an unknown language English', () => {
    expect(bannerWords('nl-BE').acceptAll).toBe('Alles accepteren');
    expect(bannerWords('fr-LU').acceptAll).toBe('Tout accepter');
    expect(bannerWords('es').acceptAll).toBe('Accept all');
    expect([
      settingsWords('de-AT').save,
      settingsWords('fr-BE').save,
      settingsWords('es').save,
    ]).toEqual(['Auswahl speichern', 'Enregistrer mon choix', 'Save choice']);
  });

  it("the widget config carries the words of the tenant's locales only", () => {
    const config = {
      ...demoConfig('https://shop.example'),
      locales: ['de', 'fr'],
      defaultLocale: 'de',
    };
    const published = {
      version: 1,
      materialVersion: 1,
      publishedAt: '',
      noticeHashes: {},
      config,
    } as Parameters<typeof toWidgetConfig>[0];
    const widget = toWidgetConfig(
      published,
      { id: 'ten_1', publicKey: 'pk_1' },
      'https://cmp.example',
    );
    expect(Object.keys(widget.words)).toEqual(['de', 'fr']);
    expect(widget.words.de.acceptAll).toBe('Alle akzeptieren');
  });
});

describe('choosing the language', () => {
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
    expect(listOf(['Statistieken', 'Advertenties', 'Video'], bannerTable.and.nl)).toBe(
      'Statistieken, Advertenties en Video',
    );
    expect(listOf(['Analytics', 'Ads'], bannerTable.and.en)).toBe('Analytics and Ads');
    expect(listOf(['Statistik', 'Werbung'], bannerTable.and.de)).toBe('Statistik und Werbung');
  });
});
