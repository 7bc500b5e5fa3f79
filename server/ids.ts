// Opaque ids with a type prefix (CONTRACT.md §0): 128 random bits, URL-safe.
import crypto from 'node:crypto';

export type IdPrefix =
  | 'ten' | 'key' | 'sub' | 'cns' | 'req' | 'evt' | 'wh' | 'msg' | 'aud' | 'rec' | 'mail' | 'tomb' | 'sys';

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${crypto.randomBytes(16).toString('base64url')}`;
}

/** A secret token: shown once, stored only as its hash. */
export function newSecret(prefix: string, bytes = 24): string {
  return `${prefix}_${crypto.randomBytes(bytes).toString('base64url')}`;
}

export function sha256Hex(value: string | Buffer): string {
  return crypto.createHash('sha256').update(value).digest('hex');
}
