// The secret travels with the data (GDPR-52, backups with a tested restore): a backup made
// by `akkoord backup` holds the database and the root secret sealed with a passphrase;
// `akkoord restore` into a fresh folder gives a server that starts, verifies and reads
// personal data back. A database restored without its secret is refused at start and by /readyz.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { createStore } from '../../server/db/create-db.js';
import { runCli } from '../helpers/cli.js';
import { startServerProcess, type ServerProcess } from '../helpers/process.js';

const PASSPHRASE = 'correct horse battery staple';
const EMAIL = 'anna.de.vries@example.nl';
// No AKKOORD_SECRET: the secret is the file the server makes in its data folder, as in production.
const noEnvSecret = { AKKOORD_SECRET: '' };

const mode = (file: string) => fs.statSync(file).mode & 0o777;

describe('backup and restore carry the secret with the data', () => {
  let root: string;
  let source: { dir: string; url: string };
  let secretKey: string;
  let backupFile: string;
  const servers: ServerProcess[] = [];

  beforeAll(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'akkoord-restore-'));
    const dir = path.join(root, 'source');
    source = { dir, url: `sqlite:${path.join(dir, 'akkoord.db')}` };
    const created = await runCli(['tenant', 'create', 'Shop BV', '--json'], {
      ...noEnvSecret,
      DATABASE_URL: source.url,
    });
    expect(created.code, created.stderr).toBe(0);
    secretKey = created.json().secretKey;
    const server = await startServerProcess({ ...noEnvSecret, DATABASE_URL: source.url });
    servers.push(server);
    const put = await fetch(`${server.url}/v1/subjects/crm-1`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${secretKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ email: EMAIL, attributes: { firstName: 'Anna' } }),
    });
    expect(put.status).toBe(201);
    backupFile = path.join(root, 'backups', 'akkoord.backup');
  }, 60_000);

  afterAll(async () => {
    for (const server of servers) await server.kill();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('GDPR-52: the data folder, database and secret are readable by their owner only', () => {
    expect(mode(source.dir)).toBe(0o700);
    expect(mode(path.join(source.dir, 'secret'))).toBe(0o600);
    for (const file of ['akkoord.db', 'akkoord.db-wal', 'akkoord.db-shm'])
      expect(mode(path.join(source.dir, file)), file).toBe(0o600);
  });

  it('GDPR-52: refuses to back up without a passphrase and says how to give one', async () => {
    const run = await runCli(['backup', backupFile], { ...noEnvSecret, DATABASE_URL: source.url });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--passphrase-file');
    expect(run.stderr).toContain('AKKOORD_BACKUP_PASSPHRASE');
    expect(fs.existsSync(backupFile)).toBe(false);
  }, 60_000);

  it('GDPR-52: restore refuses PostgreSQL, pointing at pg_restore, and a file that is no backup', async () => {
    const pgRun = await runCli(['restore', path.join(source.dir, 'akkoord.db')], {
      ...noEnvSecret,
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
      AKKOORD_BACKUP_PASSPHRASE: PASSPHRASE,
    });
    expect(pgRun.code).toBe(1);
    expect(pgRun.stderr).toContain('pg_restore');
    const plainCopy = path.join(root, 'plain-copy.db');
    fs.copyFileSync(path.join(source.dir, 'akkoord.db'), plainCopy);
    const notBackup = await runCli(['restore', plainCopy], {
      ...noEnvSecret,
      DATABASE_URL: `sqlite:${path.join(root, 'nowhere', 'akkoord.db')}`,
      AKKOORD_BACKUP_PASSPHRASE: PASSPHRASE,
    });
    expect(notBackup.code).toBe(1);
    expect(notBackup.stderr).toContain('not a backup made by `akkoord backup`');
    expect(fs.existsSync(path.join(root, 'nowhere'))).toBe(false);
  }, 60_000);

  it('GDPR-52: a backup restored into a fresh folder starts, verifies and reads personal data back', async () => {
    const passphraseFile = path.join(root, 'passphrase');
    fs.writeFileSync(passphraseFile, PASSPHRASE + '\n', { mode: 0o600 });
    const backup = await runCli(
      ['backup', backupFile, '--passphrase-file', passphraseFile, '--json'],
      { ...noEnvSecret, DATABASE_URL: source.url },
    );
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.json()).toMatchObject({ ok: true, tenants: 1 });
    expect(backup.stdout).not.toContain(
      fs.readFileSync(path.join(source.dir, 'secret'), 'utf8').trim(),
    );
    expect(mode(backupFile)).toBe(0o600);
    expect(mode(path.dirname(backupFile))).toBe(0o700);

    const target = path.join(root, 'restored');
    const targetUrl = `sqlite:${path.join(target, 'akkoord.db')}`;
    const wrong = await runCli(['restore', backupFile, '--json'], {
      ...noEnvSecret,
      DATABASE_URL: targetUrl,
      AKKOORD_BACKUP_PASSPHRASE: 'not the passphrase at all',
    });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('passphrase does not open');
    expect(fs.existsSync(path.join(target, 'secret'))).toBe(false);

    const restore = await runCli(['restore', backupFile, '--json'], {
      ...noEnvSecret,
      DATABASE_URL: targetUrl,
      AKKOORD_BACKUP_PASSPHRASE: PASSPHRASE,
    });
    expect(restore.code, restore.stderr).toBe(0);
    expect(restore.json()).toMatchObject({ ok: true, tenants: 1 });
    expect(fs.readFileSync(path.join(target, 'secret'), 'utf8')).toBe(
      fs.readFileSync(path.join(source.dir, 'secret'), 'utf8'),
    );
    expect(mode(target)).toBe(0o700);
    expect(mode(path.join(target, 'secret'))).toBe(0o600);
    expect(mode(path.join(target, 'akkoord.db'))).toBe(0o600);

    const again = await runCli(['restore', backupFile], {
      ...noEnvSecret,
      DATABASE_URL: targetUrl,
      AKKOORD_BACKUP_PASSPHRASE: PASSPHRASE,
    });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('--force');

    const server = await startServerProcess({ ...noEnvSecret, DATABASE_URL: targetUrl });
    servers.push(server);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    const subject = await fetch(`${server.url}/v1/subjects/crm-1`, {
      headers: { authorization: `Bearer ${secretKey}` },
    });
    expect(subject.status).toBe(200);
    const body = (await subject.json()) as {
      identities: { email: string };
      attributes: { firstName: string };
    };
    expect(body.identities.email).toBe(EMAIL);
    expect(body.attributes.firstName).toBe('Anna');

    const verify = await runCli(['verify', '--json'], { ...noEnvSecret, DATABASE_URL: targetUrl });
    expect(verify.code, verify.stderr).toBe(0);
    expect(verify.json().ok).toBe(true);
  }, 120_000);

  it('GDPR-52: the database restored without its secret is refused at start and by /readyz, naming the fix', async () => {
    // What an operator did before: copy the database file into a fresh folder, and the server made itself a new secret.
    const target = path.join(root, 'database-only');
    fs.mkdirSync(target, { mode: 0o700 });
    const copied = path.join(target, 'akkoord.db');
    fs.copyFileSync(path.join(root, 'restored', 'akkoord.db'), copied);
    const url = `sqlite:${copied}`;
    await expect(startServerProcess({ ...noEnvSecret, DATABASE_URL: url }, 60_000)).rejects.toThrow(
      /root secret does not match this database[\s\S]*akkoord restore/,
    );
    expect(fs.existsSync(path.join(target, 'secret')), 'a new secret was made').toBe(true);

    const cli = await runCli(['tenant', 'list'], { ...noEnvSecret, DATABASE_URL: url });
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain('root secret does not match this database');

    // A running server whose secret does not match the data is not ready.
    const store = createStore(url);
    try {
      const app = createApp({
        db: store,
        config: loadConfig({ DATABASE_URL: url, LOG_LEVEL: 'silent' }),
      });
      const ready = await app.request('/readyz');
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ ok: false, code: 'secret_mismatch' });
    } finally {
      await store.close();
    }
  }, 60_000);

  it('GDPR-52: a backup file copied in place by hand is refused with a pointer to akkoord restore', async () => {
    const target = path.join(root, 'hand-copied');
    fs.mkdirSync(target, { mode: 0o700 });
    fs.copyFileSync(backupFile, path.join(target, 'akkoord.db'));
    const cli = await runCli(['tenant', 'list'], {
      ...noEnvSecret,
      DATABASE_URL: `sqlite:${path.join(target, 'akkoord.db')}`,
    });
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain('written by `akkoord backup`');
    expect(cli.stderr).toContain('akkoord restore BACKUP_FILE');
  }, 60_000);
});
