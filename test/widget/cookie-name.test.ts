// The choice cookie is named per tenant (two tenants on one host must not share a choice), and
// a visitor from before, with the old `akkoord` cookie, keeps their choice: it is read once,
// rewritten under the tenant's name and removed.
import { describe, expect, it } from 'vitest';
import { choiceCookieName } from '../../server/routes/widget-config';
import {
  encodeChoiceCookie,
  parseChoiceCookie,
  readCookieValue,
} from '../../widget/consent/cookie';
import { createConsentStore } from '../../widget/consent-store';
import type { Recorder } from '../../widget/consent/recorder';
import { widgetConfig } from './fixtures';

/** A document.cookie that behaves like a browser's for name=value; Max-Age=0 deletes. */
function cookieJar(initial: Record<string, string>) {
  const jar = new Map(Object.entries(initial));
  const writes: string[] = [];
  const doc = {
    location: { protocol: 'https:' },
    get cookie() {
      return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    },
    set cookie(line: string) {
      writes.push(line);
      const [pair] = line.split(';');
      const eq = pair.indexOf('=');
      if (/Max-Age=0(;|$)/.test(line)) jar.delete(pair.slice(0, eq));
      else jar.set(pair.slice(0, eq), pair.slice(eq + 1));
    },
  };
  return { jar, writes, doc: doc as unknown as Document };
}

const NOW = 1_800_000_000;
const store = (doc: Document) =>
  createConsentStore(widgetConfig(), {
    doc,
    nowSeconds: () => NOW,
    locale: 'nl',
    gpc: false,
    recorder: () => ({ record: async () => {} }) as unknown as Recorder,
  });
const oldChoice = encodeChoiceCookie({
  visitorId: 'v_old',
  configVersion: 3,
  materialVersion: 2,
  madeAt: NOW - 86400,
  decisions: { analytics: true, ads: false },
  gpc: false,
});

describe('the per-tenant cookie name', () => {
  it("is akkoord_ and 8 hex digits of the tenant id's SHA-256, different per tenant", () => {
    expect(choiceCookieName('ten_a')).toMatch(/^akkoord_[0-9a-f]{8}$/);
    expect(choiceCookieName('ten_a')).not.toBe(choiceCookieName('ten_b'));
    expect(choiceCookieName('ten_a')).toBe(choiceCookieName('ten_a'));
  });

  it("a choice is written under the tenant's name only", () => {
    const { jar, doc } = cookieJar({});
    store(doc).decide({ analytics: true });
    expect([...jar.keys()]).toEqual(['akkoord_0a1b2c3d']);
  });

  it('takes the old akkoord cookie over once: same choice and visitor, old cookie removed, expiry kept', () => {
    const { jar, writes, doc } = cookieJar({ akkoord: oldChoice });
    const s = store(doc);
    expect(s.hasChoice()).toBe(true);
    expect(s.consent()).toMatchObject({ analytics: true, ads: false });
    expect(s.visitorId()).toBe('v_old');
    expect(jar.has('akkoord')).toBe(false);
    expect(parseChoiceCookie(readCookieValue(doc.cookie, 'akkoord_0a1b2c3d'))?.visitorId).toBe(
      'v_old',
    );
    expect(writes[0]).toContain(`Max-Age=${364 * 86400}`);

    // The next page load reads the tenant's own cookie; nothing is written.
    writes.length = 0;
    expect(store(doc).visitorId()).toBe('v_old');
    expect(writes).toEqual([]);
  });

  it("prefers the tenant's own cookie and leaves another tenant's old one alone", () => {
    const mine = encodeChoiceCookie({
      visitorId: 'v_mine',
      configVersion: 3,
      materialVersion: 2,
      madeAt: NOW,
      decisions: { analytics: false, ads: false },
      gpc: false,
    });
    const { jar, doc } = cookieJar({ akkoord: oldChoice, akkoord_0a1b2c3d: mine });
    expect(store(doc).visitorId()).toBe('v_mine');
    expect(jar.has('akkoord')).toBe(true);
  });
});
