// Signed consent receipts: a compact JWS (EdDSA over Ed25519) that the person, the
// site or a supervisory authority can verify against /.well-known/jwks.json without
// trusting our database (GDPR Art. 7(1) demonstrability). The private key is made
// once, stored encrypted under AKKOORD_SECRET, and kept imported in memory; a
// rotation retires a key but keeps it published, so old receipts stay verifiable.
import crypto, { type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import type { Kysely } from 'kysely';
import type { AppContext } from '../../context.js';
import type { Database } from '../../db/database.js';
import { signEd25519 } from './ed25519.js';

export const RECEIPT_ALG = 'EdDSA';
/** RFC 8725 §3.11: an explicit type so a receipt cannot pass for another kind of token. */
export const RECEIPT_TYP = 'akkoord-receipt+jwt';

/** A receipt signing key as this process holds it: the active one, or a retired one a retry needs. */
export interface SigningKey {
  kid: string;
  key: KeyObject;
  /** base64url of the JWS protected header, the same for every receipt of this key. */
  header: string;
  /** When this process loaded it (the active key is looked up again after RECHECK_MS). */
  loadedAt: number;
}

type KeyContext = Pick<AppContext, 'db' | 'keyring' | 'clock'>;

/** How long a process trusts its cached active key before looking for a newer one (another process may rotate). */
const RECHECK_MS = 5 * 60_000;
const activeKeys = new WeakMap<Kysely<Database>, Promise<SigningKey>>();

async function loadActiveKey(ctx: KeyContext): Promise<SigningKey> {
  const row = await ctx.db
    .selectFrom('signing_keys')
    .select(['kid', 'private_enc'])
    .where('retired_at', 'is', null)
    .orderBy('created_at', 'desc')
    .orderBy('kid', 'desc')
    .limit(1)
    .executeTakeFirst();
  return importKey(ctx, row ?? (await createSigningKey(ctx)));
}

function importKey(ctx: KeyContext, row: { kid: string; private_enc: string }): SigningKey {
  const jwk = JSON.parse(ctx.keyring.decrypt(row.private_enc)) as JWK & { kty: string };
  return {
    kid: row.kid,
    key: crypto.createPrivateKey({ key: jwk, format: 'jwk' }),
    header: Buffer.from(
      JSON.stringify({ alg: RECEIPT_ALG, kid: row.kid, typ: RECEIPT_TYP }),
    ).toString('base64url'),
    loadedAt: Date.now(),
  };
}

/** A new Ed25519 key pair; its kid is the RFC 7638 thumbprint of the public key. */
async function createSigningKey(ctx: KeyContext): Promise<{ kid: string; private_enc: string }> {
  const { privateKey, publicKey } = await generateKeyPair(RECEIPT_ALG, {
    crv: 'Ed25519',
    extractable: true,
  });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: RECEIPT_ALG };
  const row = {
    kid,
    private_enc: ctx.keyring.encrypt(JSON.stringify(privateJwk)),
    public_jwk: JSON.stringify({ ...publicJwk, kid, alg: RECEIPT_ALG, use: 'sig' }),
    created_at: ctx.clock.now().toISOString(),
    retired_at: null,
  };
  await ctx.db.insertInto('signing_keys').values(row).execute();
  return row;
}

/** The key receipts are signed with now, created on first use and cached per database. */
export function activeSigningKey(ctx: KeyContext): Promise<SigningKey> {
  let pending = activeKeys.get(ctx.db);
  if (!pending) {
    pending = loadActiveKey(ctx);
    activeKeys.set(ctx.db, pending);
    // A failed load is not cached: the next receipt tries again.
    pending.catch(() => activeKeys.delete(ctx.db));
  }
  return pending.then((active) => {
    if (Date.now() - active.loadedAt > RECHECK_MS && activeKeys.get(ctx.db) === pending)
      activeKeys.delete(ctx.db);
    return active;
  });
}

/** Retires the current key(s) and starts signing with a new one; retired keys stay in the JWKS. */
export async function rotateSigningKey(ctx: KeyContext): Promise<string> {
  await ctx.db
    .updateTable('signing_keys')
    .set({ retired_at: ctx.clock.now().toISOString() })
    .where('retired_at', 'is', null)
    .execute();
  activeKeys.delete(ctx.db);
  return (await activeSigningKey(ctx)).kid;
}

/** Every public key, active and retired, as a JWK Set (RFC 7517 §5). */
export async function publicJwks(ctx: KeyContext): Promise<{ keys: JWK[] }> {
  await activeSigningKey(ctx);
  const rows = await ctx.db
    .selectFrom('signing_keys')
    .select('public_jwk')
    .orderBy('created_at', 'desc')
    .execute();
  return { keys: rows.map((r) => JSON.parse(r.public_jwk) as JWK) };
}

/** Keys by kid, retired ones too: a retried write's receipt is signed again with the key that signed it first. */
const keysById = new WeakMap<Kysely<Database>, Map<string, SigningKey>>();

/** The signing key `kid`, loaded once per database; undefined when no such key exists. */
export async function signingKeyById(
  ctx: KeyContext,
  kid: string,
): Promise<SigningKey | undefined> {
  let known = keysById.get(ctx.db);
  if (!known) keysById.set(ctx.db, (known = new Map()));
  const cached = known.get(kid);
  if (cached) return cached;
  const row = await ctx.db
    .selectFrom('signing_keys')
    .select(['kid', 'private_enc'])
    .where('kid', '=', kid)
    .executeTakeFirst();
  if (!row) return undefined;
  const key = importKey(ctx, row);
  known.set(kid, key);
  return key;
}

/**
 * A compact JWS (RFC 7515 §7.1) over the payload JSON as it was first written, signed
 * with Ed25519 (RFC 8037). Signed on the spot (ed25519.ts) rather than through jose's
 * WebCrypto path, which sends every signature to the thread pool and back. Ed25519
 * signatures are deterministic (RFC 8032 §5.1.6): the same key and payload give the same
 * receipt, byte for byte, whenever it is signed. Receipts verify with jose
 * (compactVerify / jwtVerify) like any other JWS; the tests do so.
 */
export function signReceipt({ key, header }: SigningKey, payloadJson: string): string {
  const signingInput = `${header}.${Buffer.from(payloadJson).toString('base64url')}`;
  return `${signingInput}.${signEd25519(key, Buffer.from(signingInput)).toString('base64url')}`;
}
