// The database remembers which root secret its data was encrypted under, as a keyed
// hash derived from that secret (never the secret). A server or command started with
// another secret refuses at once, naming the fix, instead of answering /healthz and
// then failing every read of personal data.
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import type { Keyring } from '../../keyring.js';

export const FINGERPRINT_KEY = 'secret_fingerprint';
/** Only inside a file written by `akkoord backup`: the secret sealed with the operator's passphrase. */
export const BACKUP_SECRET_KEY = 'backup_secret';

export type SecretCheck =
  /** The stored fingerprint is this secret's. */
  | { status: 'match' }
  /** No fingerprint yet, and no encrypted value contradicts this secret: it may be written. */
  | { status: 'unrecorded' }
  /** The data belongs to another secret. `backupCopy`: the file is an `akkoord backup` copied in by hand. */
  | { status: 'mismatch'; backupCopy: boolean };

export function secretFingerprint(keyring: Keyring): string {
  return keyring.hmac('secret-fingerprint', 'akkoord root secret v1');
}

export async function checkSecret(db: Kysely<Database>, keyring: Keyring): Promise<SecretCheck> {
  const rows = await db
    .selectFrom('instance_meta')
    .select(['key', 'value'])
    .where('key', 'in', [FINGERPRINT_KEY, BACKUP_SECRET_KEY])
    .execute();
  const backupCopy = rows.some((r) => r.key === BACKUP_SECRET_KEY);
  const stored = rows.find((r) => r.key === FINGERPRINT_KEY)?.value;
  if (stored !== undefined)
    return stored === secretFingerprint(keyring)
      ? { status: 'match' }
      : { status: 'mismatch', backupCopy };
  // A database from before fingerprints: any value it encrypted tells whether this secret opens it.
  const sealed = await anySealedValue(db);
  if (sealed === null) return { status: 'unrecorded' };
  try {
    keyring.decrypt(sealed);
    return { status: 'unrecorded' };
  } catch {
    return { status: 'mismatch', backupCopy };
  }
}

async function anySealedValue(db: Kysely<Database>): Promise<string | null> {
  const probes = [
    () => db.selectFrom('signing_keys').select('private_enc as v').limit(1).executeTakeFirst(),
    () =>
      db
        .selectFrom('subjects')
        .select('email_enc as v')
        .where('email_enc', 'is not', null)
        .limit(1)
        .executeTakeFirst(),
    () =>
      db
        .selectFrom('subjects')
        .select('attributes_enc as v')
        .where('attributes_enc', 'is not', null)
        .limit(1)
        .executeTakeFirst(),
    () => db.selectFrom('records').select('data_enc as v').limit(1).executeTakeFirst(),
    () => db.selectFrom('webhooks').select('secret_enc as v').limit(1).executeTakeFirst(),
    () => db.selectFrom('outbox').select('to_enc as v').limit(1).executeTakeFirst(),
  ];
  for (const probe of probes) {
    const row = await probe();
    if (row?.v) return row.v;
  }
  return null;
}

export class SecretMismatchError extends Error {
  constructor(check: { backupCopy: boolean }) {
    super(
      [
        'The root secret does not match this database: its data was encrypted under another secret, so every read of personal data would fail.',
        check.backupCopy
          ? 'This database is a file written by `akkoord backup` that was copied in place by hand. Fix: run `akkoord restore BACKUP_FILE` with its passphrase; it puts back the database together with its secret.'
          : 'Fix: put back the secret that belongs to this data, either with `akkoord restore BACKUP_FILE` (a backup holds both) or by copying the original secret file to AKKOORD_DATA_DIR/secret or setting AKKOORD_SECRET to it.',
        'Do not replace the stored fingerprint: a new secret cannot read the data encrypted under the old one. See docs/backup.md.',
      ].join('\n'),
    );
  }
}

/**
 * At start (server and commands): records this secret's fingerprint in a database that has
 * none, or throws SecretMismatchError when the data belongs to another secret. Several
 * servers may start at once: the first fingerprint written wins and the others compare to it.
 */
export async function ensureSecretFingerprint(
  db: Kysely<Database>,
  keyring: Keyring,
  at: string,
): Promise<void> {
  const check = await checkSecret(db, keyring);
  if (check.status === 'mismatch') throw new SecretMismatchError(check);
  if (check.status === 'match') return;
  await db
    .insertInto('instance_meta')
    .values({ key: FINGERPRINT_KEY, value: secretFingerprint(keyring), updated_at: at })
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
  const again = await checkSecret(db, keyring);
  if (again.status === 'mismatch') throw new SecretMismatchError(again);
}
