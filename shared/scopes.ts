// The scopes a secret key can carry (CONTRACT.md §2).
export const scopes = [
  'admin',
  'consent:write',
  'subjects:write',
  'subjects:read',
  'pii:read',
  'feed:read',
  'requests:manage',
  'audit:read',
] as const;

export type Scope = (typeof scopes)[number];
