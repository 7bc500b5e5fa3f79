// The Google Tag Manager community template (widget/integrations/gtm/akkoord-consent-mode.tpl):
// its sections parse, every sandboxed API it uses has its permission declared, it talks to
// Consent Mode only through setDefaultConsentState / updateConsentState, and its code, run
// against a small fake of the sandbox's require(), makes the calls a given choice calls for.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { consentRequiredRegions } from '../../shared/schemas/config';

const TEMPLATE = readFileSync(
  new URL('../../widget/integrations/gtm/akkoord-consent-mode.tpl', import.meta.url),
  'utf8',
);
const SECTIONS = [
  'TERMS_OF_SERVICE',
  'INFO',
  'TEMPLATE_PARAMETERS',
  'SANDBOXED_JS_FOR_WEB_TEMPLATE',
  'WEB_PERMISSIONS',
  'TESTS',
  'NOTES',
];

function sections(text: string): Record<string, string> {
  const parts = text.split(/^___([A-Z_]+)___$/m);
  const out: Record<string, string> = {};
  for (let i = 1; i < parts.length; i += 2) out[parts[i]] = parts[i + 1].trim();
  return out;
}

const parsed = sections(TEMPLATE);
const code = parsed.SANDBOXED_JS_FOR_WEB_TEMPLATE;

interface Permission {
  instance: { key: { publicId: string }; param: Array<{ key: string; value: Value }> };
}
interface Value {
  type: number;
  string?: string;
  boolean?: boolean;
  listItem?: Value[];
  mapKey?: Value[];
  mapValue?: Value[];
}
const permissions = JSON.parse(parsed.WEB_PERMISSIONS) as Permission[];
const permission = (id: string) => permissions.find((p) => p.instance.key.publicId === id);
/** A permission's list of maps as plain objects ({ key: 'akkoord.get', execute: true }). */
const entries = (id: string, key: string) =>
  (permission(id)?.instance.param.find((p) => p.key === key)?.value.listItem ?? []).map((item) =>
    Object.fromEntries(
      item.mapKey!.map((k, i) => [k.string, item.mapValue![i].string ?? item.mapValue![i].boolean]),
    ),
  );

/** Sandboxed APIs and the permission each needs; null: none. An API not listed here fails the test. */
const API_PERMISSION: Record<string, string | null> = {
  setDefaultConsentState: 'access_consent',
  updateConsentState: 'access_consent',
  getCookieValues: 'get_cookies',
  callInWindow: 'access_globals',
  copyFromWindow: 'access_globals',
  setInWindow: 'access_globals',
  injectScript: 'inject_script',
  logToConsole: 'logging',
  gtagSet: 'write_data_layer',
  JSON: null,
  fromBase64: null,
  makeInteger: null,
  makeString: null,
};

describe('GCM-10: the Tag Manager template', () => {
  it('has every section of a community template, in order, with valid JSON where JSON belongs', () => {
    expect(Object.keys(parsed)).toEqual(SECTIONS);
    const info = JSON.parse(parsed.INFO) as { type: string; containerContexts: string[] };
    expect(info).toMatchObject({ type: 'TAG', containerContexts: ['WEB'] });
    expect(() => JSON.parse(parsed.TEMPLATE_PARAMETERS)).not.toThrow();
  });

  it('declares the permission of every sandboxed API it requires', () => {
    const required = [...code.matchAll(/require\('([^']+)'\)/g)].map((m) => m[1]);
    expect(required).toEqual(
      expect.arrayContaining(['setDefaultConsentState', 'updateConsentState']),
    );
    for (const api of required) {
      expect(API_PERMISSION, `unknown sandboxed API ${api}`).toHaveProperty(api);
      const needed = API_PERMISSION[api];
      if (needed) expect(permission(needed), `${api} needs ${needed}`).toBeDefined();
    }
    // Every window path it calls may be executed, and every consent type written.
    const called = [...code.matchAll(/callInWindow\('([^']+)'/g)].map((m) => m[1]);
    const globals = entries('access_globals', 'keys');
    for (const path of called)
      expect(globals.find((g) => g.key === path)).toMatchObject({ execute: true });
    const types = entries('access_consent', 'consentTypes');
    expect(
      types
        .filter((t) => t.write === true)
        .map((t) => t.consentType)
        .sort(),
    ).toEqual([
      'ad_personalization',
      'ad_storage',
      'ad_user_data',
      'analytics_storage',
      'functionality_storage',
      'personalization_storage',
      'security_storage',
    ]);
  });

  it('sets consent through setDefaultConsentState and updateConsentState only, never gtag()', () => {
    expect(code).toMatch(/setDefaultConsentState\(/);
    expect(code).toMatch(/updateConsentState\(/);
    expect(code).not.toMatch(/gtag\s*\(|createArgumentsQueue|dataLayer/);
  });

  it('GCM-04: lists the same consent-required regions as the configuration', () => {
    const listed = /const CONSENT_REQUIRED = \[([^\]]+)\]/
      .exec(code)?.[1]
      .match(/'([A-Z-]+)'/g)
      ?.map((r) => r.slice(1, -1));
    expect(listed).toEqual([...consentRequiredRegions]);
  });

  it('reads only parameters it declares', () => {
    const declared = (JSON.parse(parsed.TEMPLATE_PARAMETERS) as Array<{ name: string }>).map(
      (p) => p.name,
    );
    const read = new Set(
      [...code.matchAll(/data\.(\w+)/g)]
        .map((m) => m[1])
        .filter((n) => n !== 'gtmOnSuccess' && n !== 'gtmOnFailure'),
    );
    expect([...read].filter((n) => !declared.includes(n))).toEqual([]);
  });
});

/** Runs the sandboxed code with a fake require(): records the consent calls, keeps the event listener. */
function runTemplate(
  data: Record<string, unknown>,
  page: { cookie?: string; choice?: Record<string, boolean> },
) {
  const calls: Array<[string, Record<string, unknown>]> = [];
  const listeners: Record<string, () => void> = {};
  const window = { choice: page.choice };
  const apis: Record<string, unknown> = {
    setDefaultConsentState: (state: Record<string, unknown>) => calls.push(['default', state]),
    updateConsentState: (state: Record<string, unknown>) => calls.push(['update', state]),
    getCookieValues: (name: string) =>
      name === 'akkoord_3f0c9a12' && page.cookie ? [page.cookie] : [],
    callInWindow: (path: string, ...args: unknown[]) => {
      if (path === 'addEventListener') listeners[args[0] as string] = args[1] as () => void;
      else if (path === 'akkoord.get') return window.choice;
      else throw new Error(`callInWindow('${path}') not allowed`);
      return undefined;
    },
    fromBase64: (text: string) =>
      /^[A-Za-z0-9+/]*={0,2}$/.test(text)
        ? Buffer.from(text, 'base64').toString('utf8')
        : undefined,
    JSON: {
      parse: (text: string) => {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          return undefined;
        }
      },
      stringify: JSON.stringify,
    },
    makeInteger: (value: unknown) => Math.trunc(Number(value)),
  };
  let succeeded = false;
  const require = (name: string) => {
    if (!(name in apis)) throw new Error(`require('${name}') is not faked`);
    return apis[name];
  };
  new Function('require', 'data', code)(require, {
    ...data,
    gtmOnSuccess: () => {
      succeeded = true;
    },
  });
  return { calls, listeners, window, succeeded: () => succeeded };
}

const cookieOf = (d: Record<string, number>) =>
  `1.${Buffer.from(JSON.stringify({ id: 'v_0123456789abcdef0123456789abcdef', cv: 1, mv: 1, t: 1795952225, d, gpc: 0 })).toString('base64url')}`;
const DATA = {
  cookieName: 'akkoord_3f0c9a12',
  elsewhere: 'denied',
  deniedRegions: '',
  waitForUpdate: '500',
  purposes: [
    { purpose: 'analytics', types: 'analytics_storage' },
    { purpose: 'ads', types: 'ad_storage, ad_user_data,ad_personalization' },
  ],
};
const ALL_DENIED = {
  ad_storage: 'denied',
  ad_user_data: 'denied',
  ad_personalization: 'denied',
  analytics_storage: 'denied',
  functionality_storage: 'denied',
  personalization_storage: 'denied',
  security_storage: 'granted',
};

describe("GCM-10: the template's code against a fake sandbox", () => {
  it('GCM-01: a first visit gets one all-denied default that waits for the banner, and no update', () => {
    const run = runTemplate(DATA, {});
    expect(run.calls).toEqual([['default', { ...ALL_DENIED, wait_for_update: 500 }]]);
    expect(run.succeeded()).toBe(true);
  });

  it("GCM-05: a returning visitor's choice from the cookie is applied at once, then each new choice from window.akkoord", () => {
    const run = runTemplate(DATA, { cookie: cookieOf({ analytics: 1, ads: 0 }) });
    expect(run.calls.slice(1)).toEqual([
      ['update', { ...ALL_DENIED, analytics_storage: 'granted' }],
    ]);
    run.window.choice = { analytics: false, ads: true };
    run.listeners['akkoord:change']();
    expect(run.calls.at(-1)).toEqual([
      'update',
      {
        ...ALL_DENIED,
        ad_storage: 'granted',
        ad_user_data: 'granted',
        ad_personalization: 'granted',
      },
    ]);
  });

  it('ignores a damaged or unknown cookie: the default stands', () => {
    expect(runTemplate(DATA, { cookie: '1.%%%' }).calls).toHaveLength(1);
    expect(runTemplate(DATA, { cookie: '9.abc' }).calls).toHaveLength(1);
  });

  it('GCM-04: granted elsewhere sends a denied default for the EEA, UK, Switzerland and the extra regions, then a granted one', () => {
    const run = runTemplate({ ...DATA, elsewhere: 'granted', deniedRegions: 'US-CA, NL' }, {});
    expect(run.calls).toHaveLength(2);
    const [[, denied], [, granted]] = run.calls;
    expect(denied).toMatchObject({ ...ALL_DENIED, wait_for_update: 500 });
    expect(denied.region).toEqual([...consentRequiredRegions, 'US-CA']);
    expect(granted).toEqual({
      ...ALL_DENIED,
      analytics_storage: 'granted',
      ad_storage: 'granted',
      ad_user_data: 'granted',
      ad_personalization: 'granted',
      wait_for_update: 500,
    });
  });
});
