// How long a granted consent counts (GDPR-12: consent is refreshed at intervals): the
// purpose's own ttlDays, else the configuration's consentTtlDays, counted from when
// the person gave it. Shared by both consent write paths, the capture API and the import,
// so a consent that arrives already past its lifetime is said to be so everywhere.
import type { TenantConfig } from '../../../shared/schemas/config.js';

const DAY_MS = 86_400_000;

export function consentTtlDays(config: TenantConfig, purposeKey: string): number {
  return config.purposes.find((p) => p.key === purposeKey)?.ttlDays ?? config.consentTtlDays ?? 365;
}

export function consentExpiresAt(
  config: TenantConfig,
  purposeKey: string,
  givenAtMs: number,
): string {
  return new Date(givenAtMs + consentTtlDays(config, purposeKey) * DAY_MS).toISOString();
}

export interface ExpiredOnArrival {
  code: 'CONSENT_EXPIRED_ON_ARRIVAL';
  purpose: string;
  /** null for a website purpose. */
  channel: string | null;
  expiresAt: string;
}

/** The grants that were already past their lifetime when they reached us. */
export function expiredOnArrival(
  config: TenantConfig,
  grants: Array<{ purpose: string; channel: string; status: string }>,
  givenAt: string,
  now: string,
): ExpiredOnArrival[] {
  const givenMs = Date.parse(givenAt);
  return grants
    .filter((g) => g.status === 'granted')
    .map((g) => ({
      code: 'CONSENT_EXPIRED_ON_ARRIVAL' as const,
      purpose: g.purpose,
      channel: g.channel === '' ? null : g.channel,
      expiresAt: consentExpiresAt(config, g.purpose, givenMs),
    }))
    .filter((w) => w.expiresAt <= now);
}
