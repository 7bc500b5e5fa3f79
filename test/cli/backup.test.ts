// `akkoord backup PATH` (GDPR-52 "backups with tested restore"): a copy taken
// with SQLite's online backup API while another process keeps writing consents opens
// as a database and verifies; PostgreSQL is refused with a pointer to pg_dump.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createContext } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import type { AppContext } from '../../server/context.js';
import { createStore } from '../../server/db/create-db.js';
import { publishConfig } from '../../server/services/config/config.js';
import { demoConfig } from '../../server/services/config/demo.js';
import { verifyLedger } from '../../server/services/ledger/ledger-verify.js';
import { recordConsentIn } from '../../server/services/consent/consent-write.js';
import { findOrCreateVisitorSubject } from '../../server/services/subjects/subjects-core.js';
import { createTenant } from '../../server/services/tenants/tenants.js';
import { TEST_SECRET } from '../helpers/app.js';
import { runCli, runCliProcess } from '../helpers/cli.js';
import { openTestStore, type TestStore } from '../helpers/db.js';

describe('backup on sqlite', () => {
  let ts: TestStore;
  let ctx: AppContext;
  let tenantId: string;
  let dir: string;
  beforeEach(async () => {
    ts = await openTestStore('sqlite');
    ctx = createContext({
      db: ts.store,
      config: loadConfig({ DATABASE_URL: ts.url, AKKOORD_SECRET: TEST_SECRET }),
    });
    tenantId = (await createTenant(ctx, { name: 'Shop BV', allowedOrigins: [] })).tenant.id;
    await publishConfig(ctx, tenantId, demoConfig('https://shop.example'), 'test');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'akkoord-backup-'));
  });
  afterEach(async () => {
    await ts.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function writeConsent(i: number) {
    await ctx.db.transaction().execute(async (trx) => {
      const at = ctx.clock.now().toISOString();
      const subjectId = await findOrCreateVisitorSubject(
        trx,
        tenantId,
        `v_backup_${String(i).padStart(24, '0')}`,
        at,
      );
      await recordConsentIn(trx, ctx, {
        tenantId,
        subjectId,
        configVersion: 1,
        locale: 'nl',
        source: 'banner',
        changes: [
          { purpose: 'analytics', channel: '', status: i % 2 ? 'granted' : 'denied' },
          { purpose: 'ads', channel: '', status: 'denied' },
        ],
        userAgent: 'Mozilla/5.0 '.repeat(20),
        ipTruncated: '192.0.2.0',
      });
    });
  }

  it('GDPR-52: a backup taken while another process writes opens, passes integrity_check and verifies every ledger', async () => {
    for (let i = 0; i < 1500; i += 1) await writeConsent(i);
    const target = path.join(dir, 'nested', 'akkoord-backup.db');
    let writing = true;
    let written = 0;
    const writer = (async () => {
      for (let i = 1500; writing; i += 1) {
        await writeConsent(i);
        written += 1;
        // better-sqlite3 is synchronous: without this the loop would run on microtasks only and
        // never let the event loop hear that the child process ended.
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const run = await runCliProcess(['backup', target, '--json'], {
      DATABASE_URL: ts.url,
      AKKOORD_BACKUP_PASSPHRASE: 'a passphrase for tests',
    });
    writing = false;
    await writer;
    expect(run.code, run.stderr).toBe(0);
    expect(written, 'the writer kept writing during the backup').toBeGreaterThan(0);
    const report = run.json();
    expect(report).toMatchObject({ ok: true, problems: [], tenants: 1 });
    expect(report.events).toBeGreaterThanOrEqual(3000);

    // Open it again here, as a restore would, and check it ourselves.
    const copy = createStore(`sqlite:${target}`);
    try {
      expect(copy.sqlite!.pragma('integrity_check', { simple: true })).toBe('ok');
      const ledger = await verifyLedger(copy.db, tenantId);
      expect(ledger.ok).toBe(true);
      const events = (
        await copy.db
          .selectFrom('consent_events')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n;
      expect(Number(events)).toBe(ledger.events);
      // One snapshot, not a mix: the head row names exactly the last event the copy holds.
      const states = await copy.db
        .selectFrom('consent_state')
        .select('subject_id')
        .distinct()
        .execute();
      const head = await copy.db
        .selectFrom('ledger_heads')
        .select('ledger_seq')
        .where('tenant_id', '=', tenantId)
        .executeTakeFirstOrThrow();
      expect(head.ledger_seq).toBe(ledger.events);
      expect(states.length).toBeGreaterThanOrEqual(1500);
    } finally {
      await copy.close();
    }
  }, 180_000);

  it('refuses to overwrite an existing file unless --force', async () => {
    const target = path.join(dir, 'exists.db');
    fs.writeFileSync(target, 'keep me');
    const run = await runCli(['backup', target], {
      DATABASE_URL: ts.url,
      AKKOORD_BACKUP_PASSPHRASE: 'a passphrase for tests',
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('exists; choose a new path or pass --force');
    expect(fs.readFileSync(target, 'utf8')).toBe('keep me');
    const forced = await runCli(['backup', target, '--force', '--json'], {
      DATABASE_URL: ts.url,
      AKKOORD_BACKUP_PASSPHRASE: 'a passphrase for tests',
    });
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.json().ok).toBe(true);
  }, 60_000);

  it('refuses PostgreSQL with a clear message that points at pg_dump', async () => {
    const run = await runCli(['backup', path.join(dir, 'x.db')], {
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('backup works on SQLite only');
    expect(run.stderr).toContain('pg_dump');
    expect(fs.existsSync(path.join(dir, 'x.db'))).toBe(false);
  }, 60_000);
});
