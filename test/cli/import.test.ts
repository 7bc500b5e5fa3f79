// `akkoord import consents FILE.csv`: every row is checked first, bad rows
// are reported by line number, nothing is imported while one is bad unless
// --skip-invalid; imported consents keep their capture time and come in through the
// ledger with source `import`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createContext } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import type { AppContext } from '../../server/context.js';
import { publishConfig } from '../../server/services/config/config.js';
import { demoConfig } from '../../server/services/config/demo.js';
import { eraseSubject } from '../../server/services/rights/erase.js';
import { sendInformationNotices } from '../../server/services/rights/information-notice.js';
import { createTenant } from '../../server/services/tenants/tenants.js';
import { runCli } from '../helpers/cli.js';
import { dialects, openTestStore, type TestStore } from '../helpers/db.js';
import { TEST_SECRET } from '../helpers/app.js';
import { seedSubject } from '../helpers/subject-fixtures.js';

const header = 'externalId,purpose,channel,decision,capturedAt,source,locale,configVersion';

describe.each(dialects)('import consents on %s', (dialect) => {
  let ts: TestStore;
  let ctx: AppContext;
  let tenantId: string;
  let dir: string;
  beforeEach(async () => {
    ts = await openTestStore(dialect);
    ctx = createContext({
      db: ts.store,
      config: loadConfig({ DATABASE_URL: ts.url, AKKOORD_SECRET: TEST_SECRET }),
    });
    tenantId = (await createTenant(ctx, { name: 'Shop BV', allowedOrigins: [] })).tenant.id;
    await publishConfig(ctx, tenantId, demoConfig('https://shop.example'), 'test');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'akkoord-import-'));
  });
  afterEach(async () => {
    await ts.cleanup();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const csv = (name: string, lines: string[]) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, lines.join('\n') + '\n');
    return file;
  };
  const importCsv = (file: string, ...extra: string[]) =>
    runCli(['import', 'consents', file, '--tenant', tenantId, ...extra], { DATABASE_URL: ts.url });
  const ledgerRows = () =>
    ctx.db
      .selectFrom('consent_events')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .orderBy('seq')
      .execute();

  const withOneBadLine = [
    header,
    'c-1,analytics,,granted,2026-01-10T09:00:00Z,paper-form,nl,1',
    'c-1,newsletter,email,granted,2026-01-10T09:00:00Z,paper-form,,',
    'c-2,ads,,maybe,2026-01-11T09:00:00Z,,,',
    'c-3,newsletter,sms,withdrawn,2026-01-12T10:00:00+01:00,crm-export,en,1',
  ];

  it('reports the one bad line and imports nothing (exit 1)', async () => {
    const run = await importCsv(csv('one-bad.csv', withOneBadLine));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('1 of 4 rows are invalid; nothing was imported');
    expect(run.stderr).toMatch(/line 4: decision must be one of granted, denied, withdrawn/);
    expect(run.stderr).not.toMatch(/line [235]:/);
    expect(await ledgerRows()).toHaveLength(0);
    expect(
      await ctx.db.selectFrom('subjects').select('id').where('tenant_id', '=', tenantId).execute(),
    ).toHaveLength(0);
  });

  it('with --skip-invalid imports the rest through the ledger, with source import and the capture time', async () => {
    const run = await importCsv(csv('one-bad.csv', withOneBadLine), '--skip-invalid', '--json');
    expect(run.code, run.stderr).toBe(0);
    expect(run.json()).toMatchObject({
      rows: 4,
      imported: 3,
      skipped: 1,
      ledgerEvents: 3,
      invalid: [{ line: 4 }],
    });
    const rows = await ledgerRows();
    expect(
      rows.map((r) => [
        r.purpose,
        r.channel,
        r.status,
        r.source,
        r.captured_at,
        r.client_event_id,
        r.locale,
      ]),
    ).toEqual([
      ['analytics', '', 'granted', 'import', '2026-01-10T09:00:00.000Z', 'import:paper-form', 'nl'],
      [
        'newsletter',
        'email',
        'granted',
        'import',
        '2026-01-10T09:00:00.000Z',
        'import:paper-form',
        'nl',
      ],
      [
        'newsletter',
        'sms',
        'withdrawn',
        'import',
        '2026-01-12T09:00:00.000Z',
        'import:crm-export',
        'en',
      ],
    ]);
    const subjects = await ctx.db
      .selectFrom('subjects')
      .select(['id', 'external_id'])
      .where('tenant_id', '=', tenantId)
      .orderBy('external_id')
      .execute();
    expect(subjects.map((s) => s.external_id)).toEqual(['c-1', 'c-3']);
    // Expiry counts from when consent was given, not from the import (consentTtlDays 365).
    const state = await ctx.db
      .selectFrom('consent_state')
      .selectAll()
      .where('subject_id', '=', subjects[0].id)
      .where('purpose', '=', 'analytics')
      .executeTakeFirstOrThrow();
    expect(state.expires_at).toBe('2027-01-10T09:00:00.000Z');
    const feed = await ctx.db
      .selectFrom('feed_events')
      .select(['type', 'data'])
      .where('tenant_id', '=', tenantId)
      .execute();
    expect(
      feed.filter((f) => f.type === 'consent.updated').map((f) => JSON.parse(f.data).source),
    ).toEqual(['import', 'import', 'import']);
    const verify = await runCli(['verify', '--tenant', tenantId, '--json'], {
      DATABASE_URL: ts.url,
    });
    expect(verify.json()).toMatchObject({ ok: true, tenants: [{ events: 3 }] });
  });

  it('GDPR-12: a granted row already past its lifetime is kept as history but not reported as imported', async () => {
    const longAgo = new Date(Date.now() - 400 * 86_400_000).toISOString();
    const run = await importCsv(
      csv('old.csv', [header, `c-9,newsletter,email,granted,${longAgo},paper-form,nl,`]),
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Imported 0 of 1 rows');
    expect(run.stdout).toContain('1 granted rows were already expired on arrival');
    const json = await importCsv(
      csv('old-again.csv', [header, `c-8,newsletter,email,granted,${longAgo},paper-form,nl,`]),
      '--json',
    );
    expect(json.json()).toMatchObject({ rows: 1, imported: 0, expiredOnArrival: 1 });
    // The ledger keeps it as proof of what was given, and it counts as expired.
    const state = await ctx.db
      .selectFrom('consent_state')
      .select(['status', 'expires_at'])
      .where('purpose', '=', 'newsletter')
      .execute();
    expect(state).toHaveLength(2);
    for (const row of state) expect(row.expires_at! < new Date().toISOString()).toBe(true);
  });

  it('GDPR-25: people imported with an e-mail address get the Art. 14 notice as after the API, unless informedAt says they were told', async () => {
    const withAddress = `${header},email,informedAt`;
    const run = await importCsv(
      csv('with-email.csv', [
        withAddress,
        'n-1,newsletter,email,granted,2026-01-10T09:00:00Z,beurs-2026,nl,,Nieuw@Example.nl,',
        'n-1,analytics,,granted,2026-01-10T09:00:00Z,beurs-2026,nl,,Nieuw@Example.nl,', // the same person: one notice
        'n-2,newsletter,email,granted,2026-01-10T09:00:00Z,beurs-2026,nl,,told@example.nl,2026-01-10T09:05:00Z',
        'n-3,newsletter,email,granted,2026-01-10T09:00:00Z,beurs-2026,nl,,,', // no address: no notice possible
      ]),
      '--json',
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.json()).toMatchObject({
      imported: 4,
      informationNotices: { opened: 1, informed: 1 },
    });
    const requests = await ctx.db
      .selectFrom('requests')
      .innerJoin('subjects', 'subjects.id', 'requests.subject_id')
      .select([
        'subjects.external_id',
        'requests.status',
        'requests.scope',
        'requests.outcome',
        'requests.due_at',
        'requests.received_at',
      ])
      .where('requests.tenant_id', '=', tenantId)
      .where('requests.type', '=', 'information_notice')
      .orderBy('subjects.external_id')
      .execute();
    expect(requests.map((r) => [r.external_id, r.status, JSON.parse(r.scope)])).toEqual([
      ['n-1', 'received', { dataSource: 'beurs-2026', via: 'import' }],
      ['n-2', 'completed', { dataSource: 'beurs-2026', via: 'import' }],
    ]);
    expect(JSON.parse(requests[1].outcome!)).toEqual({
      via: 'tool',
      informedAt: '2026-01-10T09:05:00.000Z',
    });
    // The address is stored sealed, like the API's; the notice job mails the open notice in the person's language.
    const stored = await ctx.db
      .selectFrom('subjects')
      .select(['email_enc', 'email_hash'])
      .where('external_id', '=', 'n-1')
      .executeTakeFirstOrThrow();
    expect(stored.email_enc).not.toContain('@');
    expect(ctx.keyring.decrypt(stored.email_enc!)).toBe('nieuw@example.nl');
    expect(await sendInformationNotices(ctx, { tenantId })).toBe(1);
    const mail = await ctx.db
      .selectFrom('outbox')
      .select(['to_enc', 'body_enc'])
      .where('tenant_id', '=', tenantId)
      .executeTakeFirstOrThrow();
    expect(ctx.keyring.decrypt(mail.to_enc)).toBe('nieuw@example.nl');
    const body = JSON.parse(ctx.keyring.decrypt(mail.body_enc)) as { text: string };
    expect(body.text).toContain('beurs-2026');
    // A second import of the same person opens no second notice.
    const again = await importCsv(
      csv('again.csv', [
        withAddress,
        'n-1,newsletter,email,withdrawn,2026-01-11T09:00:00Z,beurs-2026,nl,,nieuw@example.nl,',
      ]),
      '--json',
    );
    expect(again.json()).toMatchObject({ informationNotices: { opened: 0, informed: 0 } });
  });

  it('refuses an invalid e-mail address or informedAt by line, without the value', async () => {
    const run = await importCsv(
      csv('bad-email.csv', [
        `${header},email,informedAt`,
        'b-1,newsletter,email,granted,2026-01-10T09:00:00Z,,,,not-an-address,',
        'b-2,newsletter,email,granted,2026-01-10T09:00:00Z,,,,ok@example.nl,yesterday',
      ]),
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/line 2: [^\n]*email must be an e-mail address/);
    expect(run.stderr).toMatch(/line 3: [^\n]*informedAt must be an ISO 8601 time/);
    expect(run.stderr).not.toContain('not-an-address');
  });

  it('names every kind of bad row with its line and column, never its value', async () => {
    const future = new Date(Date.now() + 86_400_000).toISOString();
    await seedSubject(ctx, tenantId, { externalId: 'erased-one' });
    const erased = await ctx.db
      .selectFrom('subjects')
      .select('id')
      .where('external_id', '=', 'erased-one')
      .executeTakeFirstOrThrow();
    await eraseSubject(ctx, {
      tenantId,
      subjectId: erased.id,
      scope: { all: true },
      actor: 'test',
    });
    const file = csv('many-bad.csv', [
      header,
      'ok-1,analytics,,granted,2026-01-10T09:00:00Z,,,', // 2 fine
      'secret@example.nl,nosuch,,granted,2026-01-10T09:00:00Z,,,', // 3 unknown purpose
      'ok-2,analytics,email,granted,2026-01-10T09:00:00Z,,,', // 4 channel on a website purpose
      'ok-3,newsletter,,granted,2026-01-10T09:00:00Z,,,', // 5 channel missing
      'ok-4,necessary,,denied,2026-01-10T09:00:00Z,,,', // 6 required purpose refused
      `ok-5,analytics,,granted,${future},,,`, // 7 future
      'ok-6,analytics,,granted,10/01/2026,,,', // 8 not ISO
      'ok-7,analytics,,granted,2026-01-10T09:00:00Z,,fr,', // 9 locale
      'ok-8,analytics,,granted,2026-01-10T09:00:00Z,,,7', // 10 version
      'ok-9,analytics,,granted,2026-01-10T09:00:00Z,call centre Jan,,', // 11 source not a label
      'erased-one,analytics,,granted,2026-01-10T09:00:00Z,,,', // 12 erased person
      ',analytics,,granted,2026-01-10T09:00:00Z,,,', // 13 no externalId
      'ok-10,analytics,,granted', // 14 too few columns
    ]);
    const run = await importCsv(file);
    expect(run.code).toBe(1);
    const expected: Array<[number, RegExp]> = [
      [3, /purpose is not in configuration version 1/],
      [4, /channel must be empty for a website purpose/],
      [5, /channel must be one of email, sms/],
      [6, /a required purpose cannot be refused/],
      [7, /capturedAt is in the future/],
      [8, /capturedAt must be an ISO 8601 time/],
      [9, /locale must be one of nl, en/],
      [10, /configuration version 7 does not exist/],
      [11, /source must be a label/],
      [12, /this person was erased/],
      [13, /externalId must be 1 to 200 characters/],
      [14, /wrong number of columns/],
    ];
    for (const [line, message] of expected)
      expect(run.stderr).toMatch(new RegExp(`line ${line}: [^\\n]*${message.source}`));
    expect(run.stderr).not.toMatch(/line 2:/);
    expect(run.stderr).not.toContain('secret@example.nl');
    expect(run.stderr).not.toContain('Jan');
    expect(await ledgerRows()).toHaveLength(0);
  });

  it('refuses a file with a wrong header, a missing file and an unknown tenant with a clear message', async () => {
    const wrong = await importCsv(csv('wrong.csv', ['id,purpose,decision', 'a,analytics,granted']));
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('line 1: the header is not one this import understands');
    expect(wrong.stderr).toContain('missing column "externalId"');
    expect(wrong.stderr).toContain('unknown column "id"');
    const missing = await importCsv(path.join(dir, 'nope.csv'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('No such file');
    const unknown = await runCli(
      [
        'import',
        'consents',
        csv('ok.csv', [header, 'a,analytics,,granted,2026-01-10T09:00:00Z,,,']),
        '--tenant',
        'ten_nope',
      ],
      { DATABASE_URL: ts.url },
    );
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No tenant with id ten_nope');
  });
});
