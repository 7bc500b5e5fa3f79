// `akkoord backup` and `akkoord restore`: the database and the root secret travel
// together. A backup is one SQLite file, a consistent copy of the live database that
// also holds the secret sealed with the operator's passphrase; restore puts the
// database and the secret back, so the restored server reads its personal data.
import fs from 'node:fs';
import path from 'node:path';
import type { Kysely } from 'kysely';
import {
  backupPassphraseFromEnv,
  ConfigError,
  loadDataLocation,
  type DataLocation,
} from '../config.js';
import { createStore } from '../db/create-db.js';
import type { Database } from '../db/database.js';
import { checkDatabaseFile, copyLiveDatabase, removeDatabaseFiles } from '../db/sqlite-file.js';
import { createKeyring } from '../keyring.js';
import { makePrivateDir, touchPrivateFile } from '../private-files.js';
import { verifyLedger } from '../services/ledger/ledger-verify.js';
import {
  BACKUP_SECRET_KEY,
  checkSecret,
  FINGERPRINT_KEY,
  secretFingerprint,
} from '../services/tenants/secret-fingerprint.js';
import { CliError, type Output } from './output.js';
import { withContext } from './runtime.js';
import { openSealedSecret, readPassphrase, sealSecret } from './secret-seal.js';

export interface BackupOptions {
  force?: boolean;
  passphraseFile?: string;
}

const POSTGRES_BACKUP =
  'backup works on SQLite only. This DATABASE_URL is PostgreSQL: back it up with pg_dump, ' +
  'e.g. pg_dump --format=custom --file=akkoord.dump "$DATABASE_URL", and keep the root secret (AKKOORD_SECRET, or the file secret in AKKOORD_DATA_DIR) ' +
  'with the dump but stored apart from it. See docs/backup.md.';
const POSTGRES_RESTORE =
  'restore writes SQLite databases only. This DATABASE_URL is PostgreSQL: restore the dump with pg_restore ' +
  'and put back the root secret kept with it. See docs/backup.md.';

function location(out: Output): DataLocation {
  try {
    return loadDataLocation(out.io.env);
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message);
    throw error;
  }
}

/**
 * The copy is one consistent state of the live database even while the server writes
 * (copyLiveDatabase), with the secret sealed into it.
 */
export async function backupCommand(out: Output, target: string, options: BackupOptions) {
  if (!location(out).databaseUrl.startsWith('sqlite:')) throw new CliError(POSTGRES_BACKUP);
  const file = path.resolve(target);
  if (fs.existsSync(file) && !options.force)
    throw new CliError(`${target} exists; choose a new path or pass --force to overwrite it`);
  const passphrase = readPassphrase(
    options.passphraseFile,
    backupPassphraseFromEnv(out.io.env),
    'encrypt',
  );
  // The live database is neither migrated nor written to here: after a write by the
  // backup's own connection, the server's writers waited past their busy timeout while
  // the copy ran. The fingerprint goes into the copy instead.
  const result = await withContext(
    out,
    async (ctx) => {
      makePrivateDir(path.dirname(file));
      if (options.force) removeDatabaseFiles(file);
      touchPrivateFile(file);
      let bar: ReturnType<Output['progress']> | null = null;
      const started = Date.now();
      const copy = await copyLiveDatabase(ctx.store.sqlite!, file, (done, total) => {
        bar ??= out.progress(total, 'backup');
        bar.update(done);
      });
      (bar as ReturnType<Output['progress']> | null)?.stop();
      return { ...copy, ms: Date.now() - started, secret: ctx.config.secret };
    },
    { migrate: false },
  );
  const { secret, ...copied } = result;
  const copy = createStore(`sqlite:${file}`);
  try {
    const at = new Date().toISOString();
    await copy.db
      .insertInto('instance_meta')
      .values({ key: BACKUP_SECRET_KEY, value: sealSecret(secret, passphrase), updated_at: at })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: (eb) => eb.ref('excluded.value') }))
      .execute()
      .catch((error: Error) => {
        throw new CliError(
          `The database has no instance_meta table yet (${error.message}): start the server of this version once, which migrates it, then back up`,
        );
      });
    // A database the server has not started on since fingerprints came carries one from here on.
    await copy.db
      .insertInto('instance_meta')
      .values({
        key: FINGERPRINT_KEY,
        value: secretFingerprint(createKeyring(secret)),
        updated_at: at,
      })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
  } finally {
    await copy.close();
  }
  const check = await verifyDatabaseFile(file, { passphrase });
  if (!check.ok) throw new CliError(`The backup at ${target} did not verify`, check.problems);
  const bytes = fs.statSync(file).size;
  out.result(
    { path: file, bytes, ...copied, ...withoutSecret(check) },
    `Backed up to ${file} (${(bytes / 1_048_576).toFixed(1)} MiB, ${copied.pages} pages, ${copied.ms} ms)\n` +
      `Verified: integrity ok, ${check.tenants} tenant(s), ${check.events} consent events, every ledger chain intact, the secret opens with the passphrase\n` +
      'Keep the passphrase apart from the backup: without it the backup cannot be restored.',
  );
}

export async function restoreCommand(out: Output, source: string, options: BackupOptions) {
  const from = path.resolve(source);
  if (!fs.existsSync(from)) throw new CliError(`No backup at ${source}`);
  const where = location(out);
  if (!where.databaseUrl.startsWith('sqlite:')) throw new CliError(POSTGRES_RESTORE);
  const dbFile = path.resolve(where.databaseUrl.slice('sqlite:'.length));
  const secretFile = path.join(where.dataDir, 'secret');
  if (dbFile === from)
    throw new CliError(
      'The backup is the database of DATABASE_URL itself; restore into another DATABASE_URL',
    );
  const passphrase = readPassphrase(
    options.passphraseFile,
    backupPassphraseFromEnv(out.io.env),
    'open',
  );

  const backup = createStore(`sqlite:${from}`);
  let secret: string;
  try {
    secret = await readBackupSecret(backup.db, passphrase);
    if (where.envSecret !== null && where.envSecret !== secret) {
      throw new CliError(
        'AKKOORD_SECRET is set and is not the secret of this backup: the server would refuse the restored data',
        [
          `unset AKKOORD_SECRET so the server reads the restored ${secretFile}, or set it to that file's content after the restore`,
        ],
      );
    }
    if (fs.existsSync(dbFile) && fs.statSync(dbFile).size > 0 && !options.force) {
      throw new CliError(
        `${dbFile} exists; restore into a new data folder, or stop the server and pass --force to replace it`,
      );
    }
    if (
      fs.existsSync(secretFile) &&
      fs.readFileSync(secretFile, 'utf8').trim() !== secret &&
      !options.force
    ) {
      throw new CliError(
        `${secretFile} holds another secret; restore into a new data folder, or stop the server and pass --force to replace it`,
      );
    }
    makePrivateDir(path.dirname(dbFile));
    makePrivateDir(where.dataDir);
    removeDatabaseFiles(dbFile);
    touchPrivateFile(dbFile);
    await copyLiveDatabase(backup.sqlite!, dbFile);
  } finally {
    await backup.close();
  }
  // The live database does not keep the passphrase-sealed copy: it is only for the journey.
  const restored = createStore(`sqlite:${dbFile}`);
  try {
    await restored.db.deleteFrom('instance_meta').where('key', '=', BACKUP_SECRET_KEY).execute();
  } finally {
    await restored.close();
  }
  writeSecretFile(secretFile, secret);
  const check = await verifyDatabaseFile(dbFile, { secret });
  if (!check.ok)
    throw new CliError(`The restored database at ${dbFile} did not verify`, check.problems);
  out.result(
    { database: dbFile, secretFile, ...withoutSecret(check) },
    `Restored ${from}\n  database: ${dbFile}\n  secret:   ${secretFile}\n` +
      `Verified: integrity ok, ${check.tenants} tenant(s), ${check.events} consent events, every ledger chain intact, the secret matches the data`,
  );
}

/** The secret sealed into a backup, opened with the passphrase, or a CliError saying why not. */
async function readBackupSecret(db: Kysely<Database>, passphrase: string): Promise<string> {
  const row = await db
    .selectFrom('instance_meta')
    .select('value')
    .where('key', '=', BACKUP_SECRET_KEY)
    .executeTakeFirst()
    .catch(() => {
      throw new CliError(
        'This file is not an Akkoord backup of this version (no instance_meta table)',
      );
    });
  if (!row) {
    throw new CliError(
      'This file holds no secret: it is a copy of a database, not a backup made by `akkoord backup`',
      [
        'copy it in place by hand and put back the secret file from the same installation (see docs/backup.md)',
      ],
    );
  }
  return openSealedSecret(row.value, passphrase);
}

/** Opens a database file as the server would and checks the file, every ledger and (given one) the secret against the data. */
export async function verifyDatabaseFile(
  file: string,
  options: { passphrase?: string; secret?: string },
) {
  const store = createStore(`sqlite:${file}`);
  const problems: string[] = [];
  let tenants = 0;
  let events = 0;
  let secret = options.secret;
  try {
    problems.push(...checkDatabaseFile(store.sqlite!));
    for (const { id } of await store.db.selectFrom('tenants').select('id').execute()) {
      tenants += 1;
      const report = await verifyLedger(store.db, id);
      events += report.events;
      if (!report.ok)
        problems.push(`tenant ${id}: ledger breaks at ${report.brokenAt} (${report.reason})`);
    }
    if (options.passphrase !== undefined) {
      try {
        secret = await readBackupSecret(store.db, options.passphrase);
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
    if (secret !== undefined) {
      const check = await checkSecret(store.db, createKeyring(secret));
      if (check.status === 'mismatch')
        problems.push('the secret does not match the data (its fingerprint differs)');
    }
  } finally {
    await store.close();
  }
  return { ok: problems.length === 0, problems, tenants, events, secret };
}

function withoutSecret<T extends { secret?: string }>(check: T): Omit<T, 'secret'> {
  const { secret: _secret, ...rest } = check;
  return rest;
}

/** Written beside and renamed over, so a crash leaves the old secret or the new one, never half of one. */
function writeSecretFile(file: string, secret: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.rmSync(temporary, { force: true });
  fs.writeFileSync(temporary, secret + '\n', { mode: 0o600, flag: 'wx' });
  fs.renameSync(temporary, file);
}
