import { describe, expect, it } from 'vitest';
import {
  acceptAllDecisions,
  completeDecisions,
  effectiveConsent,
  rejectAllDecisions,
} from '../../widget/consent/decisions';
import { needsPrompt } from '../../widget/consent/reprompt';
import { randomId, visitorIdNow } from '../../widget/consent/random-id';
import { purposes } from './fixtures';

describe('what the buttons decide', () => {
  it('BAN-01: Accept all grants and Reject all denies every optional purpose, and only those', () => {
    expect(acceptAllDecisions(purposes(), false)).toEqual({ analytics: true, ads: true });
    expect(rejectAllDecisions(purposes())).toEqual({ analytics: false, ads: false });
  });

  it('GPC-04: Accept all leaves marketing purposes denied while the browser sends GPC', () => {
    expect(acceptAllDecisions(purposes(), true)).toEqual({ analytics: true, ads: false });
  });

  it('GDPR-50: a partial choice denies whatever it does not mention, and drops unknown and required keys', () => {
    expect(
      completeDecisions(purposes(), {}, { analytics: true, necessary: false, bogus: true }),
    ).toEqual({ analytics: true, ads: false });
    expect(completeDecisions(purposes(), { ads: true }, { analytics: true })).toEqual({
      analytics: true,
      ads: true,
    });
  });

  it('required purposes are always granted, whatever the decisions say', () => {
    expect(effectiveConsent(purposes(), { analytics: false })).toEqual({
      necessary: true,
      analytics: false,
      ads: false,
    });
  });
});

describe('GDPR-12: when the banner asks again', () => {
  const current = { materialVersion: 2, consentTtlDays: 10 };
  const choice = {
    visitorId: 'v_x',
    configVersion: 3,
    materialVersion: 2,
    madeAt: 1000,
    decisions: {},
    gpc: false,
  };

  it('asks when there is no choice', () => expect(needsPrompt(null, current, 1000)).toBe(true));
  it('does not ask again for a valid choice', () =>
    expect(needsPrompt(choice, current, 1000 + 86400)).toBe(false));
  it('asks after a material change', () =>
    expect(needsPrompt({ ...choice, materialVersion: 1 }, current, 1000)).toBe(true));
  it('asks once the choice is older than consentTtlDays', () => {
    expect(needsPrompt(choice, current, 1000 + 10 * 86400)).toBe(false);
    expect(needsPrompt(choice, current, 1000 + 10 * 86400 + 1)).toBe(true);
  });
});

describe('random ids', () => {
  it('carry 128 random bits after their prefix', () => {
    const id = randomId('v_');
    expect(id).toMatch(/^v_[0-9a-f]{32}$/);
    expect(randomId('v_')).not.toBe(id);
  });

  it('a visitor id starts with the time it was made, then 128 random bits', () => {
    const before = Date.now();
    const id = visitorIdNow();
    const after = Date.now();
    expect(id).toMatch(/^v_[0-9a-f]{44}$/);
    const madeAt = parseInt(id.slice(2, 14), 16);
    expect(madeAt).toBeGreaterThanOrEqual(before);
    expect(madeAt).toBeLessThanOrEqual(after);
    expect(visitorIdNow().slice(14)).not.toBe(id.slice(14));
  });
});
