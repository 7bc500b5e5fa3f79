// Console staff accounts: invitation and sign-in by e-mailed link (real SMTP), the
// session as a principal of the same /v1 authorization as keys, roles as scope sets,
// CSRF, idle and absolute expiry, sign-out everywhere, and the audit log naming staff.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../server/clock.js';
import { createSmtpMailer, type SmtpMailer } from '../../server/mail/smtp.js';
import {
  ADMIN_TOKEN,
  createTestTenant,
  startTestApp,
  type TestApp,
  type TestTenant,
} from '../helpers/app.js';
import { dialects } from '../helpers/db.js';
import { startSmtp, type TestSmtp } from '../helpers/smtp.js';

const ORIGIN = 'http://127.0.0.1:8080';
const HOUR = 60 * 60_000;

interface Staff {
  id: string;
  cookie: string;
  csrf: string;
}

describe.each(dialects)('console staff on %s', (dialect) => {
  let smtp: TestSmtp;
  let mailer: SmtpMailer;
  let t: TestApp;
  let tenant: TestTenant;
  let clock: ReturnType<typeof fixedClock>;
  let mailbox = 0;

  beforeAll(async () => {
    smtp = await startSmtp();
    mailer = createSmtpMailer(smtp.url, ORIGIN);
  });
  afterAll(async () => {
    mailer.close();
    await smtp.close();
  });
  beforeEach(async () => {
    clock = fixedClock('2026-12-01T09:00:00.000Z');
    t = await startTestApp(dialect, { mailer, clock });
    tenant = await createTestTenant(t);
  });
  afterEach(async () => t.close());

  /** A fresh address per person, so mails of earlier tests never match. */
  const address = (who: string) => `${who}.${dialect}.${++mailbox}@shop.example`;

  const tokenIn = (text: string | undefined) => {
    const found = /\/console\/#token=([A-Za-z0-9_-]{43})/.exec(text ?? '');
    if (!found) throw new Error(`no console link in: ${text}`);
    return found[1];
  };

  async function exchange(token: string): Promise<Response> {
    return t.call('POST', '/console/api/session', { body: { token }, headers: { origin: ORIGIN } });
  }

  async function signInWith(token: string): Promise<Staff> {
    const res = await exchange(token);
    expect(res.status).toBe(200);
    const cookie = /akkoord_console=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')![1];
    const body = (await res.json()) as { csrfToken: string; staff: { id: string } };
    return { id: body.staff.id, cookie: `akkoord_console=${cookie}`, csrf: body.csrfToken };
  }

  async function invite(email: string, role: string, name?: string, by?: Staff): Promise<Staff> {
    const before = smtp.inbox.length;
    const res = by
      ? await as(by, 'POST', '/v1/staff', { email, role, name })
      : await t.call('POST', `/v1/admin/tenants/${tenant.tenantId}/staff`, {
          token: ADMIN_TOKEN,
          body: { email, role, name },
        });
    expect(res.status).toBe(201);
    const mail = await smtp.mailTo(
      email,
      smtp.inbox
        .slice(0, before)
        .filter((m) => (m.to && !Array.isArray(m.to) ? m.to.text : '') === email).length + 1,
    );
    return signInWith(tokenIn(mail.text));
  }

  function as(staff: Staff, method: string, path: string, body?: unknown, csrf = true) {
    return t.call(method, path, {
      body,
      headers: { cookie: staff.cookie, ...(csrf ? { 'x-csrf-token': staff.csrf } : {}) },
    });
  }

  it('the operator invites an owner by e-mail; the link signs in once and sets an HttpOnly, SameSite=Strict cookie', async () => {
    const email = address('owner');
    const res = await t.call('POST', `/v1/admin/tenants/${tenant.tenantId}/staff`, {
      token: ADMIN_TOKEN,
      body: { email, role: 'owner', name: 'Olga Owner', locale: 'en' },
    });
    expect(res.status).toBe(201);
    const mail = await smtp.mailTo(email);
    expect(mail.subject).toContain('Shop BV');
    const token = tokenIn(mail.text);
    const first = await exchange(token);
    expect(first.status).toBe(200);
    const cookie = first.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const self = (await first.json()) as {
      role: string;
      scopes: string[];
      tenants: Array<{ id: string }>;
      staff: { email: string; name: string };
    };
    expect(self.role).toBe('owner');
    expect(self.staff).toMatchObject({ email, name: 'Olga Owner' });
    expect(self.tenants.map((x) => x.id)).toEqual([tenant.tenantId]);
    expect((await exchange(token)).status).toBe(401);
    // The address is stored encrypted and by keyed hash only.
    const row = await t.ctx.db.selectFrom('staff').selectAll().executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(email);
  });

  it('asking for a sign-in link answers 202 for known and unknown addresses alike; only the known one gets mail', async () => {
    const email = address('po');
    await invite(email, 'privacy_officer');
    const unknown = await t.call('POST', '/console/api/sign-in', {
      body: { email: address('nobody') },
      headers: { origin: ORIGIN },
    });
    const known = await t.call('POST', '/console/api/sign-in', {
      body: { email: email.toUpperCase() },
      headers: { origin: ORIGIN },
    });
    expect([unknown.status, known.status]).toEqual([202, 202]);
    const mail = await smtp.mailTo(email, 2);
    const staff = await signInWith(tokenIn(mail.text));
    expect((await as(staff, 'GET', '/console/api/session')).status).toBe(200);
    const foreign = await t.call('POST', '/console/api/sign-in', {
      body: { email },
      headers: { origin: 'https://evil.example' },
    });
    expect(foreign.status).toBe(403);
  });

  it('roles are scope sets checked by the same authorization as keys: a marketer gets no personal fields and no requests', async () => {
    const owner = await invite(address('owner'), 'owner');
    await t.call('PUT', '/v1/subjects/crm-1', {
      token: tenant.secretKey,
      body: { email: 'klant2@example.nl' },
    });
    const marketer = await invite(address('marketer'), 'marketer', 'Mark', owner);
    const officer = await invite(address('officer'), 'privacy_officer', 'Petra', owner);

    expect((await as(marketer, 'GET', '/v1/requests')).status).toBe(403);
    expect((await as(marketer, 'GET', '/v1/subjects?email=klant2@example.nl')).status).toBe(403);
    const seen = (await (await as(marketer, 'GET', '/v1/subjects/crm-1')).json()) as {
      identities: Record<string, unknown>;
    };
    expect(seen.identities).not.toHaveProperty('email');
    expect(seen.identities.hasEmail).toBe(true);
    expect((await as(marketer, 'GET', '/v1/feed')).status).toBe(200);
    expect((await as(marketer, 'GET', '/v1/keys')).status).toBe(403);

    expect((await as(officer, 'GET', '/v1/requests')).status).toBe(200);
    const found = (await (
      await as(officer, 'GET', '/v1/subjects?email=KLANT2@example.nl')
    ).json()) as { subjects: Array<{ externalId: string; email: string }> };
    expect(found.subjects).toEqual([
      expect.objectContaining({ externalId: 'crm-1', email: 'klant2@example.nl' }),
    ]);
    expect((await as(officer, 'GET', '/v1/keys')).status).toBe(403);
    // Both read the configuration; the marketer (config:write, the banner studio) may publish it, the officer not.
    expect((await as(officer, 'GET', '/v1/config')).status).toBe(200);
    expect((await as(marketer, 'GET', '/v1/config')).status).toBe(200);
    expect((await as(officer, 'PUT', '/v1/config', {})).status).toBe(403);
    expect((await as(marketer, 'PUT', '/v1/config', {})).status).toBe(400);
    // Nobody hands out more than they hold: a developer cannot make an owner, nor a key with pii:read.
    const developer = await invite(address('dev'), 'developer', undefined, owner);
    expect(
      (await as(developer, 'POST', '/v1/staff', { email: address('x'), role: 'owner' })).status,
    ).toBe(403);
    expect((await as(developer, 'POST', '/v1/keys', { scopes: ['pii:read'] })).status).toBe(403);
    expect(
      (await as(developer, 'POST', '/v1/keys', { scopes: ['feed:read'], name: 'dev-feed' })).status,
    ).toBe(201);
  });

  it('a change with a staff session needs the CSRF header; a read does not', async () => {
    const owner = await invite(address('owner'), 'owner');
    expect((await as(owner, 'GET', '/v1/keys', undefined, false)).status).toBe(200);
    const refused = await as(owner, 'POST', '/v1/keys', { scopes: ['feed:read'] }, false);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('CSRF_FAILED');
    const wrong = await t.call('POST', '/v1/keys', {
      body: { scopes: ['feed:read'] },
      headers: { cookie: owner.cookie, 'x-csrf-token': 'nope' },
    });
    expect(wrong.status).toBe(403);
    expect((await as(owner, 'POST', '/v1/keys', { scopes: ['feed:read'] })).status).toBe(201);
  });

  it('a session ends after 8 hours idle, and after 24 hours however busy', async () => {
    const idle = await invite(address('idle'), 'viewer');
    clock.advance(8 * HOUR + 60_000);
    expect((await as(idle, 'GET', '/console/api/session')).status).toBe(401);
    expect((await as(idle, 'GET', '/v1/audit')).status).toBe(401);

    const busy = await invite(address('busy'), 'viewer');
    for (let hours = 7; hours < 24; hours += 7) {
      clock.advance(7 * HOUR);
      expect((await as(busy, 'GET', '/v1/audit')).status).toBe(200);
    }
    clock.advance(4 * HOUR);
    expect((await as(busy, 'GET', '/v1/audit')).status).toBe(401);
  });

  it('signing out everywhere ends every session of the person; removal ends them at once', async () => {
    const email = address('po');
    const first = await invite(email, 'privacy_officer');
    await t.call('POST', '/console/api/sign-in', { body: { email }, headers: { origin: ORIGIN } });
    const second = await signInWith(tokenIn((await smtp.mailTo(email, 2)).text));
    expect(
      await as(first, 'DELETE', '/console/api/sessions', undefined, true).then(
        async (r) => r.status,
      ),
    ).toBe(403);
    const out = await t.call('DELETE', '/console/api/sessions', {
      headers: { cookie: first.cookie, 'x-csrf-token': first.csrf, origin: ORIGIN },
    });
    expect(out.status).toBe(204);
    expect((await as(first, 'GET', '/v1/requests')).status).toBe(401);
    expect((await as(second, 'GET', '/v1/requests')).status).toBe(401);

    const owner = await invite(address('owner'), 'owner');
    const viewer = await invite(address('viewer'), 'viewer', undefined, owner);
    expect((await as(viewer, 'GET', '/v1/audit')).status).toBe(200);
    expect((await as(owner, 'DELETE', `/v1/staff/${viewer.id}`)).status).toBe(204);
    expect((await as(viewer, 'GET', '/v1/audit')).status).toBe(401);
  });

  it('a tenant keeps its last owner; someone who serves no tenant any more is forgotten, address and all', async () => {
    const owner = await invite(address('owner'), 'owner');
    expect((await as(owner, 'PUT', `/v1/staff/${owner.id}`, { role: 'viewer' })).status).toBe(409);
    expect((await as(owner, 'DELETE', `/v1/staff/${owner.id}`)).status).toBe(409);
    const second = await invite(address('second'), 'owner', undefined, owner);
    expect((await as(second, 'PUT', `/v1/staff/${owner.id}`, { role: 'viewer' })).status).toBe(200);

    const leaving = await invite(address('leaving'), 'viewer', undefined, second);
    expect((await as(second, 'DELETE', `/v1/staff/${leaving.id}`)).status).toBe(204);
    expect(
      await t.ctx.db
        .selectFrom('staff')
        .select('id')
        .where('id', '=', leaving.id)
        .executeTakeFirst(),
    ).toBeUndefined();

    // Offboarding the tenant forgets everyone who served only it.
    expect(
      (await t.call('DELETE', '/v1/tenant?now=true', { token: tenant.secretKey })).status,
    ).toBeLessThan(300);
    expect(await t.ctx.db.selectFrom('staff').select('id').execute()).toEqual([]);
  });

  it('every action is audited with the staff member as actor, reads of personal data too; the log holds no address', async () => {
    const ownerEmail = address('owner');
    const owner = await invite(ownerEmail, 'owner', 'Olga Owner');
    await t.call('PUT', '/v1/subjects/crm-9', {
      token: tenant.secretKey,
      body: { email: 'klant9@example.nl' },
    });
    const key = (await (
      await as(owner, 'POST', '/v1/keys', { scopes: ['feed:read'], name: 'mailchimp-sync' })
    ).json()) as { id: string; name: string };
    expect(key.name).toBe('mailchimp-sync');
    expect((await as(owner, 'GET', '/v1/subjects?email=klant9@example.nl')).status).toBe(200);
    expect((await as(owner, 'GET', '/v1/subjects/crm-9')).status).toBe(200);
    const subjectId = (
      (await (await as(owner, 'GET', '/v1/subjects/crm-9')).json()) as { id: string }
    ).id;

    const page = (await (await as(owner, 'GET', `/v1/audit?actor=${owner.id}`)).json()) as {
      entries: Array<{ actor: string; actorName?: string; action: string; target: string | null }>;
    };
    expect(page.entries.map((e) => e.action)).toEqual([
      'staff.signed_in',
      'key.created',
      'subject.looked_up',
      'subject.pii_read',
      'subject.pii_read',
    ]);
    expect(page.entries.every((e) => e.actor === owner.id && e.actorName === 'Olga Owner')).toBe(
      true,
    );
    expect(page.entries[2].target).toBe(subjectId);

    const keys = (await (await as(owner, 'GET', '/v1/keys')).json()) as {
      keys: Array<{ id: string; name: string | null }>;
    };
    expect(keys.keys.find((k) => k.id === key.id)?.name).toBe('mailchimp-sync');
    const rows = await t.ctx.db.selectFrom('audit_log').selectAll().execute();
    const all = JSON.stringify(rows);
    expect(all).not.toContain(ownerEmail);
    expect(all).not.toContain('klant9@example.nl');
  });

  it('the audit log filters by actor, action (exact or prefix), target and period, and downloads as CSV', async () => {
    const owner = await invite(address('owner'), 'owner', 'Olga');
    clock.advance(HOUR);
    const key = (await (
      await as(owner, 'POST', '/v1/keys', { scopes: ['feed:read'], name: '=cmd' })
    ).json()) as { id: string };
    clock.advance(HOUR);
    expect((await as(owner, 'DELETE', `/v1/keys/${key.id}`)).status).toBe(204);
    const read = async (query: string) =>
      (
        (await (await as(owner, 'GET', `/v1/audit?${query}`)).json()) as {
          entries: Array<{ action: string }>;
        }
      ).entries.map((e) => e.action);

    expect(await read('action=key.*')).toEqual(['key.created', 'key.created', 'key.revoked']);
    expect(await read(`action=key.*&actor=${owner.id}`)).toEqual(['key.created', 'key.revoked']);
    expect(await read(`target=${key.id}`)).toEqual(['key.created', 'key.revoked']);
    expect(await read('action=key.revoked')).toEqual(['key.revoked']);
    expect(await read('from=2026-12-01T09:30:00.000Z&to=2026-12-01T10:30:00.000Z')).toEqual([
      'key.created',
    ]);
    expect(await read('from=2026-12-01T11:30:00%2B01:00')).toEqual(['key.revoked']);
    expect(await read('action=staff_*')).toEqual([]);
    expect((await as(owner, 'GET', '/v1/audit?from=yesterday')).status).toBe(400);

    const csv = await as(owner, 'GET', `/v1/audit?format=csv&actor=${owner.id}`);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe('occurredAt,actor,actorName,action,target,details');
    expect(lines).toHaveLength(4);
    expect(lines[2]).toContain(',Olga,key.created,');
    expect(lines[2]).toContain('""name"":""=cmd""');
  });

  it('finds people by e-mail or phone by keyed hash, and reads their consent history', async () => {
    await t.call('PUT', '/v1/subjects/crm-1', {
      token: tenant.secretKey,
      body: { email: 'Anna@Example.nl', phone: '+31 6 1234 5678' },
    });
    await t.call('PUT', '/v1/subjects/crm-2', {
      token: tenant.secretKey,
      body: { email: 'anna@example.nl' },
    });
    await t.call('POST', '/v1/subjects/crm-1/consents', {
      token: tenant.secretKey,
      body: { decisions: { newsletter: { email: true } }, source: 'import' },
    });
    await t.call('POST', '/v1/subjects/crm-1/consents', {
      token: tenant.secretKey,
      body: { decisions: { newsletter: { email: false } } },
    });
    const lookup = async (query: string) =>
      t.call('GET', `/v1/subjects?${query}`, { token: tenant.secretKey });

    const byEmail = (await (await lookup('email=ANNA@example.nl')).json()) as {
      subjects: Array<{ externalId: string }>;
    };
    expect(byEmail.subjects.map((s) => s.externalId).sort()).toEqual(['crm-1', 'crm-2']);
    const byPhone = (await (await lookup('phone=%2B31612345678')).json()) as {
      subjects: Array<{ externalId: string; phone: string }>;
    };
    expect(byPhone.subjects).toEqual([
      expect.objectContaining({ externalId: 'crm-1', phone: '+31612345678' }),
    ]);
    expect((await lookup('')).status).toBe(400);
    expect((await lookup('email=a@b.nl&phone=0612345678')).status).toBe(400);

    const history = (await (
      await t.call('GET', '/v1/subjects/crm-1/history', { token: tenant.secretKey })
    ).json()) as {
      events: Array<{
        purpose: string;
        channel: string;
        status: string;
        source: string;
        consentId: string;
      }>;
    };
    expect(history.events.map((e) => [e.purpose, e.channel, e.status])).toEqual([
      ['newsletter', 'email', 'granted'],
      ['newsletter', 'email', 'withdrawn'],
    ]);
    expect(history.events[0].source).toBe('import');
    expect(history.events[0].consentId).toMatch(/^cns_/);
    expect(
      (await t.call('GET', '/v1/subjects/nobody/history', { token: tenant.secretKey })).status,
    ).toBe(404);
  });
});
