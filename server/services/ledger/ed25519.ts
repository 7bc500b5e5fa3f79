// Ed25519 signatures (RFC 8032) for receipts, one per banner answer, made by the server
// thread as the answer goes out (and again for a retry). libsodium, through the sodium-native
// addon (prebuilt, nothing compiles on install), signs in about 38 µs on our CI machine;
// node:crypto, which sets up a new OpenSSL 3 signing context at every call, takes about 67.
// Ed25519 signatures are deterministic, so both give the same bytes for the same key and
// message; node:crypto remains for platforms where the addon has no prebuilt binary.
import crypto, { type KeyObject } from 'node:crypto';
import { createRequire } from 'node:module';

/** The part of sodium-native used here. */
interface Sodium {
  crypto_sign_BYTES: number;
  crypto_sign_SECRETKEYBYTES: number;
  sodium_malloc(size: number): Buffer;
  crypto_sign_detached(signature: Buffer, message: Buffer, secretKey: Buffer): void;
}

/**
 * Required rather than imported, so that a missing addon means the fallback rather than a
 * server that cannot start (knip.json lists the package, as knip cannot see this use).
 */
function loadSodium(): Sodium | null {
  try {
    return createRequire(import.meta.url)('sodium-native') as Sodium;
  } catch (error) {
    // Receipts stay correct, only slower: say so once, where an operator looks.
    process.emitWarning(
      `sodium-native did not load (${(error as Error).message}); receipts are signed with node:crypto`,
    );
    return null;
  }
}

const sodium = loadSodium();

/** libsodium's form of a key: the 32-byte seed, then the public key, in memory it guards. */
const secretKeys = new WeakMap<KeyObject, Buffer>();

function secretKeyOf(lib: Sodium, key: KeyObject): Buffer {
  let secret = secretKeys.get(key);
  if (!secret) {
    const { d, x } = key.export({ format: 'jwk' });
    secret = lib.sodium_malloc(lib.crypto_sign_SECRETKEYBYTES);
    Buffer.concat([Buffer.from(d!, 'base64url'), Buffer.from(x!, 'base64url')]).copy(secret);
    secretKeys.set(key, secret);
  }
  return secret;
}

/** The Ed25519 signature of `message` by the private `key`. */
export function signEd25519(key: KeyObject, message: Buffer, lib = sodium): Buffer {
  if (!lib) return crypto.sign(null, message, key);
  const signature = Buffer.alloc(lib.crypto_sign_BYTES);
  lib.crypto_sign_detached(signature, message, secretKeyOf(lib, key));
  return signature;
}

/** Whether signatures come from libsodium here (false: node:crypto). */
export const signsWithSodium = sodium !== null;
