// Art. 15(1)-(2) in full: beside the copy of their data, the person's export names the
// recipients, transfers with their safeguard, retention per purpose, the source, the
// data protection officer and any automated decisions, taken from the tenant's
// register fields (PUT /v1/tenant/settings), in the request export and /v1/me/export alike.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { demoConfig } from '../../server/services/config/demo.js';
import { createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.js';
import { dialects } from '../helpers/db.js';
import { capturingMailer, signIn, type CapturingMailer } from '../helpers/me.js';

const ropa = {
  dpo: { name: 'J. de Vries', contact: 'fg@shop.example' },
  recipients: [
    { name: 'PostNL', category: 'parcel delivery', purposes: ['necessary'] },
    { name: 'Accountant BV', category: 'accountant' },
  ],
  transfers: [
    {
      recipient: 'Zendesk',
      country: 'US',
      safeguard: 'standard_contractual_clauses',
      details: 'SCC module 2',
      purposes: ['necessary'],
    },
  ],
  automatedDecisions: [
    {
      description: 'Fraud scoring of orders',
      logic: 'A score from order value, address history and payment method',
      consequences: 'An order above the threshold is held for a manual check',
      purposes: ['necessary'],
    },
  ],
};

describe.each(dialects)('the Art. 15 information on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  let mailer: CapturingMailer;
  const config = demoConfig('https://shop.example');
  beforeEach(async () => {
    mailer = capturingMailer();
    t = await startTestApp(dialect, { mailer });
    config.purposes[1].ttlDays = 180;
    config.purposes[3].retentionDays = 400;
    tenant = await createTestTenant(t, config);
  });
  afterEach(async () => {
    await t.close();
  });
  const call = (method: string, path: string, body?: unknown) =>
    t.call(method, path, { token: tenant.secretKey, body });

  it('GDPR-30: the export lists recipients, transfers with safeguards, retention per purpose, the source, the DPO and automated decisions', async () => {
    expect((await call('PUT', '/v1/tenant/settings', { ropa })).status).toBe(200);
    expect(
      (await call('PUT', '/v1/subjects/crm-15', { email: 'vijftien@example.com' })).status,
    ).toBe(201);
    const me = await signIn(t, mailer, tenant.tenantId, 'vijftien@example.com');
    const request = (await (
      await call('POST', '/v1/requests', { subject: 'crm-15', type: 'access', scope: {} })
    ).json()) as { id: string };
    const info = (
      (await (await call('GET', `/v1/requests/${request.id}/export?format=json`)).json()) as {
        information: any;
      }
    ).information;
    expect(info.dpo).toEqual({ name: 'J. de Vries', contact: 'fg@shop.example' });
    expect(info.purposes.find((p: { key: string }) => p.key === 'necessary').recipients).toContain(
      'PostNL (parcel delivery)',
    );
    expect(info.recipients).toEqual(
      expect.arrayContaining(['PostNL (parcel delivery)', 'Accountant BV (accountant)']),
    );
    expect(info.transfers).toContainEqual({
      recipient: 'Zendesk',
      country: 'US',
      safeguard: 'standard_contractual_clauses',
      details: 'SCC module 2',
    });
    expect(info.retention.perPurpose).toEqual(
      expect.arrayContaining([
        {
          purpose: 'analytics',
          retentionDays: config.purposes[1].retentionDays ?? null,
          consentDays: 180,
        },
        { purpose: 'newsletter', retentionDays: 400, consentDays: 365 },
        { purpose: 'necessary', retentionDays: null, consentDays: null },
      ]),
    );
    expect(info.sources.map((s: { source: string }) => s.source)).toEqual(['api']);
    expect(info.automatedDecisions).toEqual([{ ...ropa.automatedDecisions[0] }]);
    expect(info.automatedDecisionMaking).toMatch(/geautomatiseerde middelen/);

    const csv = await (await call('GET', `/v1/requests/${request.id}/export?format=csv`)).text();
    expect(csv).toContain('information,dpo,,contact,fg@shop.example');
    expect(csv).toContain(
      'information.automatedDecisions,1,,logic,"A score from order value, address history and payment method"',
    );
    expect(csv).toContain('information.retention,newsletter,,retentionDays,400');

    // The person's own download says the same.
    const own = (await (await me.call('POST', '/v1/me/export', { format: 'json' })).json()) as {
      information: any;
    };
    expect(own.information.dpo).toEqual(ropa.dpo);
    expect(own.information.automatedDecisions).toHaveLength(1);
  });

  it('GDPR-30: without register fields the export says no DPO is named and no automated decisions are made', async () => {
    await call('PUT', '/v1/subjects/crm-16', { email: 'zestien@example.com' });
    const request = (await (
      await call('POST', '/v1/requests', { subject: 'crm-16', type: 'access', scope: {} })
    ).json()) as { id: string };
    const info = (
      (await (await call('GET', `/v1/requests/${request.id}/export?format=json`)).json()) as {
        information: any;
      }
    ).information;
    expect(info.dpo).toBeNull();
    expect(info.automatedDecisions).toEqual([]);
    expect(info.automatedDecisionMaking).toMatch(/geen besluiten/);
  });
});
