// The widget's side of purposes on legitimate interest, and when it reads the choice again.
import { describe, expect, it } from 'vitest';
import {
  acceptAllDecisions,
  completeDecisions,
  consentPurposes,
  effectiveConsent,
  rejectAllDecisions,
} from '../../widget/consent/decisions';
import { syncDue } from '../../widget/consent/server-sync';
import type { WidgetPurpose } from '../../widget/config';
import { purposes } from './fixtures';

const withFraud = (): WidgetPurpose[] => [
  ...purposes(),
  {
    key: 'fraud',
    required: false,
    marketing: false,
    objectable: true,
    googleConsentMode: [],
    text: { nl: { name: 'Fraude', description: '', interest: 'Fraude voorkomen.' } },
  },
];

describe('purposes on legitimate interest in the widget', () => {
  it('BAN-07: Accept all and Reject all answer the consent question only; an objectable purpose keeps its own state', () => {
    const all = withFraud();
    expect(consentPurposes(all).map((p) => p.key)).toEqual(['analytics', 'ads']);
    expect(acceptAllDecisions(all, false)).toEqual({ analytics: true, ads: true });
    expect(rejectAllDecisions(all)).toEqual({ analytics: false, ads: false });
    // On until objected to, and an objection survives a later Reject all or Accept all.
    expect(effectiveConsent(all, completeDecisions(all, {}, rejectAllDecisions(all))).fraud).toBe(
      true,
    );
    const objected = completeDecisions(all, {}, { fraud: false });
    expect(
      effectiveConsent(all, completeDecisions(all, objected, acceptAllDecisions(all, false))).fraud,
    ).toBe(false);
  });
});

describe('re-reading the stored choice', () => {
  const hour = 36e5;
  it('GDPR-41: a choice is read again from the server once its last sync is older than resyncHours, or after "manage my data"', () => {
    const now = 1_000 * hour;
    expect(syncDue(null, 24, now)).toBe(false);
    expect(syncDue(String(now - 23 * hour), 24, now)).toBe(false);
    expect(syncDue(String(now - 24 * hour), 24, now)).toBe(true);
    expect(syncDue(String(now), 0, now)).toBe(true);
    expect(syncDue('1', 24, now)).toBe(true);
  });
});
