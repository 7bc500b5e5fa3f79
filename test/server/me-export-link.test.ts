// A completed access or portability request sends the person a download link: one use,
// seven days, only after the e-mail sign-in, and only for the person it was mailed to.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { issueToken } from '../../server/services/me/links.js';
import { dialects } from '../helpers/db.js';
import {
  createTestTenant,
  fixedClock,
  startTestApp,
  type TestApp,
  type TestTenant,
} from '../helpers/app.js';
import {
  addPerson,
  asSignedIn,
  capturingMailer,
  cookieFrom,
  exchange,
  signIn,
  type CapturingMailer,
} from '../helpers/me.js';

const exportToken = (text: string) => /#export=([A-Za-z0-9_-]{43})/.exec(text)?.[1];

describe.each(dialects)('the export link of a completed request, on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  let mailer: CapturingMailer;
  const clock = fixedClock('2026-12-02T10:00:00.000Z');

  beforeEach(async () => {
    clock.set('2026-12-02T10:00:00.000Z');
    mailer = capturingMailer();
    t = await startTestApp(dialect, { mailer, clock });
    tenant = await createTestTenant(t);
    await t.call('PUT', '/v1/subjects/crm-1', {
      token: tenant.secretKey,
      body: { email: 'anna@example.com', attributes: { firstName: 'Anna' } },
    });
  });
  afterEach(async () => t.close());

  async function completeAccess(type = 'access'): Promise<string> {
    const res = await t.call('POST', '/v1/requests', {
      token: tenant.secretKey,
      body: { subject: 'crm-1', type },
    });
    expect(res.status).toBeLessThan(300);
    const mail = await mailer.waitFor('anna@example.com');
    expect(mail.subject).toBe('Je gegevens bij Shop BV staan klaar');
    expect(mail.text).toContain('verloopt op 9 december 2026');
    const token = exportToken(mail.text);
    expect(token).toBeDefined();
    return token!;
  }

  it("GDPR-30, GDPR-52: mails a one-time link; after the e-mail sign-in it downloads the person's data once", async () => {
    const token = await completeAccess();
    const me = await signIn(t, mailer, tenant.tenantId, 'anna@example.com');
    const res = await me.call('POST', '/v1/me/exports', { token });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename=".+\.json"/);
    expect(await res.text()).toContain('Anna');
    expect((await me.call('POST', '/v1/me/exports', { token })).status).toBe(404);
  });

  it('portability gets the CSV', async () => {
    const token = await completeAccess('portability');
    const me = await signIn(t, mailer, tenant.tenantId, 'anna@example.com');
    const res = await me.call('POST', '/v1/me/exports', { token });
    expect(res.headers.get('content-disposition')).toMatch(/\.csv"/);
  });

  it('needs the e-mail sign-in: a link session gets 403, another person 404 and the link stays unspent; after 7 days it is gone', async () => {
    const token = await completeAccess();
    const subject = (
      await (await t.call('GET', '/v1/subjects/crm-1', { token: tenant.secretKey })).json()
    ).id as string;
    const { token: linkToken } = await issueToken(t.ctx.db, t.ctx, {
      tenantId: tenant.tenantId,
      kind: 'preferences',
      subjectId: subject,
    });
    const exchanged = await exchange(t, linkToken);
    const linkSession = asSignedIn(
      t,
      cookieFrom(exchanged),
      ((await exchanged.json()) as { csrfToken: string }).csrfToken,
    );
    expect((await linkSession.call('POST', '/v1/me/exports', { token })).status).toBe(403);

    const other = await addPerson(t, tenant.tenantId, { email: 'bram@example.com' });
    expect(other).toBeDefined();
    const bram = await signIn(t, mailer, tenant.tenantId, 'bram@example.com');
    expect((await bram.call('POST', '/v1/me/exports', { token })).status).toBe(404);

    clock.set('2026-12-09T10:00:01.000Z');
    const anna = await signIn(t, mailer, tenant.tenantId, 'anna@example.com');
    expect((await anna.call('POST', '/v1/me/exports', { token })).status).toBe(404);
  });
});
