// How personal fields are kept: encrypted at rest with AES-256-GCM, and found by a
// keyed hash (HMAC) so a lookup never needs the plaintext in an index (GDPR Art. 32).
// Every module that stores or reads e-mail, phone, attributes or records uses these.
import type { Keyring } from '../../keyring.js';

export const normalizeEmail = (email: string): string => email.trim().toLowerCase();
export const normalizePhone = (phone: string): string => phone.replace(/[\s().-]/g, '');

export const emailHash = (keyring: Keyring, email: string): string =>
  keyring.hmac('email', normalizeEmail(email));
export const phoneHash = (keyring: Keyring, phone: string): string =>
  keyring.hmac('phone', normalizePhone(phone));
/** For tombstones: recognises a returning external id without keeping it. */
export const externalIdHash = (keyring: Keyring, externalId: string): string =>
  keyring.hmac('external-id', externalId);

export function sealJson(keyring: Keyring, value: unknown): string {
  return keyring.encrypt(JSON.stringify(value));
}

export function openJson<T>(keyring: Keyring, sealed: string | null): T | null {
  return sealed === null ? null : (JSON.parse(keyring.decrypt(sealed)) as T);
}

export function sealEmail(keyring: Keyring, email: string) {
  return {
    email_enc: keyring.encrypt(normalizeEmail(email)),
    email_hash: emailHash(keyring, email),
  };
}

export function sealPhone(keyring: Keyring, phone: string) {
  return {
    phone_enc: keyring.encrypt(normalizePhone(phone)),
    phone_hash: phoneHash(keyring, phone),
  };
}
