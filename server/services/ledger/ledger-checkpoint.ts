// Signed checkpoints of a tenant's consent chain. When old ledger events are pruned
// (proof retention), a checkpoint takes their place: the position and hash of the
// last pruned position, a running digest of the events kept at or before it (each
// person's current state is never pruned), the time and the signing key. It is a
// compact JWS signed with the receipt key (Ed25519), so anyone holding the JWKS can
// check that the chain the verifier resumes from is the one the server had.
import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database, LedgerCheckpointsTable } from '../../db/database.js';
import { sha256Hex } from '../../ids.js';
import { GENESIS_HASH } from './ledger-head.js';
import type { SigningKey } from './receipts.js';

/** RFC 8725: its own type, so a checkpoint cannot pass for a receipt or the reverse. */
export const CHECKPOINT_TYP = 'akkoord-checkpoint+jwt';

export interface CheckpointPayload {
  v: 1;
  tenant: string;
  /** The last ledger position the checkpoint covers. */
  seq: number;
  /** The chain hash at that position. */
  hash: string;
  /** Running digest over (seq, hash) of the events kept at or before seq. */
  kept: string;
  keptCount: number;
  /** Events removed up to this checkpoint, this one's and every earlier one's. */
  pruned: number;
  at: string;
}

/** The digest starts from the genesis hash and folds in each kept event in seq order. */
export const KEPT_GENESIS = GENESIS_HASH;
export const foldKept = (digest: string, seq: number, hash: string) =>
  sha256Hex(`${digest}\n${seq}:${hash}`);

export function signCheckpoint(key: SigningKey, payload: CheckpointPayload): string {
  const header = Buffer.from(
    JSON.stringify({ alg: 'EdDSA', kid: key.kid, typ: CHECKPOINT_TYP }),
  ).toString('base64url');
  const input = `${header}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
  return `${input}.${crypto.sign(null, Buffer.from(input), key.key).toString('base64url')}`;
}

/** The newest checkpoint of a tenant, or null when nothing was ever pruned. */
export async function newestCheckpoint(
  db: Kysely<Database>,
  tenantId: string,
): Promise<LedgerCheckpointsTable | null> {
  const row = await db
    .selectFrom('ledger_checkpoints')
    .selectAll()
    .where('tenant_id', '=', tenantId)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ?? null;
}

/**
 * Checks the signature against the published key of its kid and that the signed payload
 * is the stored row; answers the payload, or the reason it cannot be trusted.
 */
export async function checkCheckpoint(
  db: Kysely<Database>,
  row: LedgerCheckpointsTable,
): Promise<{ ok: true; payload: CheckpointPayload } | { ok: false; reason: string }> {
  const [header, body, signature] = row.jws.split('.');
  if (!header || !body || !signature)
    return { ok: false, reason: 'the checkpoint is not a compact JWS' };
  let parsedHeader: { alg?: string; kid?: string; typ?: string };
  let payload: CheckpointPayload;
  try {
    parsedHeader = JSON.parse(
      Buffer.from(header, 'base64url').toString('utf8'),
    ) as typeof parsedHeader;
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as CheckpointPayload;
  } catch {
    return { ok: false, reason: 'the checkpoint cannot be read' };
  }
  if (
    parsedHeader.alg !== 'EdDSA' ||
    parsedHeader.typ !== CHECKPOINT_TYP ||
    parsedHeader.kid !== row.kid
  ) {
    return {
      ok: false,
      reason: 'the checkpoint header is not that of a checkpoint signed with its key',
    };
  }
  const key = await db
    .selectFrom('signing_keys')
    .select('public_jwk')
    .where('kid', '=', row.kid)
    .executeTakeFirst();
  if (!key) return { ok: false, reason: 'the checkpoint was signed with an unknown key' };
  const publicKey = crypto.createPublicKey({
    key: JSON.parse(key.public_jwk) as crypto.JsonWebKey,
    format: 'jwk',
  });
  if (
    !crypto.verify(
      null,
      Buffer.from(`${header}.${body}`),
      publicKey,
      Buffer.from(signature, 'base64url'),
    )
  ) {
    return { ok: false, reason: 'the checkpoint signature does not verify' };
  }
  if (
    payload.tenant !== row.tenant_id ||
    payload.seq !== row.seq ||
    payload.hash !== row.hash ||
    payload.kept !== row.kept_digest
  ) {
    return { ok: false, reason: 'the checkpoint row does not match what was signed' };
  }
  return { ok: true, payload };
}
