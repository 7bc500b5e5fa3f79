// The subjects API for marketing tools (except /links): upsert and
// read a person by the tool's id, consent captured elsewhere, records per data set.
// Scopes are set per route: /v1/subjects/{id}/links belongs to another module.
import { Hono } from 'hono';
import {
  CaptureConsentBody,
  CaptureConsentResponse,
  DatasetParams,
  ExternalIdParams,
  RecordsBody,
  RecordsResponse,
  SubjectResponse,
  SuppressedCaptureResponse,
  UpsertSubjectBody,
} from '../../shared/schemas/subjects.js';
import { requireScope, type AuthEnv } from '../auth.js';
import type { AppContext } from '../context.js';
import { describe } from '../openapi/describe.js';
import { captureConsent } from '../services/consent/subject-consents.js';
import { addRecords } from '../services/subjects/subject-records.js';
import { recordDisclosures } from '../services/registers/disclosures.js';
import { auditPiiRead } from '../services/subjects/pii-read-audit.js';
import { readSubject, upsertSubject } from '../services/subjects/subjects.js';
import { validate } from '../validate.js';

export function subjectRoutes(ctx: AppContext) {
  return new Hono<AuthEnv>()
    .put(
      '/v1/subjects/:externalId',
      describe({
        tag: 'Subjects',
        auth: { scopes: ['subjects:write'] },
        params: ExternalIdParams,
        body: UpsertSubjectBody,
        summary: 'Create or update the person a tool knows by its own id, and link banner visitors',
        description:
          'Fields given replace the stored ones, fields left out stay, null clears one. E-mail, phone and attributes are ' +
          'encrypted at rest and found by keyed hash. A visitor id that belongs to a banner-only subject merges that subject into ' +
          'this one: its current consents (the newer decision wins), restriction and objection move here, its ledger events stay ' +
          'as recorded (the old subject is kept as an empty shell pointing here, so the chain still verifies), and a ' +
          'consent.updated event with data.mergedFrom tells tools. A visitor id of another known subject is 409. ' +
          'An external id, e-mail or phone of an erased person is 409 SUBJECT_ERASED and nothing is stored or linked. ' +
          'With pii:read the answer carries the personal fields and leaves an audit entry subject.pii_read. ' +
          'Art. 14: the first time the person has an e-mail address, an information_notice request opens (due in one month) and Akkoord mails ' +
          'them who holds their data, where it came from (dataSource) and what it is used for, in their language; informedAt says the tool ' +
          'already told them, and completes that request without a mail.',
        responses: {
          200: { description: 'Updated', schema: SubjectResponse },
          201: { description: 'Created', schema: SubjectResponse },
          409: 'A visitor id belongs to another known subject (CONFLICT), or the person was erased (SUBJECT_ERASED)',
        },
      }),
      requireScope(ctx, 'subjects:write'),
      validate('param', ExternalIdParams),
      validate('json', UpsertSubjectBody),
      async (c) => {
        const { tenantId, keyId, scopes } = c.get('auth');
        const { externalId } = c.req.valid('param');
        const result = await upsertSubject(ctx, tenantId, externalId, c.req.valid('json'), keyId);
        const pii = scopes.includes('pii:read');
        const subject = await readSubject(ctx, tenantId, externalId, pii);
        if (pii)
          await auditSubjectRead(ctx, tenantId, keyId, subject.id, 'PUT /v1/subjects/{externalId}');
        return c.json({ ...subject, created: result.created }, result.created ? 201 : 200);
      },
    )
    .get(
      '/v1/subjects/:externalId',
      describe({
        tag: 'Subjects',
        auth: { scopes: ['subjects:read'] },
        params: ExternalIdParams,
        summary:
          'Identities, consent state per purpose and channel, restriction, objection and record counts',
        description:
          'email, phone and attributes are included only for a key with pii:read; others see hasEmail and hasPhone. ' +
          'An answer with them leaves an audit entry subject.pii_read (the key, the subject id, the fields; never the values).',
        responses: {
          200: { description: 'The subject', schema: SubjectResponse },
          404: 'Unknown subject',
        },
      }),
      requireScope(ctx, 'subjects:read'),
      validate('param', ExternalIdParams),
      async (c) => {
        const { tenantId, keyId, scopes } = c.get('auth');
        const pii = scopes.includes('pii:read');
        const subject = await readSubject(ctx, tenantId, c.req.valid('param').externalId, pii);
        if (pii)
          await auditSubjectRead(ctx, tenantId, keyId, subject.id, 'GET /v1/subjects/{externalId}');
        // Art. 19: the key is a recipient of what it read.
        await recordDisclosures(
          ctx.db,
          tenantId,
          [
            {
              subjectId: subject.id,
              kind: 'key',
              recipientId: keyId,
              categories: pii
                ? ['external_id', 'consent', 'email', 'phone', 'attributes']
                : ['external_id', 'consent'],
            },
          ],
          ctx.clock.now().toISOString(),
        );
        return c.json(subject);
      },
    )
    .post(
      '/v1/subjects/:externalId/consents',
      describe({
        tag: 'Subjects',
        auth: { scopes: ['consent:write', 'subjects:write'] },
        params: ExternalIdParams,
        body: CaptureConsentBody,
        summary: 'Record consent captured elsewhere (a form, a call centre, an import)',
        description:
          'Creates the subject when the tool has not sent it yet. capturedAt is when the person gave it (expiry counts from ' +
          'there; at most five minutes ahead of the server). doubleOptIn: true records granted decisions as pending and queues ' +
          'an e-mail with a confirmation link (the answer never waits on the mail server); the subject needs an e-mail address (stored, or given as email). The same clientEventId ' +
          'for the same person within 24 hours gives the same answer. A person who was erased (external id or email match the erasure register) is 409 SUBJECT_ERASED ' +
          'and nothing is stored, except with doubleOptIn: true and email: then only the confirmation mails are queued (202) and the ' +
          'person is stored again when they confirm, which lifts the suppression (feed event subject.unsuppressed). After the person ' +
          'objected to direct marketing (Art. 21), a grant of a marketing purpose is stored as denied with reason objected; a double ' +
          "opt-in stays pending, and the person's confirmation lifts the objection for that purpose and channel. A grant counts for the " +
          "purpose's ttlDays (else the configuration's consentTtlDays) from capturedAt; one whose lifetime had already ended when it arrived " +
          'is stored as history and named in warnings (code CONSENT_EXPIRED_ON_ARRIVAL): it does not count as consent. ' +
          "Children (Art. 8): below the configuration's digitalConsentAge (default 16, the Dutch age) consent must come from the holder of " +
          'parental responsibility. A capture that declares a child (age, or birthYear, under it) and grants anything is 422 ' +
          'PARENTAL_CONSENT_REQUIRED unless it carries parentalConsent (how that was verified, and when). ageConfirmed: true says the tool ' +
          'checked the person is old enough. age and birthYear are used for this check only and never stored; the audit log keeps ' +
          'consent.age_checked with the threshold, ageConfirmed and the parental-consent record.',
        responses: {
          201: { description: 'Recorded', schema: CaptureConsentResponse },
          202: {
            description:
              'The person was erased: confirmation mails queued, nothing stored until they confirm',
            schema: SuppressedCaptureResponse,
          },
          409: 'The person was erased (SUBJECT_ERASED)',
          422: 'Unknown purpose or channel, a refused required purpose, no e-mail for double opt-in, or a declared child without parentalConsent (PARENTAL_CONSENT_REQUIRED)',
        },
      }),
      requireScope(ctx, 'consent:write', 'subjects:write'),
      validate('param', ExternalIdParams),
      validate('json', CaptureConsentBody),
      async (c) => {
        const { tenantId } = c.get('auth');
        const result = await captureConsent(
          ctx,
          tenantId,
          c.req.valid('param').externalId,
          c.req.valid('json'),
        );
        return c.json(result, result.subject === null ? 202 : 201);
      },
    )
    .post(
      '/v1/subjects/:externalId/records/:dataset',
      describe({
        tag: 'Subjects',
        auth: { scopes: ['subjects:write'] },
        params: DatasetParams,
        body: RecordsBody,
        summary:
          'Store personal records of a data set (orders, sign-ups); part of exports and erasures',
        description: 'A JSON array of objects, up to 1 MiB. Each record is encrypted at rest.',
        responses: {
          201: { description: 'Stored', schema: RecordsResponse },
          404: 'Unknown subject',
          409: 'The person was erased (SUBJECT_ERASED)',
          413: 'Body over 1 MiB',
        },
      }),
      requireScope(ctx, 'subjects:write'),
      validate('param', DatasetParams),
      validate('json', RecordsBody),
      async (c) => {
        const { tenantId } = c.get('auth');
        const { externalId, dataset } = c.req.valid('param');
        const ids = await addRecords(ctx, tenantId, externalId, dataset, c.req.valid('json'));
        return c.json({ dataset, ids, count: ids.length }, 201);
      },
    );
}

/** What the audit entry of a pii:read answer holds: ids and field names only. */
function auditSubjectRead(
  ctx: AppContext,
  tenantId: string,
  keyId: string,
  subjectId: string,
  via: string,
) {
  return auditPiiRead(ctx, tenantId, {
    actor: keyId,
    action: 'subject.pii_read',
    target: subjectId,
    details: { fields: ['email', 'phone', 'attributes'], via },
  });
}
