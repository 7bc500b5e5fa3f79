// Names are one line (GDPR-51: the register and notices must read as written): a tenant,
// purpose, controller or register party name with CR, LF or another control character
// is refused with 400 naming the field, before it can forge a line in a mail header,
// a CSV or Markdown register, or a log.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { demoConfig } from '../../server/services/config/demo.js';
import {
  ADMIN_TOKEN,
  createTestTenant,
  startTestApp,
  TEST_SECRET,
  type TestApp,
  type TestTenant,
} from '../helpers/app.js';
import { runCli } from '../helpers/cli.js';
import { dialects } from '../helpers/db.js';

const controls = [
  '\r\n',
  '\n',
  '\r',
  '\t',
  '\u0000',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u009b',
  '\u2028',
];

async function issues(res: Response): Promise<Array<{ path: string; message: string }>> {
  expect(res.status).toBe(400);
  const body = (await res.json()) as {
    error: { code: string; issues: Array<{ path: string; message: string }> };
  };
  expect(body.error.code).toBe('VALIDATION_FAILED');
  return body.error.issues;
}

describe.each(dialects)('names with control characters on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  beforeEach(async () => {
    t = await startTestApp(dialect);
    tenant = await createTestTenant(t);
  });
  afterEach(async () => t.close());

  it('GDPR-51: a tenant name with any C0/C1 control, DEL or a line separator is refused with 400 naming the field', async () => {
    for (const control of controls) {
      const res = await t.call('POST', '/v1/admin/tenants', {
        token: ADMIN_TOKEN,
        body: { name: `Shop${control}BV`, allowedOrigins: [] },
      });
      const found = await issues(res);
      expect(found, JSON.stringify(control)).toEqual([
        expect.objectContaining({
          path: 'name',
          message: expect.stringContaining('The tenant name must be one line'),
        }),
      ]);
    }
    // Also at the ends, where trimming would otherwise have hidden it.
    await issues(
      await t.call('POST', '/v1/admin/tenants', {
        token: ADMIN_TOKEN,
        body: { name: 'Shop BV\n' },
      }),
    );
    const fine = await t.call('POST', '/v1/admin/tenants', {
      token: ADMIN_TOKEN,
      body: { name: 'Café Zoë & Søn — Ünïcode 🍰' },
    });
    expect(fine.status).toBe(201);
  });

  it('GDPR-51: purpose names, the controller and config lists are one line; descriptions may still span lines', async () => {
    const put = (config: unknown) =>
      t.call('PUT', '/v1/config', { token: tenant.secretKey, body: config });
    const purposeName = demoConfig('https://shop.example');
    purposeName.purposes[1]!.text.nl = {
      name: 'Statistieken\r\nBcc: x@evil.example',
      description: 'line one\nline two',
    };
    expect(await issues(await put(purposeName))).toEqual([
      expect.objectContaining({
        path: 'purposes.1.text.nl.name',
        message: expect.stringContaining('A purpose name must be one line'),
      }),
    ]);

    const controller = demoConfig('https://shop.example');
    controller.controller = { name: 'Shop\nBV', contact: 'privacy@shop.example\r' };
    expect((await issues(await put(controller))).map((i) => i.path).sort()).toEqual([
      'controller.contact',
      'controller.name',
    ]);

    const lists = demoConfig('https://shop.example');
    lists.purposes[1]!.recipients = ['Google\u0085Ireland'];
    lists.purposes[1]!.dataCategories = ['usage\tdata'];
    lists.retention = { records: { 'orders\r\n': 30 } };
    expect((await issues(await put(lists))).map((i) => i.path).sort()).toEqual([
      'purposes.1.dataCategories.0',
      'purposes.1.recipients.0',
      'retention.records.orders\r\n',
    ]);

    const multiLineDescription = demoConfig('https://shop.example');
    multiLineDescription.purposes[1]!.text.nl!.description = 'line one\nline two';
    expect((await put(multiLineDescription)).status).toBe(201);
  });

  it('GDPR-51: register parties, recipients and categories in the tenant settings are one line', async () => {
    const res = await t.call('PUT', '/v1/tenant/settings', {
      token: tenant.secretKey,
      body: {
        ropa: {
          dpo: { name: 'P. de Vries\r\n', contact: 'dpo@shop.example' },
          recipients: [{ name: 'Mail\nProvider' }],
          dataSubjectCategories: ['customers\u0007'],
          transfers: [
            {
              recipient: 'US\tInc',
              country: 'US',
              safeguard: 'standard_contractual_clauses',
              details: 'clause 1\nclause 2',
            },
          ],
        },
      },
    });
    const found = await issues(res);
    expect(found.map((i) => i.path).sort()).toEqual([
      'ropa.dataSubjectCategories.0',
      'ropa.dpo.name',
      'ropa.recipients.0.name',
      'ropa.transfers.0.recipient',
    ]);
    expect(found.find((i) => i.path === 'ropa.dpo.name')!.message).toContain(
      'The data protection officer name must be one line',
    );
  });
});

describe('the akkoord command', () => {
  it('GDPR-51: refuses a tenant name with a line break, naming the field', async () => {
    const run = await runCli(['tenant', 'create', 'Shop\nBV'], {
      DATABASE_URL: 'sqlite::memory:',
      AKKOORD_SECRET: TEST_SECRET,
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('The tenant name must be one line');
  }, 30_000);
});
