// Schemas of the console's staff accounts and sessions.
import * as v from 'valibot';
import { roles } from '../roles.js';
import { scopes } from '../scopes.js';

const Email = v.pipe(v.string(), v.trim(), v.maxLength(254), v.email());

export const InviteStaffBody = v.object({
  email: Email,
  role: v.picklist(roles),
  /** Shown in the console's audit log instead of the id. */
  name: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(100))),
  /** The language of the invitation mail. */
  locale: v.optional(v.picklist(['nl', 'en'])),
});

export const ChangeRoleBody = v.object({ role: v.picklist(roles) });

export const StaffIdParams = v.object({
  id: v.pipe(v.string(), v.regex(/^stf_[A-Za-z0-9_-]{1,40}$/, 'a staff id')),
});
export const AdminStaffParams = v.object({
  tenantId: v.pipe(v.string(), v.regex(/^ten_[A-Za-z0-9_-]{1,60}$/, 'a tenant id')),
});

export const InvitedResponse = v.object({ id: v.string(), role: v.picklist(roles) });

export const StaffListResponse = v.object({
  staff: v.array(
    v.object({
      id: v.string(),
      email: v.string(),
      name: v.nullable(v.string()),
      role: v.picklist(roles),
      since: v.string(),
    }),
  ),
});

export const SignInBody = v.object({
  email: Email,
  tenant: v.optional(v.pipe(v.string(), v.maxLength(100))),
  locale: v.optional(v.picklist(['nl', 'en'])),
});

export const StaffSessionBody = v.object({
  token: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{43}$/, 'a link token')),
});
export const SwitchTenantBody = v.object({ tenantId: v.pipe(v.string(), v.maxLength(100)) });

export const StaffSelfResponse = v.object({
  staff: v.object({ id: v.string(), email: v.string(), name: v.nullable(v.string()) }),
  tenantId: v.string(),
  role: v.picklist(roles),
  scopes: v.array(v.picklist(scopes)),
  tenants: v.array(v.object({ id: v.string(), name: v.string(), role: v.string() })),
  csrfToken: v.string(),
  expiresAt: v.string(),
});

/** A WebAuthn response as @simplewebauthn/browser sends it; its inside is checked by the WebAuthn verification. */
const WebAuthnResponse = v.looseObject({
  id: v.pipe(v.string(), v.minLength(1), v.maxLength(1400)),
  rawId: v.pipe(v.string(), v.maxLength(1400)),
  type: v.literal('public-key'),
  response: v.looseObject({ clientDataJSON: v.pipe(v.string(), v.maxLength(20_000)) }),
});

export const PasskeyRegisterBody = v.object({
  response: WebAuthnResponse,
  /** A label the person recognises, e.g. "work laptop". */
  name: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(60)), 'passkey'),
});

export const PasskeySignInBody = v.object({ response: WebAuthnResponse });
export const PasskeyIdParams = v.object({
  id: v.pipe(v.string(), v.minLength(1), v.maxLength(1400)),
});

export const PasskeyListResponse = v.object({
  passkeys: v.array(
    v.object({
      id: v.string(),
      name: v.string(),
      createdAt: v.string(),
      lastUsedAt: v.nullable(v.string()),
    }),
  ),
});

/** WebAuthn options as the browser library takes them (PublicKeyCredentialCreationOptionsJSON / RequestOptionsJSON). */
export const WebAuthnOptionsResponse = v.looseObject({ challenge: v.string() });
