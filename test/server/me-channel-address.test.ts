// A channel needs an address: a session without an e-mail address on file cannot record
// "yes" to e-mail. The page sends the address the person types; it is stored and the
// consent stays pending until the link mailed to it is followed (double opt-in). SMS needs
// a phone number on file.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { issueToken } from '../../server/services/me/links.js';
import { dialects } from '../helpers/db.js';
import { createTestTenant, startTestApp, type TestApp, type TestTenant } from '../helpers/app.js';
import {
  addPerson,
  asSignedIn,
  capturingMailer,
  cookieFrom,
  exchange,
  tokenOf,
  type CapturingMailer,
  type SignedIn,
} from '../helpers/me.js';

describe.each(dialects)('channel consents need an address, on %s', (dialect) => {
  let t: TestApp;
  let tenant: TestTenant;
  let mailer: CapturingMailer;
  let subjectId: string;
  let me: SignedIn;

  beforeEach(async () => {
    mailer = capturingMailer();
    t = await startTestApp(dialect, { mailer });
    tenant = await createTestTenant(t);
    // Like a banner visitor: no address, no phone.
    subjectId = await addPerson(t, tenant.tenantId, {});
    const { token } = await issueToken(t.ctx.db, t.ctx, {
      tenantId: tenant.tenantId,
      kind: 'preferences',
      subjectId,
    });
    const exchanged = await exchange(t, token);
    me = asSignedIn(
      t,
      cookieFrom(exchanged),
      ((await exchanged.json()) as { csrfToken: string }).csrfToken,
    );
  });
  afterEach(async () => t.close());

  const state = async () =>
    t.ctx.db
      .selectFrom('consent_state')
      .select(['purpose', 'channel', 'status'])
      .where('subject_id', '=', subjectId)
      .orderBy('purpose')
      .orderBy('channel')
      .execute();

  it('PUT /v1/me/consents refuses e-mail without an address (409 NO_ADDRESS_ON_FILE) and records nothing', async () => {
    const res = await me.call('PUT', '/v1/me/consents', {
      decisions: { newsletter: { email: true }, analytics: true },
    });
    expect(res.status).toBe(409);
    expect((await res.json()).error.code).toBe('NO_ADDRESS_ON_FILE');
    expect(await state()).toEqual([]);
    expect((await (await me.call('GET', '/v1/me')).json()).onFile).toEqual({
      email: false,
      phone: false,
    });
  });

  it('with the typed address: stored, the e-mail consent pending, a confirmation mailed to it; following it grants', async () => {
    const res = await me.call('PUT', '/v1/me/consents', {
      decisions: { newsletter: { email: true } },
      email: 'nieuw@example.com',
      locale: 'nl',
    });
    expect(res.status).toBe(200);
    expect((await res.json()).confirmationSent).toBe(true);
    expect(await state()).toEqual([{ purpose: 'newsletter', channel: 'email', status: 'pending' }]);
    const mail = await mailer.waitFor('nieuw@example.com');
    expect(mail.subject).toContain('Nieuwsbrief');
    const confirmed = await t.app.request(`/c/${tokenOf(mail)}`, { method: 'POST' });
    expect(confirmed.status).toBe(200);
    expect(await state()).toEqual([{ purpose: 'newsletter', channel: 'email', status: 'granted' }]);
    expect((await (await me.call('GET', '/v1/me')).json()).onFile).toEqual({
      email: true,
      phone: false,
    });
  });

  it('refuses SMS without a phone number on file; turning a channel off needs no address', async () => {
    const sms = await me.call('PUT', '/v1/me/consents', {
      decisions: { newsletter: { sms: true } },
      email: 'nieuw@example.com',
    });
    expect(sms.status).toBe(409);
    expect(await state()).toEqual([]);
    expect(mailer.sent).toEqual([]);
    const off = await me.call('PUT', '/v1/me/consents', {
      decisions: { newsletter: { email: false, sms: false } },
    });
    expect(off.status).toBe(200);
  });

  it('a person with an address on file grants e-mail at once, as before', async () => {
    const known = await addPerson(t, tenant.tenantId, { email: 'bekend@example.com' });
    const { token } = await issueToken(t.ctx.db, t.ctx, {
      tenantId: tenant.tenantId,
      kind: 'login',
      subjectId: known,
    });
    const exchanged = await exchange(t, token);
    const person = asSignedIn(
      t,
      cookieFrom(exchanged),
      ((await exchanged.json()) as { csrfToken: string }).csrfToken,
    );
    const res = await person.call('PUT', '/v1/me/consents', {
      decisions: { newsletter: { email: true } },
    });
    expect(res.status).toBe(200);
    expect((await res.json()).confirmationSent).toBe(false);
    expect(mailer.sent).toEqual([]);
  });
});
