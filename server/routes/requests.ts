// Data-subject requests by API (CONTRACT.md §7, scope requests:manage). A request is
// carried out at once through the same services as the preference center; with
// "execute": false it is only tracked (received, due date) until executed or cancelled.
// Access and portability complete at once; their export is read at /export.
import { Hono } from 'hono';
import * as v from 'valibot';
import {
  CreateRequestBody, ExecuteRequestBody, ExportQuery, ExtendRequestBody, ListRequestsQuery,
  RefuseRequestBody, RequestIdParams, RequestListResponse, RequestView,
} from '../../shared/schemas/requests.js';
import { requireScope, type AuthEnv } from '../auth.js';
import type { AppContext } from '../context.js';
import { ApiError, notFound } from '../errors.js';
import type { Operation } from '../openapi/operation.js';
import { exportSubject } from '../services/rights/access-export.js';
import { cancelRequest, extendRequest, getRequest, getRequestRow, listRequests, refuseRequest } from '../services/rights/requests.js';
import { executeRequest, submitRequest } from '../services/rights/submit.js';
import { findSubjectByExternalId } from '../services/subjects-core.js';
import { validate } from '../validate.js';

const auth = { scopes: ['requests:manage' as const] };
const tag = 'Data-subject requests';
const CreatedResponse = v.object({ ...RequestView.entries, result: v.nullable(v.unknown()) });

export const requestOperations: Operation[] = [
  {
    method: 'post', path: '/v1/requests', tag, auth, body: CreateRequestBody,
    summary: 'File a data-subject request for a subject (by its externalId) and carry it out',
    description: 'dueAt is one calendar month after receivedAt (Art. 12(3); 31 January gives the last day of February). '
      + 'erasure, restriction, lift_restriction, rectification and objection run at once and answer status "completed" with the outcome; '
      + 'access and portability complete at once and name the export URLs in outcome.export. '
      + 'With "execute": false the request is only tracked (status "received") until POST /v1/requests/{id}/execute or /cancel. '
      + 'Erasure scope: { "all": true } or { "datasets": [...], "fields": ["email", "phone", "attributes" or an attribute name] }. '
      + 'Rectification scope: { "email", "phone", "attributes": { name: value or null } }; the new values are applied, never stored in the request. '
      + 'Restriction scope: { "reason": one of the four grounds of Art. 18(1) }. An unknown subject is 404.',
    responses: { 201: { description: 'Received (and completed unless only tracked)', schema: CreatedResponse } },
  },
  {
    method: 'get', path: '/v1/requests', tag, auth, query: ListRequestsQuery,
    summary: 'List requests, by due date; overdue=true gives open requests past their due date',
    responses: { 200: { description: 'The requests', schema: RequestListResponse } },
  },
  {
    method: 'get', path: '/v1/requests/{id}', tag, auth, params: RequestIdParams,
    summary: 'Read one request with its status and outcome', responses: { 200: { description: 'The request', schema: RequestView } },
  },
  {
    method: 'post', path: '/v1/requests/{id}/extend', tag, auth, params: RequestIdParams, body: ExtendRequestBody,
    summary: 'Extend an open request once by one or two months, with a reason',
    description: 'Only within the first month (Art. 12(3)). The person is told first: by e-mail when an address is known, '
      + 'else extension.notice.via is "requester" and the caller must pass the reason on. 409 EXTENSION_NOT_ALLOWED otherwise.',
    responses: { 200: { description: 'Extended', schema: RequestView } },
  },
  {
    method: 'post', path: '/v1/requests/{id}/cancel', tag, auth, params: RequestIdParams,
    summary: 'Cancel an open request', responses: { 200: { description: 'Cancelled', schema: RequestView } },
  },
  {
    method: 'post', path: '/v1/requests/{id}/refuse', tag, auth, params: RequestIdParams, body: RefuseRequestBody,
    summary: 'Decline to act on an open request, with the ground and a justification',
    description: 'Art. 12(4)-(5): the person is sent the reasons and their right to complain to the Autoriteit Persoonsgegevens '
      + 'and to go to court (by e-mail when an address is known, else outcome.notice.via is "requester"); status becomes "refused".',
    responses: { 200: { description: 'Refused', schema: RequestView } },
  },
  {
    method: 'post', path: '/v1/requests/{id}/execute', tag, auth, params: RequestIdParams, body: ExecuteRequestBody,
    summary: 'Carry out a request filed with "execute": false',
    description: 'A rectification needs its new values again in "scope": they were not stored.',
    responses: { 200: { description: 'Executed', schema: CreatedResponse } },
  },
  {
    method: 'get', path: '/v1/requests/{id}/export', tag, auth, params: RequestIdParams, query: ExportQuery,
    summary: 'Download the export of a completed access or portability request (format json or csv)',
    description: 'Built from the live data when asked: format "akkoord.subject-export.v1" (JSON) or a flat CSV with columns '
      + 'section,item,time,field,value (cells that would start a spreadsheet formula begin with a quote). 404 once the subject is erased.',
    responses: { 200: { description: 'The export: application/json for format=json, text/csv for format=csv', contentType: 'application/json' } },
  },
];

async function subjectIdOf(ctx: AppContext, tenantId: string, externalId: string): Promise<string> {
  const subject = await findSubjectByExternalId(ctx.db, tenantId, externalId);
  if (!subject) throw notFound('subject');
  return subject.id;
}

export function requestRoutes(ctx: AppContext) {
  return new Hono<AuthEnv>()
    .use('/v1/requests', requireScope(ctx, 'requests:manage'))
    .use('/v1/requests/*', requireScope(ctx, 'requests:manage'))
    .post('/v1/requests', validate('json', CreateRequestBody), async (c) => {
      const { tenantId, keyId } = c.get('auth');
      const body = c.req.valid('json');
      const subjectId = await subjectIdOf(ctx, tenantId, body.subject);
      const { request, result } = await submitRequest(ctx, {
        tenantId, subjectId, type: body.type, scope: body.scope, origin: 'api', actor: keyId, execute: body.execute,
      });
      return c.json({ ...request, result }, 201);
    })
    .get('/v1/requests', validate('query', ListRequestsQuery), async (c) => {
      const { tenantId } = c.get('auth');
      const query = c.req.valid('query');
      let subjectId: string | undefined;
      if (query.subject !== undefined) {
        const subject = await findSubjectByExternalId(ctx.db, tenantId, query.subject);
        if (!subject) return c.json({ requests: [] });
        subjectId = subject.id;
      }
      const requests = await listRequests(ctx, tenantId, {
        status: query.status, type: query.type, subjectId, limit: query.limit,
        overdue: query.overdue === undefined ? undefined : query.overdue === 'true',
      });
      return c.json({ requests });
    })
    .get('/v1/requests/:id', validate('param', RequestIdParams), async (c) =>
      c.json(await getRequest(ctx, c.get('auth').tenantId, c.req.valid('param').id)))
    .post('/v1/requests/:id/extend', validate('param', RequestIdParams), validate('json', ExtendRequestBody), async (c) => {
      const { tenantId, keyId } = c.get('auth');
      const { reason, months } = c.req.valid('json');
      const row = await extendRequest(ctx, { tenantId, requestId: c.req.valid('param').id, reason, months, actor: keyId });
      return c.json(await getRequest(ctx, tenantId, row.id));
    })
    .post('/v1/requests/:id/cancel', validate('param', RequestIdParams), async (c) => {
      const { tenantId, keyId } = c.get('auth');
      const row = await cancelRequest(ctx, { tenantId, requestId: c.req.valid('param').id, actor: keyId });
      return c.json(await getRequest(ctx, tenantId, row.id));
    })
    .post('/v1/requests/:id/refuse', validate('param', RequestIdParams), validate('json', RefuseRequestBody), async (c) => {
      const { tenantId, keyId } = c.get('auth');
      const { ground, explanation } = c.req.valid('json');
      const row = await refuseRequest(ctx, { tenantId, requestId: c.req.valid('param').id, ground, explanation, actor: keyId });
      return c.json(await getRequest(ctx, tenantId, row.id));
    })
    .post('/v1/requests/:id/execute', validate('param', RequestIdParams), async (c) => {
      const { tenantId, keyId } = c.get('auth');
      const raw = c.req.header('content-length') === '0' || !c.req.header('content-type') ? {} : await c.req.json().catch(() => {
        throw new ApiError(400, 'MALFORMED_JSON', 'The body is not valid JSON');
      });
      const parsed = v.safeParse(ExecuteRequestBody, raw);
      if (!parsed.success) throw new ApiError(400, 'VALIDATION_FAILED', 'Invalid json', parsed.issues.map((i) => ({ path: v.getDotPath(i) ?? '', message: i.message })));
      const { request, result } = await executeRequest(ctx, { tenantId, requestId: c.req.valid('param').id, actor: keyId, scope: parsed.output.scope });
      return c.json({ ...request, result });
    })
    .get('/v1/requests/:id/export', validate('param', RequestIdParams), validate('query', ExportQuery), async (c) => {
      const { tenantId } = c.get('auth');
      const row = await getRequestRow(ctx.db, tenantId, c.req.valid('param').id);
      if (row.type !== 'access' && row.type !== 'portability') throw notFound('export: only access and portability requests have one');
      if (row.status !== 'completed') throw new ApiError(409, 'REQUEST_NOT_OPEN', `The request is ${row.status}, not completed`);
      if (row.subject_id === null) throw notFound('subject');
      const { format, locale } = c.req.valid('query');
      const file = await exportSubject(ctx, tenantId, row.subject_id, format, { locale });
      return c.body(file.body, 200, {
        'content-type': file.contentType,
        'content-disposition': `attachment; filename="${file.filename}"`,
        'cache-control': 'no-store',
      });
    });
}
