import { describe, expect, it } from 'vitest';
import {
  encodeChoiceCookie,
  parseChoiceCookie,
  readCookieValue,
  serializeCookie,
  type StoredChoice,
} from '../../widget/consent/cookie';

const choice: StoredChoice = {
  visitorId: 'v_0123456789abcdef0123456789abcdef',
  configVersion: 3,
  materialVersion: 2,
  madeAt: 1_790_000_000,
  decisions: { analytics: true, ads: false },
  gpc: true,
};

describe('the choice cookie (EP-02)', () => {
  it('round-trips a choice through the version 1 format', () => {
    const value = encodeChoiceCookie(choice);
    expect(value).toMatch(/^1\.[A-Za-z0-9_-]+$/);
    expect(parseChoiceCookie(value)).toEqual(choice);
  });

  it('is readable by a site server as base64url JSON after the version prefix', () => {
    const payload = JSON.parse(
      Buffer.from(encodeChoiceCookie(choice).slice(2), 'base64url').toString('utf8'),
    );
    expect(payload).toEqual({
      id: choice.visitorId,
      cv: 3,
      mv: 2,
      t: 1_790_000_000,
      d: { analytics: 1, ads: 0 },
      gpc: 1,
    });
  });

  it('treats an unknown version, a damaged value and no value as no choice', () => {
    expect(parseChoiceCookie(undefined)).toBeNull();
    expect(parseChoiceCookie('9.' + encodeChoiceCookie(choice).slice(2))).toBeNull();
    expect(parseChoiceCookie('1.not-json')).toBeNull();
    expect(parseChoiceCookie('1.' + Buffer.from('{"id":1}').toString('base64url'))).toBeNull();
  });

  it('finds its own value among the site cookies', () => {
    expect(readCookieValue('a=1; akkoord=1.abc; akkoord_x=2', 'akkoord')).toBe('1.abc');
    expect(readCookieValue('a=1; akkoord=1.abc; akkoord_x=2', 'akkoord_x')).toBe('2');
    expect(readCookieValue('xakkoord=1.abc', 'akkoord')).toBeUndefined();
  });

  it('is first-party, SameSite=Lax, for the whole site, and Secure only on https', () => {
    expect(serializeCookie('akkoord_0a1b2c3d', '1.abc', 365, true)).toBe(
      'akkoord_0a1b2c3d=1.abc; Path=/; Max-Age=31536000; SameSite=Lax; Secure',
    );
    expect(serializeCookie('akkoord_0a1b2c3d', '1.abc', 1, false)).toBe(
      'akkoord_0a1b2c3d=1.abc; Path=/; Max-Age=86400; SameSite=Lax',
    );
  });
});
