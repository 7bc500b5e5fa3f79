// The subjects API for marketing tools (CONTRACT.md §6, except /links): upsert and
// read a person by the tool's id, consent captured elsewhere, records per data set.
// Scopes are set per route: /v1/subjects/{id}/links belongs to another module.
import { Hono } from 'hono';
import {
  CaptureConsentBody, CaptureConsentResponse, DatasetParams, ExternalIdParams, RecordsBody, RecordsResponse,
  SubjectResponse, UpsertSubjectBody,
} from '../../shared/schemas/subjects.js';
import { requireScope, type AuthEnv } from '../auth.js';
import type { AppContext } from '../context.js';
import type { Operation } from '../openapi/operation.js';
import { captureConsent } from '../services/subject-consents.js';
import { addRecords } from '../services/subject-records.js';
import { readSubject, upsertSubject } from '../services/subjects.js';
import { validate } from '../validate.js';

export const subjectOperations: Operation[] = [
  {
    method: 'put', path: '/v1/subjects/{externalId}', tag: 'Subjects', auth: { scopes: ['subjects:write'] },
    params: ExternalIdParams, body: UpsertSubjectBody,
    summary: 'Create or update the person a tool knows by its own id, and link banner visitors',
    description: 'Fields given replace the stored ones, fields left out stay, null clears one. E-mail, phone and attributes are '
      + 'encrypted at rest and found by keyed hash. A visitor id that belongs to a banner-only subject merges that subject into '
      + 'this one: its current consents (the newer decision wins), restriction and objection move here, its ledger events stay '
      + 'as recorded (the old subject is kept as an empty shell pointing here, so the chain still verifies), and a '
      + 'consent.updated event with data.mergedFrom tells tools. A visitor id of another known subject is 409.',
    responses: { 200: { description: 'Updated', schema: SubjectResponse }, 201: { description: 'Created', schema: SubjectResponse }, 409: 'A visitor id belongs to another known subject' },
  },
  {
    method: 'get', path: '/v1/subjects/{externalId}', tag: 'Subjects', auth: { scopes: ['subjects:read'] }, params: ExternalIdParams,
    summary: 'Identities, consent state per purpose and channel, restriction, objection and record counts',
    description: 'email, phone and attributes are included only for a key with pii:read; others see hasEmail and hasPhone.',
    responses: { 200: { description: 'The subject', schema: SubjectResponse }, 404: 'Unknown subject' },
  },
  {
    method: 'post', path: '/v1/subjects/{externalId}/consents', tag: 'Subjects', auth: { scopes: ['subjects:write'] },
    params: ExternalIdParams, body: CaptureConsentBody,
    summary: 'Record consent captured elsewhere (a form, a call centre, an import)',
    description: 'Creates the subject when the tool has not sent it yet. capturedAt is when the person gave it (expiry counts from '
      + 'there; at most five minutes ahead of the server). doubleOptIn: true records granted decisions as pending and e-mails '
      + 'the person a confirmation link; the subject needs an e-mail address first. The same clientEventId gives the same answer.',
    responses: { 201: { description: 'Recorded', schema: CaptureConsentResponse }, 422: 'Unknown purpose or channel, a refused required purpose, or no e-mail for double opt-in' },
  },
  {
    method: 'post', path: '/v1/subjects/{externalId}/records/{dataset}', tag: 'Subjects', auth: { scopes: ['subjects:write'] },
    params: DatasetParams, body: RecordsBody,
    summary: 'Store personal records of a data set (orders, sign-ups); part of exports and erasures',
    description: 'A JSON array of objects, up to 1 MiB. Each record is encrypted at rest.',
    responses: { 201: { description: 'Stored', schema: RecordsResponse }, 404: 'Unknown subject', 413: 'Body over 1 MiB' },
  },
];

export function subjectRoutes(ctx: AppContext) {
  return new Hono<AuthEnv>()
    .put('/v1/subjects/:externalId', requireScope(ctx, 'subjects:write'), validate('param', ExternalIdParams), validate('json', UpsertSubjectBody), async (c) => {
      const { tenantId, keyId, scopes } = c.get('auth');
      const { externalId } = c.req.valid('param');
      const result = await upsertSubject(ctx, tenantId, externalId, c.req.valid('json'), keyId);
      const subject = await readSubject(ctx, tenantId, externalId, scopes.includes('pii:read'));
      return c.json({ ...subject, created: result.created }, result.created ? 201 : 200);
    })
    .get('/v1/subjects/:externalId', requireScope(ctx, 'subjects:read'), validate('param', ExternalIdParams), async (c) => {
      const { tenantId, scopes } = c.get('auth');
      return c.json(await readSubject(ctx, tenantId, c.req.valid('param').externalId, scopes.includes('pii:read')));
    })
    .post('/v1/subjects/:externalId/consents', requireScope(ctx, 'subjects:write'), validate('param', ExternalIdParams), validate('json', CaptureConsentBody), async (c) => {
      const { tenantId } = c.get('auth');
      return c.json(await captureConsent(ctx, tenantId, c.req.valid('param').externalId, c.req.valid('json')), 201);
    })
    .post('/v1/subjects/:externalId/records/:dataset', requireScope(ctx, 'subjects:write'), validate('param', DatasetParams), validate('json', RecordsBody), async (c) => {
      const { tenantId } = c.get('auth');
      const { externalId, dataset } = c.req.valid('param');
      const ids = await addRecords(ctx, tenantId, externalId, dataset, c.req.valid('json'));
      return c.json({ dataset, ids, count: ids.length }, 201);
    });
}
