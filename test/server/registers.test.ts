// The processors and DPIA registers over real HTTP on both databases, and the register
// of processing activities built from them: recipients and transfers per activity, no
// duplicates, DPIA status per activity, retention conflicts, and a Dutch version.
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect } from 'vitest';
import { demoConfig } from '../../server/services/config/demo.js';
import {
  ADMIN_TOKEN,
  createTestTenant,
  fixedClock,
  type TestApp,
  type TestTenant,
} from '../helpers/app.js';
import { it } from '../helpers/app-fixture.js';
import { dialects } from '../helpers/db.js';
import { serveOverHttp, type HttpApp } from '../helpers/http.js';

const mailchimp = {
  name: 'Mailchimp',
  role: 'e-mail service provider',
  purposes: ['newsletter'],
  dataCategories: ['e-mail address', 'first name'],
  subProcessors: [
    { name: 'Amazon Web Services', location: 'US', safeguard: 'standard_contractual_clauses' },
  ],
  location: 'US',
  safeguard: 'standard_contractual_clauses',
  transferDetails: 'SCC module 3 with the EU-US Data Privacy Framework',
  agreementDate: '2025-03-01',
  agreementLocation: 'Contracts drive, folder Verwerkersovereenkomsten',
  reviewDate: '2026-03-01',
};
const google = {
  name: 'Google Ireland',
  role: 'analytics and advertising',
  purposes: ['analytics', 'ads'],
  dataCategories: ['online identifiers'],
  subProcessors: [{ name: 'Google LLC', location: 'US', safeguard: 'adequacy_decision' }],
  location: 'IE',
  agreementDate: '2024-06-01',
  agreementLocation: 'Google Ads console',
  reviewDate: '2027-06-01',
};
const hosting = {
  name: 'Hosting BV',
  role: 'hosting',
  purposes: ['necessary', 'analytics', 'ads', 'newsletter'],
  dataCategories: ['all data of the shop'],
  location: 'NL',
};

describe.each(dialects)('GDPR-51 processors and DPIA registers on %s', (dialect) => {
  let t: TestApp;
  let h: HttpApp;
  let tenant: TestTenant;
  const clock = fixedClock('2026-12-01T08:00:00.000Z');

  beforeEach(() => {
    clock.set('2026-12-01T08:00:00.000Z');
  });
  it.override({ dialect, appOptions: { clock } });
  it.beforeEach(async ({ app }) => {
    t = app;
    h = await serveOverHttp(t);
    const config = demoConfig('https://shop.example');
    // Inactive people erased after 3 years, orders kept 7 (tax law): the two rules contradict.
    config.retention = { inactiveSubjectDays: 1095, records: { orders: 2555 } };
    config.purposes[3].recipients = ['Mailchimp'];
    tenant = await createTestTenant(t, config);
  });
  afterEach(async () => {
    await h.close();
  });

  const call = (method: string, path: string, body?: unknown, token = tenant.secretKey) =>
    h.call(method, path, { token, body });
  const json = async (res: Response | Promise<Response>) => (await res).json() as Promise<any>;

  it('GDPR-51: keeps processors with their agreement, location and safeguard, flags overdue reviews, and checks purposes and safeguards', async () => {
    const created = await call('POST', '/v1/processors', mailchimp);
    expect(created.status).toBe(201);
    const view = (await created.json()) as Record<string, any>;
    expect(view).toMatchObject({
      name: 'Mailchimp',
      location: 'US',
      safeguard: 'standard_contractual_clauses',
      reviewOverdue: true,
      agreementMissing: false,
    });
    expect((await call('POST', '/v1/processors', hosting)).status).toBe(201);
    expect(await (await h.call('GET', '/metrics')).text()).toMatch(
      /^akkoord_register_reviews_overdue\{register="processors"\} 1$/m,
    );
    const list = await json(call('GET', '/v1/processors'));
    expect(list.processors.map((p: { name: string }) => p.name)).toEqual([
      'Hosting BV',
      'Mailchimp',
    ]);
    expect(list.processors[0]).toMatchObject({ agreementMissing: true, reviewOverdue: false });

    // Outside the EEA without a safeguard, for the processor and for a sub-processor.
    const bad = await call('POST', '/v1/processors', { ...mailchimp, safeguard: null });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.issues.map((i: { path: string }) => i.path)).toContain(
      'safeguard',
    );
    expect(
      (
        await call('POST', '/v1/processors', {
          ...google,
          subProcessors: [{ name: 'X', location: 'CN' }],
        })
      ).status,
    ).toBe(400);
    expect(
      (await call('POST', '/v1/processors', { ...hosting, purposes: ['loyalty'] })).status,
    ).toBe(422);
    // A name is one line: it becomes a row of the CSV register and a line of the Markdown one.
    const forged = await call('POST', '/v1/processors', {
      ...hosting,
      name: 'Host\n## Forged heading',
    });
    expect(forged.status).toBe(400);
    expect((await forged.json()).error.issues.map((i: { path: string }) => i.path)).toContain(
      'name',
    );

    const updated = await call('PUT', `/v1/processors/${view.id}`, {
      ...mailchimp,
      reviewDate: '2027-03-01',
    });
    expect(await updated.json()).toMatchObject({ id: view.id, reviewOverdue: false });
    expect((await call('DELETE', `/v1/processors/${view.id}`)).status).toBe(204);
    expect((await call('GET', `/v1/processors/${view.id}`)).status).toBe(404);

    const auditor = (await json(call('POST', '/v1/keys', { scopes: ['audit:read'] })))
      .secretKey as string;
    expect((await call('GET', '/v1/processors', undefined, auditor)).status).toBe(200);
    expect((await call('POST', '/v1/processors', hosting, auditor)).status).toBe(403);
    const actions = (
      await t.ctx.db
        .selectFrom('audit_log')
        .select('action')
        .where('action', 'like', 'processor.%')
        .orderBy('seq')
        .execute()
    ).map((a) => a.action);
    expect(actions).toEqual([
      'processor.added',
      'processor.added',
      'processor.updated',
      'processor.removed',
    ]);
  });

  it('GDPR-51: a DPIA per purpose: required from the checklist, completed with its residual risk, prior consultation and review signals', async () => {
    const checklist = await json(call('GET', '/v1/dpias/checklist?lang=nl'));
    expect(checklist.criteria.length).toBeGreaterThanOrEqual(10);
    expect(checklist.criteria.find((c: { key: string }) => c.key === 'profiling').label).toContain(
      'profilering',
    );

    const empty = await json(call('GET', '/v1/dpias'));
    expect(empty).toEqual({
      dpias: [],
      unassessed: ['necessary', 'analytics', 'ads', 'newsletter'],
    });

    expect(
      (
        await call('PUT', '/v1/dpias/ads', {
          criteria: ['profiling', 'behaviour_monitoring'],
          status: 'completed',
        })
      ).status,
    ).toBe(400);
    const ads = await json(
      call('PUT', '/v1/dpias/ads', {
        criteria: ['profiling', 'behaviour_monitoring'],
        status: 'completed',
        date: '2025-01-10',
        residualRisk: 'high',
        reviewDate: '2026-01-10',
      }),
    );
    expect(ads).toMatchObject({
      purpose: 'ads',
      required: true,
      status: 'completed',
      priorConsultationNeeded: true,
      reviewOverdue: true,
    });
    expect(await (await h.call('GET', '/metrics')).text()).toMatch(
      /^akkoord_register_reviews_overdue\{register="dpias"\} 1$/m,
    );
    const consulted = await json(
      call('PUT', '/v1/dpias/ads', {
        criteria: ['profiling', 'behaviour_monitoring'],
        status: 'completed',
        date: '2025-01-10',
        residualRisk: 'high',
        priorConsultationAt: '2025-02-01',
        priorConsultationReference: 'AP z2025-0042',
        reviewDate: '2027-01-10',
      }),
    );
    expect(consulted).toMatchObject({ priorConsultationNeeded: false, reviewOverdue: false });
    const necessary = await json(
      call('PUT', '/v1/dpias/necessary', { criteria: [], status: 'not_started' }),
    );
    expect(necessary.required).toBe(false);
    expect((await call('PUT', '/v1/dpias/loyalty', { criteria: [] })).status).toBe(404);

    const list = await json(call('GET', '/v1/dpias'));
    expect(list.dpias.map((d: { purpose: string }) => d.purpose)).toEqual(['ads', 'necessary']);
    expect(list.unassessed).toEqual(['analytics', 'newsletter']);
    expect((await call('DELETE', '/v1/dpias/necessary')).status).toBe(204);
    expect((await call('GET', '/v1/dpias/necessary')).status).toBe(404);
  });

  it('GDPR-51: the ROPA takes recipients and transfers per activity from the processors, once each, and matches both registers', async () => {
    await call('PUT', '/v1/tenant/settings', {
      ropa: {
        dpo: { name: 'P. de Vries', contact: 'dpo@shop.example' },
        recipients: [
          { name: 'Accountant BV', category: 'accountant' },
          { name: 'mailchimp', category: 'newsletters', purposes: ['newsletter'] },
        ],
        dataSubjectsByPurpose: { newsletter: ['newsletter subscribers'] },
      },
    });
    for (const p of [mailchimp, google, hosting])
      expect((await call('POST', '/v1/processors', p)).status).toBe(201);
    await call('PUT', '/v1/dpias/ads', {
      criteria: ['profiling'],
      status: 'in_progress',
      residualRisk: 'medium',
      reviewDate: '2026-06-01',
    });

    const doc = await json(call('GET', '/v1/ropa'));
    const activity = (key: string) =>
      doc.activities.find((a: { purpose: string }) => a.purpose === key);
    // Strictly necessary: only the host, no marketing recipients, no transfers.
    expect(activity('necessary').recipients).toEqual(['Hosting BV (hosting)']);
    expect(activity('necessary').thirdCountryTransfers).toEqual([]);
    // Newsletter: Mailchimp once (config, settings and processors all name it), with its US transfers.
    expect(activity('newsletter').recipients).toEqual(['Mailchimp', 'Hosting BV (hosting)']);
    expect(activity('newsletter').thirdCountryTransfers).toEqual([
      'Mailchimp, US: Standard contractual clauses (Art. 46(2)(c))',
      'Amazon Web Services (sub-processor of Mailchimp), US: Standard contractual clauses (Art. 46(2)(c))',
    ]);
    expect(activity('analytics').recipients).toEqual([
      'Google Ireland Ltd',
      'Google Ireland (analytics and advertising)',
      'Hosting BV (hosting)',
    ]);
    expect(activity('analytics').thirdCountryTransfers).toEqual([
      'Google LLC (sub-processor of Google Ireland), US: Adequacy decision (Art. 45)',
    ]);
    // A recipient without purposes is listed once for the organisation, not under every activity.
    expect(doc.otherRecipients).toEqual(['Accountant BV (accountant)']);
    for (const a of doc.activities) {
      expect(a.recipients.join()).not.toContain('Accountant');
      expect(new Set(a.recipients.map((r: string) => r.split(' (')[0].toLowerCase())).size).toBe(
        a.recipients.length,
      );
    }
    // Data-subject categories per activity.
    expect(activity('newsletter').dataSubjectCategories).toEqual(['newsletter subscribers']);
    expect(activity('analytics').dataSubjectCategories).toEqual(['website visitors']);

    // The ROPA agrees with the registers.
    const processors = (await json(call('GET', '/v1/processors'))).processors as Array<{
      name: string;
      purposes: string[];
      location: string;
      reviewDate: string | null;
    }>;
    expect(doc.processors.map((p: { name: string }) => p.name)).toEqual(
      processors.map((p) => p.name),
    );
    for (const a of doc.activities) {
      expect(a.processors.sort()).toEqual(
        processors
          .filter((p) => p.purposes.includes(a.purpose))
          .map((p) => p.name)
          .sort(),
      );
    }
    const dpias = await json(call('GET', '/v1/dpias'));
    for (const a of doc.activities) {
      const record = dpias.dpias.find((d: { purpose: string }) => d.purpose === a.purpose);
      if (!record) expect(a.dpia).toBeNull();
      else
        expect(a.dpia).toMatchObject({
          required: record.required,
          status: record.status,
          residualRisk: record.residualRisk,
          reviewDate: record.reviewDate,
        });
    }
    expect(activity('ads').dpia).toMatchObject({ required: true, status: 'in_progress' });

    // The retention rules contradict each other: said on the register.
    expect(doc.warnings).toHaveLength(1);
    expect(doc.warnings[0]).toContain('"orders"');
    expect(doc.warnings[0]).toContain('1095');

    const rows = parse(await (await call('GET', '/v1/ropa?format=csv')).text(), {
      columns: true,
    }) as Record<string, string>[];
    expect(rows.find((r) => r.purpose === 'newsletter')!.processors).toBe('Hosting BV; Mailchimp');
    expect(rows.find((r) => r.purpose === 'ads')!.dpia).toContain('required, in_progress');
    expect(rows.find((r) => r.purpose === 'analytics')!.dpia).toBe('not assessed');

    const md = await (await call('GET', '/v1/ropa?format=md')).text();
    expect(md).toContain('## Processors (Art. 28)');
    expect(md).toContain(
      '- **Mailchimp** (`newsletter`): role: e-mail service provider; location: US, Standard contractual clauses (Art. 46(2)(c)); processing agreement: 2025-03-01',
    );
    expect(md).toContain('| DPIA (Art. 35) | required, in\\_progress');
    expect(md).toContain('## Conflicting retention rules');
    expect(md).toContain('## Recipients for the organisation as a whole');
    expect(md).not.toMatch(/undefined|null|\[object/);
  });

  it('GDPR-51: a Dutch version beside the English one (?lang=nl), in JSON, CSV and Markdown', async () => {
    await call('POST', '/v1/processors', mailchimp);
    const nl = await json(call('GET', '/v1/ropa?lang=nl'));
    expect(nl.language).toBe('nl');
    const newsletter = nl.activities.find((a: { purpose: string }) => a.purpose === 'newsletter');
    expect(newsletter).toMatchObject({
      name: 'Nieuwsbrief',
      legalBasisArticle: 'Art. 6 lid 1 sub a AVG (toestemming)',
    });
    expect(newsletter.dataCategories).toContain('e-mailadres');
    expect(newsletter.thirdCountryTransfers[0]).toBe(
      'Mailchimp, US: Modelcontractbepalingen (art. 46 lid 2 sub c)',
    );
    const en = await json(call('GET', '/v1/ropa?lang=en'));
    expect(en.activities.find((a: { purpose: string }) => a.purpose === 'newsletter').name).toBe(
      'Newsletter',
    );

    const md = await (await call('GET', '/v1/ropa?format=md&lang=nl')).text();
    expect(md.startsWith('# Register van verwerkingsactiviteiten\n')).toBe(true);
    for (const heading of [
      '## Verwerkingsverantwoordelijke',
      '## Verwerkingsactiviteiten',
      '## Verwerkers (art. 28)',
      '## Bewaarregels',
      '## Tegenstrijdige bewaarregels',
    ]) {
      expect(md).toContain(`\n${heading}\n`);
    }
    expect(md).toContain('| Grondslag | Art. 6 lid 1 sub a AVG (toestemming) |');
    expect(md).not.toContain('Processing activities');
    const csv = parse(await (await call('GET', '/v1/ropa?format=csv&lang=nl')).text(), {
      columns: true,
    }) as Record<string, string>[];
    expect(csv.find((r) => r.purpose === 'ads')!.dpia).toBe('niet beoordeeld');
  });

  it("GDPR-30: the person's Art. 15 export names the processors per purpose and the transfers outside the EEA", async () => {
    await call('POST', '/v1/processors', { ...mailchimp, name: 'Mailchimp' });
    await call('POST', '/v1/processors', hosting);
    await call('PUT', '/v1/subjects/crm-9', { email: 'nine@example.com' });
    const request = await json(
      call('POST', '/v1/requests', { subject: 'crm-9', type: 'access', scope: {} }),
    );
    const exported = await json(call('GET', `/v1/requests/${request.id}/export?format=json`));
    const purpose = (key: string) =>
      exported.information.purposes.find((p: { key: string }) => p.key === key);
    // The config already names Mailchimp for the newsletter: listed once.
    expect(purpose('newsletter').recipients).toEqual(['Mailchimp', 'Hosting BV (hosting)']);
    expect(purpose('necessary').recipients).toEqual(['Hosting BV (hosting)']);
    expect(exported.information.transfers).toEqual([
      { recipient: 'Mailchimp', country: 'US', safeguard: 'standard_contractual_clauses' },
    ]);
    const csv = await (await call('GET', `/v1/requests/${request.id}/export?format=csv`)).text();
    expect(csv).toContain('information.transfers,Mailchimp,,country,US');
  });

  it('GDPR-51: the registers are in the tenant export and described in /openapi.json', async () => {
    await call('POST', '/v1/processors', hosting);
    await call('PUT', '/v1/dpias/ads', { criteria: ['profiling'] });
    const exported = await (
      await h.call('GET', `/v1/admin/tenants/${tenant.tenantId}/export`, { token: ADMIN_TOKEN })
    ).text();
    expect(exported).toContain('"type":"processor"');
    expect(exported).toContain('"type":"dpia"');
    const doc = await json(h.call('GET', '/openapi.json'));
    for (const path of [
      '/v1/processors',
      '/v1/processors/{id}',
      '/v1/dpias',
      '/v1/dpias/{purpose}',
      '/v1/dpias/checklist',
    ])
      expect(doc.paths[path]).toBeDefined();
    expect(JSON.stringify(doc.paths['/v1/ropa'].get.parameters)).toContain('lang');
  });
});
