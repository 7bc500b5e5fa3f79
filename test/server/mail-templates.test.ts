// The mails Akkoord sends, in Dutch and English: one register per language (Dutch "je",
// never "u"), request types and dates in words, the controller's name and contact in a
// footer of every mail, and the plain text and HTML saying the same thing.
import { describe, expect, it } from 'vitest';
import {
  doubleOptInMail,
  exportReadyMail,
  extensionMail,
  loginMail,
  refusalMail,
  restrictionLiftMail,
  stepUpMail,
  type RenderedMail,
} from '../../server/mail/templates.js';

const tenant = {
  name: 'Shop BV',
  controller: 'Demowinkel BV',
  contact: 'privacy@demowinkel.example',
};
const url = 'https://akkoord.example/p/ten_1#token=abc&x=<1>';

const mails = (locale: string): Record<string, RenderedMail> => ({
  login: loginMail(locale, { tenant, url }),
  stepUp: stepUpMail(locale, { tenant, url }),
  doubleOptIn: doubleOptInMail(locale, {
    tenant,
    purposeName: 'Nieuwsbrief',
    channel: 'email',
    url,
  }),
  extension: extensionMail(locale, {
    tenant,
    requestType: 'access',
    reason: 'Veel verzoeken tegelijk',
    dueAt: '2027-03-02T10:00:00.000Z',
  }),
  refusal: refusalMail(locale, {
    tenant,
    requestType: 'erasure',
    ground: 'excessive',
    explanation: 'Derde verzoek deze week',
  }),
  restrictionLift: restrictionLiftMail(locale, { tenant }),
  exportReady: exportReadyMail(locale, {
    tenant,
    requestType: 'portability',
    url,
    expiresAt: '2027-03-09T10:00:00.000Z',
  }),
});

const unescape = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
/** The lines a reader sees in the HTML body. */
const htmlLines = (html: string) =>
  unescape(
    /<body[^>]*>([\s\S]*)<\/body>/
      .exec(html)![1]
      .replace(/<hr>/g, '\n')
      .replace(/<[^>]+>/g, '\n'),
  )
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
/** The lines of the plain text, without the signature separator and a link label's colon. */
const textLines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim().replace(/:$/, ''))
    .filter((l) => l && l !== '--');
const htmlLinesNoColon = (html: string) => htmlLines(html).map((l) => l.replace(/:$/, ''));

describe('the mails Akkoord sends', () => {
  for (const locale of ['nl', 'en']) {
    for (const [name, mail] of Object.entries(mails(locale))) {
      it(`${name} (${locale}): plain text and HTML say the same, and the footer names the controller and its contact`, () => {
        expect(textLines(mail.text)).toEqual(htmlLinesNoColon(mail.html));
        const footer =
          locale === 'nl'
            ? 'Verstuurd namens Demowinkel BV. Vragen over je gegevens: privacy@demowinkel.example.'
            : 'Sent on behalf of Demowinkel BV. Questions about your data: privacy@demowinkel.example.';
        expect(mail.text.trimEnd().endsWith(footer)).toBe(true);
        expect(htmlLines(mail.html).at(-1)).toBe(footer);
        expect(mail.html).toContain(`<html lang="${locale}">`);
        // No ISO date and no raw request type anywhere.
        expect(mail.text).not.toMatch(/\d{4}-\d{2}-\d{2}/);
        expect(mail.text).not.toMatch(/‘(access|portability|lift_restriction)’/);
      });
    }
  }

  it('Dutch mails say "je" throughout, never "u" or "uw"', () => {
    for (const [name, mail] of Object.entries(mails('nl'))) {
      expect(`${mail.subject}\n${mail.text}`, name).not.toMatch(
        /(^|[\s(])(u|uw|U|Uw)([\s.,:;)]|$)/,
      );
      expect(`${mail.subject}\n${mail.text}`, name).not.toMatch(/\b(alsjeblieft|alstublieft)\b/);
    }
  });

  it('request types and dates in words, in each language', () => {
    expect(mails('nl').extension.text).toContain('je verzoek ‘kopie van gegevens’');
    expect(mails('nl').extension.text).toContain('uiterlijk op 2 maart 2027');
    expect(mails('en').extension.text).toContain('by 2 March 2027');
    expect(mails('nl').refusal.text).toContain('het verzoek is buitensporig');
    expect(mails('nl').exportReady.text).toContain('verloopt op 9 maart 2027');
    expect(mails('en').exportReady.text).toContain('expires on 9 March 2027');
  });

  it('escapes every value in the HTML', () => {
    const mail = doubleOptInMail('en', {
      tenant: { ...tenant, name: 'Shop <b>BV</b>' },
      purposeName: '<script>x</script>',
      channel: 'email',
      url,
    });
    expect(mail.html).not.toContain('<script>x');
    expect(mail.html).not.toContain('<b>BV');
    expect(mail.html).toContain('&lt;script&gt;');
  });
});
