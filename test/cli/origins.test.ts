// `akkoord tenant origins list|add|remove`: the CLI changes a tenant's allowed origins through
// the same validation and audit log as PUT /v1/tenant/origins.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { dialects, openTestStore, type TestStore } from '../helpers/db.js';

describe.each(dialects)('akkoord tenant origins on %s', (dialect) => {
  let ts: TestStore;
  let env: Record<string, string>;
  beforeEach(async () => {
    ts = await openTestStore(dialect);
    env = { DATABASE_URL: ts.url };
  });
  afterEach(async () => {
    await ts.cleanup();
  });

  it('adds, lists and removes origins, audit-logged by "cli"; refuses a bare *', async () => {
    const tenant = (
      await runCli(
        ['--json', 'tenant', 'create', 'Shop BV', '--origin', 'https://shop.example'],
        env,
      )
    ).json().tenant;
    const added = await runCli(
      [
        'tenant',
        'origins',
        'add',
        'https://www.shop.example',
        'https://*.staging.shop.example',
        '--tenant',
        tenant.id,
        '--json',
      ],
      env,
    );
    expect(added.code, added.stderr).toBe(0);
    expect(added.json().allowedOrigins).toEqual([
      'https://shop.example',
      'https://www.shop.example',
      'https://*.staging.shop.example',
    ]);

    const removed = await runCli(
      ['tenant', 'origins', 'remove', 'https://shop.example', '--tenant', tenant.id],
      env,
    );
    expect(removed.code, removed.stderr).toBe(0);
    const listed = await runCli(['tenant', 'origins', 'list', '--tenant', tenant.id], env);
    expect(listed.stdout).toBe(
      'Allowed origins:\n  https://www.shop.example\n  https://*.staging.shop.example\n',
    );

    const star = await runCli(['tenant', 'origins', 'add', '*', '--tenant', tenant.id], env);
    expect(star.code).toBe(1);
    expect(star.stderr).toContain('no bare *');

    const audit = await ts.store.db
      .selectFrom('audit_log')
      .select(['actor', 'action', 'details'])
      .where('action', '=', 'tenant.origins_changed')
      .orderBy('seq')
      .execute();
    expect(audit.map((a) => ({ actor: a.actor, details: JSON.parse(a.details) }))).toEqual([
      {
        actor: 'cli',
        details: {
          added: ['https://www.shop.example', 'https://*.staging.shop.example'],
          removed: [],
        },
      },
      { actor: 'cli', details: { added: [], removed: ['https://shop.example'] } },
    ]);
  }, 120_000);
});
