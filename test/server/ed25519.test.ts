// Receipts are signed with libsodium where its addon loads and with node:crypto otherwise;
// both must give the very same signature, which any Ed25519 verifier accepts.
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signEd25519, signsWithSodium } from '../../server/services/ledger/ed25519.js';

describe('Ed25519 signatures', () => {
  it('come from libsodium on the platforms we build for', () => {
    expect(signsWithSodium).toBe(true);
  });

  it('are the same bytes from libsodium and from node:crypto, and verify', () => {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ed25519');
    for (const message of ['', 'a', 'x'.repeat(1500), 'ünïcödé ✓']) {
      const bytes = Buffer.from(message);
      const fromSodium = signEd25519(privateKey, bytes);
      const fromNode = signEd25519(privateKey, bytes, null);
      expect(fromSodium.equals(fromNode)).toBe(true);
      expect(fromSodium).toHaveLength(64);
      expect(crypto.verify(null, bytes, publicKey, fromSodium)).toBe(true);
    }
  });

  it('keep each key apart', () => {
    const one = crypto.generateKeyPairSync('ed25519');
    const two = crypto.generateKeyPairSync('ed25519');
    const message = Buffer.from('the same message');
    const byOne = signEd25519(one.privateKey, message);
    const byTwo = signEd25519(two.privateKey, message);
    expect(byOne.equals(byTwo)).toBe(false);
    expect(crypto.verify(null, message, one.publicKey, byOne)).toBe(true);
    expect(crypto.verify(null, message, two.publicKey, byTwo)).toBe(true);
    expect(crypto.verify(null, message, two.publicKey, byOne)).toBe(false);
  });
});
