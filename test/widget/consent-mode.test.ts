import { describe, expect, it } from 'vitest';
import {
  consentModeState,
  defaultConsentModeState,
  ensureGtag,
  usesConsentMode,
} from '../../widget/integrations/consent-mode';
import { isMarketingPurpose, readGpc } from '../../widget/integrations/gpc';
import { purposes } from './fixtures';

const SEVEN = [
  'ad_personalization',
  'ad_storage',
  'ad_user_data',
  'analytics_storage',
  'functionality_storage',
  'personalization_storage',
  'security_storage',
];

describe('Google Consent Mode v2', () => {
  it('GCM-02, GCM-03: the default denies all six consent types, grants security_storage and waits 500 ms', () => {
    const state = defaultConsentModeState(purposes());
    expect(Object.keys(state).sort()).toEqual([...SEVEN, 'wait_for_update'].sort());
    expect(state).toMatchObject({
      ad_storage: 'denied',
      analytics_storage: 'denied',
      functionality_storage: 'denied',
      security_storage: 'granted',
      wait_for_update: 500,
    });
  });

  it('GCM-05: an update carries all seven types, granted only through a granted purpose', () => {
    const state = consentModeState(purposes(), { necessary: true, analytics: true, ads: false });
    expect(Object.keys(state).sort()).toEqual(SEVEN);
    expect(state).toMatchObject({
      analytics_storage: 'granted',
      ad_storage: 'denied',
      ad_user_data: 'denied',
      personalization_storage: 'denied',
      security_storage: 'granted',
    });
  });

  it('GCM-06: the gtag it defines pushes the arguments object itself onto dataLayer', () => {
    const win: { dataLayer?: unknown[]; gtag?: (...args: unknown[]) => void } = {};
    ensureGtag(win)('consent', 'default', {});
    expect(win.dataLayer).toHaveLength(1);
    expect(Object.prototype.toString.call(win.dataLayer?.[0])).toBe('[object Arguments]');
  });

  it("keeps the site's own gtag and dataLayer", () => {
    const calls: unknown[][] = [];
    const layer: unknown[] = ['existing'];
    const win = { dataLayer: layer, gtag: (...args: unknown[]) => void calls.push(args) };
    ensureGtag(win)('consent', 'update', {});
    expect(calls).toEqual([['consent', 'update', {}]]);
    expect(win.dataLayer).toBe(layer);
  });

  it('is only used when a purpose maps to Consent Mode types', () => {
    expect(usesConsentMode(purposes())).toBe(true);
    expect(usesConsentMode(purposes().map((p) => ({ ...p, googleConsentMode: [] })))).toBe(false);
  });
});

describe('Global Privacy Control', () => {
  it('GPC-02: only navigator.globalPrivacyControl === true counts', () => {
    expect(readGpc({ globalPrivacyControl: true } as unknown as Navigator)).toBe(true);
    expect(readGpc({ globalPrivacyControl: 'true' } as unknown as Navigator)).toBe(false);
    expect(readGpc({} as Navigator)).toBe(false);
  });

  it('counts purposes with ad Consent Mode signals as marketing', () => {
    expect(isMarketingPurpose({ googleConsentMode: ['ad_user_data'] })).toBe(true);
    expect(isMarketingPurpose({ marketing: true })).toBe(true);
    expect(isMarketingPurpose({ googleConsentMode: ['analytics_storage'] })).toBe(false);
  });
});

describe('the Consent Mode stub', () => {
  it('GCM-01, GCM-02: sets the same default as the widget, through a gtag that pushes arguments', async () => {
    const vm = await import('node:vm');
    const { CONSENT_MODE_STUB } = await import('../../widget/integrations/consent-mode-stub');
    const sandbox: Record<string, unknown> = {};
    sandbox.window = sandbox;
    vm.runInNewContext(CONSENT_MODE_STUB, sandbox);
    const [entry] = sandbox.dataLayer as IArguments[];
    expect(Object.prototype.toString.call(entry)).toBe('[object Arguments]');
    expect(Array.from(entry)).toEqual([
      'consent',
      'default',
      { ...defaultConsentModeState(purposes()) },
    ]);
    expect(CONSENT_MODE_STUB.length).toBeLessThan(400);
  });

  it('docs/consent-mode.md quotes the stub and its CSP hash as they are', async () => {
    const fs = await import('node:fs');
    const { CONSENT_MODE_STUB, CONSENT_MODE_STUB_CSP_HASH } =
      await import('../../widget/integrations/consent-mode-stub');
    const doc = fs.readFileSync('docs/consent-mode.md', 'utf8');
    expect(doc).toContain(`<script>${CONSENT_MODE_STUB}</script>`);
    expect(doc).toContain(`script-src '${CONSENT_MODE_STUB_CSP_HASH}'`);
  });
});
