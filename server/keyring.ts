// Keys derived from AKKOORD_SECRET, one per purpose (HKDF), so a leak of one use
// does not expose another: field encryption (GDPR Art. 32), keyed lookup hashes,
// link signatures.
import crypto from 'node:crypto';

export interface Keyring {
  /** HMAC-SHA256 (hex) of a value under the key for `purpose`: a stable lookup hash. */
  hmac(purpose: string, value: string): string;
  /** AES-256-GCM; the result is `v1.iv.ciphertext.tag`, base64url parts. */
  encrypt(plaintext: string): string;
  decrypt(sealed: string): string;
  /** Raw key bytes for a purpose, for libraries that want their own key. */
  derive(purpose: string, length?: number): Buffer;
}

export function createKeyring(secret: string): Keyring {
  const cache = new Map<string, Buffer>();
  const derive = (purpose: string, length = 32): Buffer => {
    const cacheKey = `${purpose}:${length}`;
    let key = cache.get(cacheKey);
    if (!key) {
      key = Buffer.from(crypto.hkdfSync('sha256', secret, 'akkoord', purpose, length));
      cache.set(cacheKey, key);
    }
    return key;
  };
  const fieldKey = derive('field-encryption');
  return {
    derive,
    hmac: (purpose, value) =>
      crypto
        .createHmac('sha256', derive(`hmac:${purpose}`))
        .update(value)
        .digest('hex'),
    encrypt(plaintext) {
      const iv = crypto.randomBytes(12);
      const cipher = crypto.createCipheriv('aes-256-gcm', fieldKey, iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [
        'v1',
        iv.toString('base64url'),
        body.toString('base64url'),
        cipher.getAuthTag().toString('base64url'),
      ].join('.');
    },
    decrypt(sealed) {
      const [version, iv, body, tag] = sealed.split('.');
      if (version !== 'v1' || !iv || body === undefined || !tag)
        throw new Error('unknown ciphertext format');
      const decipher = crypto.createDecipheriv(
        'aes-256-gcm',
        fieldKey,
        Buffer.from(iv, 'base64url'),
      );
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      const plaintext = decipher.update(Buffer.from(body, 'base64url'));
      // GCM is a stream mode: final() only checks the tag and returns no bytes, so the
      // copy into a joined buffer is skipped (an export opens 10,000 of these at once).
      const rest = decipher.final();
      return (rest.length === 0 ? plaintext : Buffer.concat([plaintext, rest])).toString('utf8');
    },
  };
}
