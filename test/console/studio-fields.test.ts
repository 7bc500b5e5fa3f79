// Every problem the lint can find is shown beside a field of the configuration, one the studio
// draws a control for (the browser test, console-studio.test.ts, checks each is drawn).
import { describe, expect, it } from 'vitest';
import { fieldOf } from '../../console/screens/studio/draft';
import { lintConfig, lintRules } from '../../shared/config/lint';
import type { TenantConfig } from '../../shared/schemas/config';
import { studioFieldId, studioFieldPatterns } from '../helpers/studio-fields';

/** A configuration that breaks every rule the lint has. */
const everythingWrong: TenantConfig = {
  defaultLocale: 'de',
  locales: ['nl', 'en'],
  privacyNoticeUrl: { nl: 'https://shop.example/privacy' },
  controller: { name: 'Shop BV', contact: 'privacy@shop.example' },
  consentTtlDays: 1000,
  digitalConsentAge: 10,
  retention: { records: { invoices: 30 }, keptByLaw: { invoices: { days: 9000, basis: 'law' } } },
  theme: { colors: { text: '#ffffff' }, text: { fr: { title: 'Cookies' } } },
  consentMode: { mode: 'advanced', elsewhere: 'denied', deniedRegions: ['EU'] },
  purposes: [
    {
      key: 'Bad Key',
      legalBasis: 'consent',
      default: true,
      required: true,
      ttlDays: 1000,
      channels: ['fax'],
      text: { nl: { name: 'A' } },
    },
    {
      key: 'bad_key',
      legalBasis: 'legitimate_interest',
      googleConsentMode: ['ad_storage'],
      marketing: true,
      text: { nl: { name: 'B' }, en: { name: 'B' } },
    },
    {
      key: 'bad_key',
      legalBasis: 'consent',
      default: true,
      text: { nl: { name: 'C', description: 'c' }, en: { name: 'C', description: 'c' } },
    },
  ],
};

describe('the banner studio covers the configuration', () => {
  it("shows every lint rule's problem beside a field the studio has a control for", () => {
    const found = lintConfig(everythingWrong);
    expect(new Set(found.map((v) => v.rule))).toEqual(new Set(lintRules));
    const patterns = studioFieldPatterns();
    const homeless = found
      .map((v) => fieldOf(v.path))
      .filter((path) => !patterns.some((p) => p.test(studioFieldId(path))));
    expect(homeless).toEqual([]);
  });
});
