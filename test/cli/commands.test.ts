// The `akkoord` command: tenant, key and config commands, verify,
// purge and export, with --json for scripts, audit entries with the actor "cli", and
// a clear message with a non-zero exit on bad input.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { demoConfig } from '../../server/services/config/demo.js';
import { runCli, runCliProcess } from '../helpers/cli.js';
import { dialects, openTestStore, type TestStore } from '../helpers/db.js';

describe.each(dialects)('akkoord commands on %s', (dialect) => {
  let ts: TestStore;
  let dir: string;
  let env: Record<string, string>;
  beforeEach(async () => {
    ts = await openTestStore(dialect);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'akkoord-cli-'));
    env = { DATABASE_URL: ts.url };
  });
  afterEach(async () => {
    await ts.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const file = (name: string, content: unknown) => {
    const target = path.join(dir, name);
    fs.writeFileSync(target, typeof content === 'string' ? content : JSON.stringify(content));
    return target;
  };

  it('sets a tenant up: tenant create, config publish, key create and revoke, with --json and audit entries by "cli"', async () => {
    const created = await runCli(
      ['--json', 'tenant', 'create', 'Shop BV', '--origin', 'https://shop.example'],
      env,
    );
    expect(created.code, created.stderr).toBe(0);
    const { tenant, publicKey, secretKey } = created.json();
    expect(tenant.id).toMatch(/^ten_/);
    expect(publicKey).toMatch(/^pk_/);
    expect(secretKey).toMatch(/^sk_/);

    const published = await runCli(
      [
        'config',
        'publish',
        file('config.json', demoConfig('https://shop.example')),
        '--tenant',
        tenant.id,
        '--json',
      ],
      env,
    );
    expect(published.code, published.stderr).toBe(0);
    expect(published.json()).toMatchObject({ version: 1, materialVersion: 1 });

    const key = await runCli(
      ['key', 'create', '--tenant', tenant.id, '--scopes', 'feed:read,audit:read', '--json'],
      env,
    );
    expect(key.json()).toMatchObject({
      id: expect.stringMatching(/^key_/),
      scopes: ['feed:read', 'audit:read'],
    });
    const revoked = await runCli(['key', 'revoke', key.json().id, '--tenant', tenant.id], env);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toContain(`Revoked key ${key.json().id}`);

    const audit = await ts.store.db
      .selectFrom('audit_log')
      .select(['actor', 'action'])
      .where('tenant_id', '=', tenant.id)
      .orderBy('seq')
      .execute();
    expect(audit).toEqual([
      { actor: 'cli', action: 'tenant.created' },
      { actor: 'cli', action: 'key.created' },
      { actor: 'cli', action: 'config.published' },
      { actor: 'cli', action: 'key.created' },
      { actor: 'cli', action: 'key.revoked' },
    ]);
    const list = await runCli(['tenant', 'list', '--json'], env);
    expect(list.json().tenants).toEqual([
      expect.objectContaining({ id: tenant.id, status: 'active' }),
    ]);
  }, 120_000);

  it('exits non-zero with a clear message on bad input', async () => {
    const tenant = (await runCli(['tenant', 'create', 'Shop BV', '--json'], env)).json().tenant;
    const cases: Array<[string[], number, string]> = [
      [
        ['key', 'create', '--tenant', tenant.id, '--scopes', 'feed:read,everything'],
        1,
        'unknown scope "everything"',
      ],
      [
        ['key', 'create', '--scopes', 'feed:read'],
        2,
        "required option '-t, --tenant <id>' not specified",
      ],
      [['key', 'revoke', 'key_nope', '--tenant', tenant.id], 1, 'No such key'],
      [
        ['key', 'create', '--tenant', 'ten_nope', '--scopes', 'admin'],
        1,
        'No tenant with id ten_nope',
      ],
      [
        ['config', 'publish', path.join(dir, 'missing.json'), '--tenant', tenant.id],
        1,
        'no such file',
      ],
      [
        ['config', 'publish', file('broken.json', '{ "purposes": '), '--tenant', tenant.id],
        1,
        'Cannot read the configuration',
      ],
      [
        ['config', 'publish', file('shape.json', { defaultLocale: 'nl' }), '--tenant', tenant.id],
        1,
        'is not a valid configuration',
      ],
      [
        [
          'config',
          'publish',
          file('tick.json', {
            ...demoConfig('https://shop.example'),
            purposes: demoConfig('https://shop.example').purposes.map((p) =>
              p.key === 'analytics' ? { ...p, default: true } : p,
            ),
          }),
          '--tenant',
          tenant.id,
        ],
        1,
        'The configuration breaks',
      ],
      [['tenant', 'create', ''], 1, 'The tenant is not valid'],
      [['tenant', 'create', 'X', '--origin', 'not a url'], 1, 'allowedOrigins.0'],
      [['frobnicate'], 2, "unknown command 'frobnicate'"],
    ];
    for (const [args, code, message] of cases) {
      const run = await runCli(args, env);
      expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(code);
      expect(run.stderr, args.join(' ')).toContain(message);
      expect(run.stderr, args.join(' ')).not.toMatch(/at .*\.ts:\d+/);
    }
    // The installed command ends its process with the same codes and messages: a refused
    // operation and a usage error.
    for (const [args, code, message] of [cases[0]!, cases.at(-1)!]) {
      const run = await runCliProcess(args, env);
      expect(run.code, `${args.join(' ')}: ${run.stderr}`).toBe(code);
      expect(run.stderr, args.join(' ')).toContain(message);
    }
    const json = await runCli(
      ['--json', 'key', 'create', '--tenant', 'ten_nope', '--scopes', 'admin'],
      env,
    );
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stderr)).toEqual({
      error: { message: 'No tenant with id ten_nope in this database', details: [] },
    });
  }, 180_000);

  it('verify reports a tampered ledger row with its position and exits 3', async () => {
    const tenant = (await runCli(['tenant', 'create', 'Shop BV', '--json'], env)).json().tenant;
    await runCli(
      [
        'config',
        'publish',
        file('config.json', demoConfig('https://shop.example')),
        '--tenant',
        tenant.id,
      ],
      env,
    );
    const csv = file(
      'c.csv',
      'externalId,purpose,channel,decision,capturedAt\na,analytics,,granted,2026-01-01T00:00:00Z\nb,analytics,,denied,2026-01-01T00:00:00Z\n',
    );
    expect((await runCli(['import', 'consents', csv, '--tenant', tenant.id], env)).code).toBe(0);
    const ok = await runCli(['verify', '--json'], env);
    expect(ok.code).toBe(0);
    expect(ok.json()).toMatchObject({
      ok: true,
      tenants: [{ tenantId: tenant.id, ok: true, events: 2 }],
    });
    await ts.store.db
      .updateTable('consent_events')
      .set({ status: 'granted' })
      .where('tenant_id', '=', tenant.id)
      .where('seq', '=', 2)
      .execute();
    // The exit status a cron job or monitor sees: the installed command's process.
    const broken = await runCliProcess(['verify', '--tenant', tenant.id], env);
    expect(broken.code).toBe(3);
    expect(broken.stdout).toContain(`BROKEN  ${tenant.id}: at event 2`);
  }, 120_000);

  it('purge runs retention and deletes offboarded tenants past their grace period; export writes the tenant to a file', async () => {
    const tenant = (await runCli(['tenant', 'create', 'Shop BV', '--json'], env)).json().tenant;
    await runCli(
      [
        'config',
        'publish',
        file('config.json', demoConfig('https://shop.example')),
        '--tenant',
        tenant.id,
      ],
      env,
    );
    const csv = file(
      'c.csv',
      'externalId,purpose,channel,decision,capturedAt\nold,analytics,,granted,2020-01-01T00:00:00Z\n',
    );
    await runCli(['import', 'consents', csv, '--tenant', tenant.id], env);

    const out = path.join(dir, 'export.ndjson');
    const exported = await runCli(['export', '--tenant', tenant.id, '--out', out, '--json'], env);
    expect(exported.code, exported.stderr).toBe(0);
    expect(exported.json()).toMatchObject({ tenantId: tenant.id, path: out });
    const lines = fs
      .readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ type: 'header', format: 'akkoord-tenant-export', version: 1 });
    expect(lines.at(-1).type).toBe('end');
    expect((await runCli(['export', '--tenant', tenant.id, '--out', out], env)).stderr).toContain(
      'exists',
    );
    const toStdout = await runCli(['export', '--tenant', tenant.id], env);
    expect(toStdout.stdout.split('\n')[0]).toContain('"type":"header"');

    // The imported consent was given in 2020; with a 365-day TTL it is expired now.
    const purged = await runCli(['purge', '--json'], env);
    expect(purged.code, purged.stderr).toBe(0);
    expect(purged.json()).toMatchObject({
      tenants: 1,
      consentsExpired: 1,
      tenantsDeleted: [],
      proof: { ledgerPruned: 0, feedPruned: 0 },
    });

    await ts.store.db
      .updateTable('tenants')
      .set({ status: 'offboarding', delete_after: '2020-01-01T00:00:00.000Z' })
      .where('id', '=', tenant.id)
      .execute();
    const deleted = await runCli(['purge', '--json'], env);
    expect(deleted.json().tenantsDeleted).toEqual([tenant.id]);
    expect(await ts.store.db.selectFrom('tenants').select('id').execute()).toEqual([]);
    const log = await ts.store.db
      .selectFrom('system_log')
      .select(['action', 'details'])
      .where('tenant_id', '=', tenant.id)
      .execute();
    expect(log.map((l) => l.action)).toEqual(['tenant.deleted']);
    expect(JSON.parse(log[0].details)).toMatchObject({ actor: 'cli', reason: 'grace_period_over' });
  }, 180_000);
});
