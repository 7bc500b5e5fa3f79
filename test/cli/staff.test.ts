// `akkoord staff invite`: the operator makes a tenant's first console owner; the
// invitation is queued for the servers' mail worker, the link printed, the audit log
// names "cli".
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKeyring } from '../../server/keyring.js';
import { TEST_SECRET } from '../helpers/app.js';
import { runCli } from '../helpers/cli.js';
import { dialects, openTestStore, type TestStore } from '../helpers/db.js';

describe.each(dialects)('akkoord staff invite on %s', (dialect) => {
  let ts: TestStore;
  let env: Record<string, string>;
  beforeEach(async () => {
    ts = await openTestStore(dialect);
    env = {
      DATABASE_URL: ts.url,
      SMTP_URL: 'smtp://127.0.0.1:9',
      PUBLIC_URL: 'https://consent.shop.example',
    };
  });
  afterEach(async () => ts.cleanup());

  it('invites an owner: the invitation waits in the outbox with the printed sign-in link; an unknown role is refused', async () => {
    const tenant = (await runCli(['--json', 'tenant', 'create', 'Shop BV'], env)).json<{
      tenant: { id: string };
    }>().tenant;
    const email = `owner.${dialect}@shop.example`;
    const run = await runCli(
      [
        '--json',
        'staff',
        'invite',
        '--tenant',
        tenant.id,
        '--email',
        email,
        '--role',
        'owner',
        '--locale',
        'en',
      ],
      env,
    );
    expect(run.code, run.stderr).toBe(0);
    const result = run.json<{ id: string; role: string; signInUrl: string }>();
    expect(result.role).toBe('owner');
    expect(result.signInUrl).toMatch(
      /^https:\/\/consent\.shop\.example\/console\/#token=[A-Za-z0-9_-]{43}$/,
    );
    const queued = await ts.store.db
      .selectFrom('outbox')
      .select(['to_enc', 'subject', 'body_enc', 'status'])
      .execute();
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({
      subject: 'You are invited to the Shop BV console',
      status: 'pending',
    });
    const keyring = createKeyring(TEST_SECRET);
    expect(keyring.decrypt(queued[0].to_enc)).toBe(email);
    expect(keyring.decrypt(queued[0].body_enc)).toContain(result.signInUrl);
    const audit = await ts.store.db
      .selectFrom('audit_log')
      .select(['actor', 'action', 'target'])
      .where('action', '=', 'staff.invited')
      .execute();
    expect(audit).toEqual([{ actor: 'cli', action: 'staff.invited', target: result.id }]);

    const bad = await runCli(
      ['staff', 'invite', '--tenant', tenant.id, '--email', email, '--role', 'king'],
      env,
    );
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('role');
  });
});
