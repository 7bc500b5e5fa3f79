// The scopes a secret key can carry (see docs/keys-and-scopes.md).
export const scopes = [
  'admin',
  'consent:write',
  'subjects:write',
  'subjects:read',
  'pii:read',
  'feed:read',
  'requests:manage',
  'audit:read',
  /** The breach register (Art. 33-34); `admin` covers it too. */
  'breaches:manage',
  /** The banner's configuration: publish, read the versions, publish an earlier one again; `admin` covers it too. */
  'config:write',
  /** Consent and rights counts without personal data (GET /v1/insights); `admin` and `audit:read` cover it too. */
  'insights:read',
] as const;

export type Scope = (typeof scopes)[number];
