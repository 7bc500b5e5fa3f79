// No GET changes state. Every GET operation in /openapi.json is called twice, through
// real HTTP, with the credentials it is meant for (a secret key with every scope, the
// operator token, the public key, a confirmed preference-center session, live link
// tokens), and the whole database is dumped before, between and after: the dumps must
// be identical. A GET that filed a request, used a token, moved a cursor or wrote an
// audit entry would show up as a changed row.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scopes } from '../../shared/scopes.js';
import { dialects } from '../helpers/db.js';
import { listTables } from '../helpers/tenant-data.js';
import {
  ADMIN_TOKEN,
  createTestTenant,
  fixedClock,
  startTestApp,
  type TestApp,
  type TestTenant,
} from '../helpers/app.js';
import {
  addPerson,
  capturingMailer,
  cookieFrom,
  exchange,
  PC_ORIGIN,
  tokenOf,
  type CapturingMailer,
} from '../helpers/me.js';

interface OpenApiOperation {
  security?: Array<Record<string, string[]>>;
  parameters: Array<{ name: string; in: 'path' | 'query'; required?: boolean }>;
}
type OpenApi = { paths: Record<string, Record<string, OpenApiOperation>> };

const VISITOR = 'v_0123456789abcdef0123456789abcdef';

/**
 * Left out of the comparison, and why:
 * - rate-limit counters (switched off in tests; listed so switching them on here would not
 *   fail): counting a request is not a change of anyone's data;
 * - the access log of bulk reads of personal data: the audit entry a tenant export writes
 *   names the key that read everything, which accountability asks for. It records the read
 *   itself and changes nothing else; it needs a secret key in the Authorization header, so
 *   no other site can make a browser write one. Only these actions are left out (and the
 *   audit counter they advance); any other audit entry written by a GET still fails the test.
 *   The console's reads of personal data (a look-up by e-mail, a person opened with personal
 *   fields, a request's export) are logged the same way, for the same reason; their session
 *   cookie is SameSite=Strict, so no other site can make a browser write those either.
 * - the recipient log (`disclosures`, Art. 19): a key that reads a person or pulls an audience
 *   is noted as having received their data, with ids and category names only. Like the read
 *   log above it records the read itself, needs a secret key, and changes nothing else;
 * - the insight counts (`insight_*`): a rollup of the ledger brought up to date when insights
 *   are read. They are derived from the ledger, which the comparison still covers whole, and
 *   could be rebuilt from it at any time.
 * The clock stands still: a session's idle deadline moves forward on use (at most once a
 * minute), the session's own bookkeeping rather than a change of anyone's data, and with a
 * still clock it does not move, so the sessions table is compared whole.
 */
const TECHNICAL_TABLES = new Set([
  'rate_limit_counters',
  'rate_limits',
  'disclosures',
  'insight_decisions',
  'insight_choices',
  'insight_cursors',
]);
// Reads of personal data are audited (GDPR-52): those entries are the only writes a GET may make.
const READ_LOG_ACTIONS = new Set([
  'tenant.exported',
  'subject.pii_read',
  'audience.pii_read',
  'request.export_read',
  'subject.looked_up',
]);

async function dumpDatabase(t: TestApp): Promise<Record<string, unknown[]>> {
  // The test's own tables: Kysely's introspection reads every schema of the PostgreSQL
  // database, and fails when another test drops its schema meanwhile.
  const tables = (await listTables(t)).filter((name) => !TECHNICAL_TABLES.has(name));
  const dump: Record<string, unknown[]> = {};
  for (const table of tables) {
    let rows: Array<Record<string, unknown>> = await t.ctx.db
      .selectFrom(table as 'tenants')
      .selectAll()
      .execute();
    if (table === 'audit_log')
      rows = rows.filter((row) => !READ_LOG_ACTIONS.has(String(row.action)));
    if (table === 'ledger_heads') rows = rows.map(({ audit_seq: _counter, ...rest }) => rest);
    // Row order is not a state; compare as sorted serialisations.
    dump[table] = rows
      .map((row) =>
        JSON.stringify(row, (_key, value: unknown) =>
          typeof value === 'bigint' ? String(value) : value,
        ),
      )
      .sort();
  }
  return dump;
}

describe.each(dialects)('GET changes nothing, on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  let mailer: CapturingMailer;
  let values: Record<string, string>;
  let everyScope: string;
  let session: string;

  beforeEach(async () => {
    mailer = capturingMailer();
    t = await startTestApp(dialect, { mailer, clock: fixedClock('2026-12-02T10:00:00.000Z') });
    tenant = await createTestTenant(t);
    const api = (method: string, path: string, body?: unknown) =>
      t.call(method, path, { token: tenant.secretKey, body });
    everyScope = (await (await api('POST', '/v1/keys', { scopes: [...scopes] })).json()).secretKey;

    // A tenant with something behind every GET: a person with records and consents, a
    // banner visitor, a request, a webhook, live unsubscribe and double opt-in links.
    await addPerson(t, tenant.tenantId, {
      externalId: 'crm-1',
      email: 'anna@example.com',
      attributes: { firstName: 'Anna' },
      records: { orders: [{ order: 'A-1' }] },
    });
    await addPerson(t, tenant.tenantId, { externalId: 'crm-2', email: 'bob@example.com' });
    expect(
      (
        await api('POST', '/v1/subjects/crm-1/consents', {
          decisions: { newsletter: { email: true }, analytics: true },
        })
      ).status,
    ).toBe(201);
    const config = await (
      await t.call('GET', `/v1/widget-config?key=${tenant.publicKey}`)
    )
      .json()
      .catch(() => ({}));
    const choice = await t.call('POST', '/v1/consents', {
      headers: { origin: 'https://shop.example' },
      body: {
        key: tenant.publicKey,
        visitorId: VISITOR,
        decisions: { analytics: true, ads: false },
        configVersion: (config as { version?: number }).version ?? 1,
        clientEventId: 'evt-get-1',
      },
    });
    expect(choice.status).toBe(201);
    const request = await (
      await api('POST', '/v1/requests', { subject: 'crm-1', type: 'access' })
    ).json();
    const webhook = await (
      await api('POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/hook' })
    ).json();
    const key = await (await api('GET', '/v1/keys')).json();
    const unsubscribe = (
      await (
        await api('POST', '/v1/subjects/crm-1/links', {
          kind: 'unsubscribe',
          purpose: 'newsletter',
          channel: 'email',
        })
      ).json()
    ).url as string;
    expect(
      (
        await api('POST', '/v1/subjects/crm-2/consents', {
          decisions: { newsletter: { email: true } },
          doubleOptIn: true,
        })
      ).status,
    ).toBe(201);
    const confirm = /\/c\/([A-Za-z0-9_-]{43})/.exec(
      (await mailer.waitFor('bob@example.com')).text,
    )![1];

    // A confirmed preference-center session (the e-mailed sign-in).
    await t.call('POST', '/v1/me/login', {
      body: { tenant: tenant.tenantId, email: 'anna@example.com' },
      headers: { origin: PC_ORIGIN },
    });
    // Her second mail: the first carries the download link of the completed access request.
    const started = await exchange(t, tokenOf(await mailer.waitFor('anna@example.com', 2)));
    expect(started.status).toBe(200);
    session = cookieFrom(started);
    // Every queued mail marked sent before the walk: the worker's writes are not the GETs'.
    await t.ctx.mailQueue.drain();

    // A console session too, for the console's own GETs (who am I, my passkeys).
    expect(
      (
        await t.call('POST', `/v1/admin/tenants/${tenant.tenantId}/staff`, {
          token: ADMIN_TOKEN,
          body: { email: 'olga@shop.example', role: 'owner' },
        })
      ).status,
    ).toBe(201);
    const staffToken = /#token=([A-Za-z0-9_-]{43})/.exec(
      (await mailer.waitFor('olga@shop.example')).text,
    )![1];
    const staffSession = await t.call('POST', '/console/api/session', {
      body: { token: staffToken },
      headers: { origin: PC_ORIGIN },
    });
    expect(staffSession.status).toBe(200);
    session = `${session}; ${/akkoord_console=[^;]+/.exec(staffSession.headers.get('set-cookie') ?? '')![0]}`;

    // The accountability registers: a breach, a processor and a DPIA to read back.
    const breach = await (
      await api('POST', '/v1/breaches', {
        awareAt: '2026-12-01T10:00:00.000Z',
        nature: 'A lost laptop.',
        subjectCategories: ['customers'],
        dataCategories: ['e-mail address'],
        approxSubjects: 2,
        approxRecords: 2,
        likelyConsequences: 'Phishing.',
        measures: 'Disk encryption checked.',
      })
    ).json();
    const processor = await (
      await api('POST', '/v1/processors', {
        name: 'Host BV',
        role: 'hosting',
        purposes: ['newsletter'],
        dataCategories: ['e-mail address'],
        location: 'NL',
      })
    ).json();
    expect((await api('PUT', '/v1/dpias/newsletter', { criteria: ['profiling'] })).status).toBe(
      200,
    );

    const firstKey = (key.keys ?? key.data ?? [])[0]?.id ?? 'key_x';
    values = {
      externalId: 'crm-1',
      tenantId: tenant.tenantId,
      visitorId: VISITOR,
      requestId: request.id,
      webhookId: webhook.id,
      keyId: firstKey,
      unsubscribeToken: /\/u\/([A-Za-z0-9_-]{43})/.exec(unsubscribe)![1],
      confirmToken: confirm,
      subject: 'crm-1',
      purpose: 'newsletter',
      channel: 'email',
      key: tenant.publicKey,
      format: 'json',
      dataset: 'orders',
      email: 'anna@example.com',
      from: '2026-12-01T00:00:00.000Z',
      to: '2026-12-03T00:00:00.000Z',
      breachId: breach.id,
      processorId: processor.id,
    };
  });
  afterEach(async () => t.close());

  /** The concrete URL for a documented GET: path parameters filled in, required query parameters given. */
  function urlFor(path: string, op: OpenApiOperation): string {
    const pathValue = (name: string): string => {
      if (name === 'token')
        return path.startsWith('/c/') ? values.confirmToken : values.unsubscribeToken;
      if (name === 'id') {
        if (path.startsWith('/v1/admin/tenants/')) return values.tenantId;
        if (path.includes('/breaches/')) return values.breachId;
        if (path.includes('/processors/')) return values.processorId;
        return path.includes('/webhooks/')
          ? values.webhookId
          : path.includes('/requests/')
            ? values.requestId
            : path.includes('/keys/')
              ? values.keyId
              : 'x';
      }
      return values[name] ?? 'x';
    };
    const filled = path.replace(/\{(\w+)\}/g, (_whole, name: string) =>
      encodeURIComponent(pathValue(name)),
    );
    const query = new URLSearchParams();
    // Every query parameter we have a meaningful value for, and the required ones whatever they are.
    for (const p of op.parameters.filter(
      (x) => x.in === 'query' && (x.required || x.name in values),
    ))
      query.set(p.name, values[p.name] ?? 'x');
    return query.size > 0 ? `${filled}?${query}` : filled;
  }

  /** The credentials an operation is meant for, as its caller would send them. */
  function headersFor(op: OpenApiOperation): Record<string, string> {
    const schemes = new Set((op.security ?? []).flatMap((s) => Object.keys(s)));
    const headers: Record<string, string> = { cookie: session, origin: PC_ORIGIN };
    if (schemes.has('adminToken')) headers.authorization = `Bearer ${ADMIN_TOKEN}`;
    else if (schemes.has('secretKey')) headers.authorization = `Bearer ${everyScope}`;
    return headers;
  }

  it('walks every GET in /openapi.json twice and the database stays byte for byte the same', async () => {
    const doc = (await (await t.call('GET', '/openapi.json')).json()) as OpenApi;
    const gets = Object.entries(doc.paths).flatMap(([path, ops]) =>
      ops.get ? [{ path, op: ops.get }] : [],
    );
    expect(gets.length).toBeGreaterThan(25);

    const before = await dumpDatabase(t);
    const statuses: Record<string, number> = {};
    for (const round of [1, 2]) {
      for (const { path, op } of gets) {
        const res = await t.call('GET', urlFor(path, op), { headers: headersFor(op) });
        await res.arrayBuffer();
        statuses[path] = res.status;
        expect(res.status, `${path} (round ${round})`).toBeLessThan(500);
      }
      expect(await dumpDatabase(t), `after round ${round}`).toEqual(before);
    }
    // Each tenant export (by the tenant's key, by the operator), each look-up by e-mail and each read of a
    // person's data (subject, audience with e-mail and phone, access export) left one access-log entry per round.
    const auditedReads = gets.filter((g) =>
      /^\/v1\/((admin\/tenants\/\{id\}\/)?export|subjects|subjects\/\{externalId\}|audience|requests\/\{id\}\/export)$/.test(
        g.path,
      ),
    ).length;
    expect(auditedReads).toBe(6);
    const readLog = await t.ctx.db
      .selectFrom('audit_log')
      .select('action')
      .where('action', 'in', [...READ_LOG_ACTIONS])
      .execute();
    expect(readLog).toHaveLength(2 * auditedReads);
    // The walk reached the operations themselves, not only their refusals.
    const refused = Object.entries(statuses).filter(
      ([, status]) => status === 401 || status === 403,
    );
    expect(refused).toEqual([]);
    const answered = Object.values(statuses).filter(
      (status) => status >= 200 && status < 300,
    ).length;
    expect(answered / gets.length, JSON.stringify(statuses)).toBeGreaterThan(0.85);
  });
});
