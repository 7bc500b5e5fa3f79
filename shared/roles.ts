// The console's roles: each is a set of the scopes secret keys carry, so one check
// (server/auth.ts) decides for a key and for a staff member alike.
import { scopes, type Scope } from './scopes.js';

export const roles = ['owner', 'privacy_officer', 'marketer', 'developer', 'viewer'] as const;
export type Role = (typeof roles)[number];

/**
 * The scopes are coarse: `admin` covers keys, publishing the configuration, the register's
 * settings and the tenant export together, so only the owner and the developer hold it. A marketer gets
 * the feed, audiences, webhooks, consent capture and the banner's configuration (config:write)
 * but no personal fields (pii:read) and no requests; the viewer reads without personal fields.
 */
export const roleScopes: Record<Role, readonly Scope[]> = {
  owner: scopes,
  privacy_officer: [
    'requests:manage',
    'subjects:read',
    'subjects:write',
    'pii:read',
    'audit:read',
    'insights:read',
  ],
  marketer: ['feed:read', 'consent:write', 'subjects:read', 'config:write', 'insights:read'],
  developer: ['admin', 'feed:read', 'subjects:read'],
  viewer: ['subjects:read', 'audit:read', 'insights:read'],
};

/** True when every scope of `wanted` is among `held`: nobody hands out more than they have. */
export function scopesCover(held: readonly Scope[], wanted: readonly Scope[]): boolean {
  return wanted.every((scope) => held.includes(scope));
}
