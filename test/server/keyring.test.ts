// Field encryption (Art. 32): what is sealed opens to the same text, and a changed
// ciphertext, tag or key is refused rather than read as something else.
import { describe, expect, it } from 'vitest';
import { createKeyring } from '../../server/keyring.js';

const keyring = createKeyring('test-secret-0123456789-0123456789-abcdef');

describe('keyring field encryption', () => {
  it.each([[''], ['ann@example.org'], ['Ünïcödé 😀 日本語'], ['x'.repeat(100_000)]])(
    'opens what it sealed (%#)',
    (plaintext) => {
      expect(keyring.decrypt(keyring.encrypt(plaintext))).toBe(plaintext);
    },
  );

  it('refuses a changed ciphertext or tag', () => {
    const [version, iv, body, tag] = keyring.encrypt('{"item":"Tent"}').split('.');
    const flip = (part: string) =>
      Buffer.from(
        Buffer.from(part, 'base64url').map((byte, i) => (i === 0 ? byte ^ 1 : byte)),
      ).toString('base64url');
    expect(() => keyring.decrypt([version, iv, flip(body), tag].join('.'))).toThrow();
    expect(() => keyring.decrypt([version, iv, body, flip(tag)].join('.'))).toThrow();
    expect(() => keyring.decrypt([version, flip(iv), body, tag].join('.'))).toThrow();
  });

  it('refuses what another secret sealed, and an unknown format', () => {
    const other = createKeyring('another-secret-0123456789-0123456789-abcdef');
    expect(() => keyring.decrypt(other.encrypt('ann@example.org'))).toThrow();
    expect(() => keyring.decrypt('v2.a.b.c')).toThrow('unknown ciphertext format');
  });
});
