// The data and the root secret are readable by their owner only (GDPR-52, Art. 32
// security of processing): a new data folder is 0700; the SQLite database, its -wal
// and -shm and the secret are 0600; data files an older version left readable are
// narrowed when opened.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../server/config.js';
import { createStore } from '../../server/db/create-db.js';

const mode = (file: string) => fs.statSync(file).mode & 0o777;
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'akkoord-modes-'));
  dirs.push(dir);
  return dir;
}

describe('data file modes', () => {
  it('GDPR-52: a new data folder is 0700 and the database, -wal, -shm and secret in it are 0600', async () => {
    const dataDir = path.join(tempDir(), 'data', 'akkoord');
    const url = `sqlite:${path.join(dataDir, 'akkoord.db')}`;
    const config = loadConfig({ DATABASE_URL: url });
    expect(config.dataDir).toBe(dataDir);
    const store = createStore(url);
    try {
      await store.migrate();
      await store.db
        .insertInto('system_log')
        .values({
          id: 'l1',
          action: 'test',
          tenant_id: null,
          details: '{}',
          occurred_at: new Date().toISOString(),
        })
        .execute();
      expect(mode(dataDir)).toBe(0o700);
      expect(mode(path.join(dataDir, 'secret'))).toBe(0o600);
      for (const file of ['akkoord.db', 'akkoord.db-wal', 'akkoord.db-shm'])
        expect(mode(path.join(dataDir, file)), file).toBe(0o600);
    } finally {
      await store.close();
    }
  });

  it('GDPR-52: a database and a secret others could read are narrowed to 0600 when opened; an existing folder keeps its mode', async () => {
    const dataDir = tempDir();
    fs.chmodSync(dataDir, 0o755);
    const file = path.join(dataDir, 'akkoord.db');
    const first = createStore(`sqlite:${file}`);
    await first.migrate();
    await first.close();
    fs.chmodSync(file, 0o644);
    fs.writeFileSync(path.join(dataDir, 'secret'), 'an-old-secret-0123456789-0123456789-abc\n', {
      mode: 0o644,
    });
    fs.chmodSync(path.join(dataDir, 'secret'), 0o644);

    expect(loadConfig({ DATABASE_URL: `sqlite:${file}` }).secret).toBe(
      'an-old-secret-0123456789-0123456789-abc',
    );
    const store = createStore(`sqlite:${file}`);
    await store.close();
    expect(mode(file)).toBe(0o600);
    expect(mode(path.join(dataDir, 'secret'))).toBe(0o600);
    expect(mode(dataDir)).toBe(0o755);
  });
});
