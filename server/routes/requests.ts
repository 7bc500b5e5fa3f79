// Data-subject requests by API (scope requests:manage). A request is
// carried out at once through the same services as the preference center; with
// "execute": false it is only tracked (received, due date) until executed or cancelled.
// Access and portability complete at once; their export is read at /export.
import { Hono } from 'hono';
import * as v from 'valibot';
import {
  CreateRequestBody,
  ExecuteRequestBody,
  ExportQuery,
  ExtendRequestBody,
  IdentityCheckBody,
  ListRequestsQuery,
  RefuseRequestBody,
  RequestIdParams,
  RequestListResponse,
  RequestView,
} from '../../shared/schemas/requests.js';
import { requireScope, type AuthEnv } from '../auth.js';
import type { AppContext } from '../context.js';
import { ApiError, notFound } from '../errors.js';
import { describe } from '../openapi/describe.js';
import { auditPiiRead } from '../services/subjects/pii-read-audit.js';
import { exportSubject } from '../services/rights/access-export.js';
import { objectionReasons } from '../services/rights/object.js';
import {
  cancelRequest,
  extendRequest,
  getRequest,
  getRequestRow,
  listRequests,
  noteIdentityCheck,
  parseRequestCursor,
  refuseRequest,
  requestCursor,
} from '../services/rights/requests.js';
import { executeRequest, submitRequest } from '../services/rights/submit.js';
import { findSubjectByExternalId } from '../services/subjects/subjects-core.js';
import { SubjectExport } from '../../shared/schemas/exports.js';
import { validate, validationError } from '../validate.js';

const auth = { scopes: ['requests:manage' as const] };
const tag = 'Data-subject requests';
/** The right's outcome when it was carried out at once (as in outcome), else null. */
const CreatedResponse = v.object({ ...RequestView.entries, result: v.nullable(v.looseObject({})) });

async function subjectIdOf(ctx: AppContext, tenantId: string, externalId: string): Promise<string> {
  const subject = await findSubjectByExternalId(ctx.db, tenantId, externalId);
  if (!subject) throw notFound('subject');
  return subject.id;
}

export function requestRoutes(ctx: AppContext) {
  return new Hono<AuthEnv>()
    .use('/v1/requests', requireScope(ctx, 'requests:manage'))
    .use('/v1/requests/*', requireScope(ctx, 'requests:manage'))
    .post(
      '/v1/requests',
      describe({
        tag,
        auth,
        body: CreateRequestBody,
        summary: 'File a data-subject request for a subject (by its externalId) and carry it out',
        description:
          'dueAt is one calendar month after receivedAt (Art. 12(3); 31 January gives the last day of February). ' +
          'erasure, restriction, lift_restriction, rectification and objection run at once and answer status "completed" with the outcome; ' +
          'access and portability complete at once and name the export URLs in outcome.export. ' +
          'With "execute": false the request is only tracked (status "received") until POST /v1/requests/{id}/execute or /cancel. ' +
          'Erasure scope: { "all": true } or { "datasets": [...], "fields": ["email", "phone", "attributes" or an attribute name] }. ' +
          'Rectification scope: { "email", "phone", "attributes": { name: value or null } }; the new values are applied, never stored in the request. ' +
          'Restriction scope: { "reason": one of the four grounds of Art. 18(1) }. An unknown subject is 404. ' +
          'A request that arrived by letter, phone or e-mail is registered with "channel" and, when earlier, "receivedAt" (the deadline runs from it; ' +
          'not in the future); it runs only once "identityCheck": { "method" } is noted (here or with /identity-check), else 409 (Art. 12(6)).',
        responses: {
          201: {
            description: 'Received (and completed unless only tracked)',
            schema: CreatedResponse,
          },
        },
      }),
      validate('json', CreateRequestBody),
      async (c) => {
        const { tenantId, keyId } = c.get('auth');
        const body = c.req.valid('json');
        const subjectId = await subjectIdOf(ctx, tenantId, body.subject);
        const { request, result } = await submitRequest(ctx, {
          tenantId,
          subjectId,
          type: body.type,
          scope: body.scope,
          origin: 'api',
          actor: keyId,
          execute: body.execute,
          receivedAt: body.receivedAt,
          channel: body.channel,
          identityCheck: body.identityCheck,
        });
        return c.json({ ...request, result }, 201);
      },
    )
    .get(
      '/v1/requests',
      describe({
        tag,
        auth,
        query: ListRequestsQuery,
        summary: 'List requests, by due date; overdue=true gives open requests past their due date',
        description:
          "Paged by keyset: pass the answer's `next` as `after` for the following page (null on the last one).",
        responses: { 200: { description: 'The requests', schema: RequestListResponse } },
      }),
      validate('query', ListRequestsQuery),
      async (c) => {
        const { tenantId } = c.get('auth');
        const query = c.req.valid('query');
        let subjectId: string | undefined;
        const after = query.after === undefined ? undefined : parseRequestCursor(query.after);
        if (after === null)
          throw new ApiError(400, 'BAD_CURSOR', 'The cursor is not one this API gave out');
        if (query.subject !== undefined) {
          const subject = await findSubjectByExternalId(ctx.db, tenantId, query.subject);
          if (!subject) return c.json({ requests: [], next: null });
          subjectId = subject.id;
        }
        const requests = await listRequests(ctx, tenantId, {
          status: query.status,
          type: query.type,
          subjectId,
          limit: query.limit,
          after,
          overdue: query.overdue === undefined ? undefined : query.overdue === 'true',
        });
        return c.json({
          requests,
          next:
            requests.length === query.limit ? requestCursor(requests[requests.length - 1]) : null,
        });
      },
    )
    .get(
      '/v1/requests/:id',
      describe({
        tag,
        auth,
        params: RequestIdParams,
        summary: 'Read one request with its status and outcome',
        description:
          'An objection\'s reason, when the person gave one, is in "reason" (only here, not in the list); reading it leaves an audit entry request.reason_read.',
        responses: { 200: { description: 'The request', schema: RequestView } },
      }),
      validate('param', RequestIdParams),
      async (c) => {
        const { tenantId, keyId } = c.get('auth');
        const view = await getRequest(ctx, tenantId, c.req.valid('param').id);
        const reason = (await objectionReasons(ctx.db, ctx.keyring, tenantId, [view.id])).get(
          view.id,
        );
        if (reason === undefined) return c.json(view);
        await auditPiiRead(ctx, tenantId, {
          actor: keyId,
          action: 'request.reason_read',
          target: view.subject.id ?? view.id,
          details: { requestId: view.id },
        });
        return c.json({ ...view, reason });
      },
    )
    .post(
      '/v1/requests/:id/extend',
      describe({
        tag,
        auth,
        params: RequestIdParams,
        body: ExtendRequestBody,
        summary: 'Extend an open request once by one or two months, with a reason',
        description:
          'Only within the first month (Art. 12(3)). The person is told first: by e-mail when an address is known (queued before the extension is stored), ' +
          'else extension.notice.via is "requester" and the caller must pass the reason on. 409 EXTENSION_NOT_ALLOWED otherwise.',
        responses: { 200: { description: 'Extended', schema: RequestView } },
      }),
      validate('param', RequestIdParams),
      validate('json', ExtendRequestBody),
      async (c) => {
        const { tenantId, keyId } = c.get('auth');
        const { reason, months } = c.req.valid('json');
        const row = await extendRequest(ctx, {
          tenantId,
          requestId: c.req.valid('param').id,
          reason,
          months,
          actor: keyId,
        });
        return c.json(await getRequest(ctx, tenantId, row.id));
      },
    )
    .post(
      '/v1/requests/:id/identity-check',
      describe({
        tag,
        auth,
        params: RequestIdParams,
        body: IdentityCheckBody,
        summary:
          "Note how the person's identity was checked (a method, never the evidence), before the request runs",
        description:
          'Art. 12(6). Recorded with who checked and when; a request registered with a channel cannot be executed without it.',
        responses: { 200: { description: 'Noted', schema: RequestView } },
      }),
      validate('param', RequestIdParams),
      validate('json', IdentityCheckBody),
      async (c) => {
        const { tenantId, keyId } = c.get('auth');
        const row = await noteIdentityCheck(ctx, {
          tenantId,
          requestId: c.req.valid('param').id,
          method: c.req.valid('json').method,
          actor: keyId,
        });
        return c.json(await getRequest(ctx, tenantId, row.id));
      },
    )
    .post(
      '/v1/requests/:id/cancel',
      describe({
        tag,
        auth,
        params: RequestIdParams,
        summary: 'Cancel an open request',
        responses: { 200: { description: 'Cancelled', schema: RequestView } },
      }),
      validate('param', RequestIdParams),
      async (c) => {
        const { tenantId, keyId } = c.get('auth');
        const row = await cancelRequest(ctx, {
          tenantId,
          requestId: c.req.valid('param').id,
          actor: keyId,
        });
        return c.json(await getRequest(ctx, tenantId, row.id));
      },
    )
    .post(
      '/v1/requests/:id/refuse',
      describe({
        tag,
        auth,
        params: RequestIdParams,
        body: RefuseRequestBody,
        summary: 'Decline to act on an open request, with the ground and a justification',
        description:
          'Art. 12(4)-(5): the person is sent the reasons and their right to complain to the Autoriteit Persoonsgegevens ' +
          'and to go to court (by e-mail when an address is known, else outcome.notice.via is "requester"); status becomes "refused".',
        responses: { 200: { description: 'Refused', schema: RequestView } },
      }),
      validate('param', RequestIdParams),
      validate('json', RefuseRequestBody),
      async (c) => {
        const { tenantId, keyId } = c.get('auth');
        const { ground, explanation } = c.req.valid('json');
        const row = await refuseRequest(ctx, {
          tenantId,
          requestId: c.req.valid('param').id,
          ground,
          explanation,
          actor: keyId,
        });
        return c.json(await getRequest(ctx, tenantId, row.id));
      },
    )
    .post(
      '/v1/requests/:id/execute',
      describe({
        tag,
        auth,
        params: RequestIdParams,
        body: ExecuteRequestBody,
        summary: 'Carry out a request filed with "execute": false',
        description: 'A rectification needs its new values again in "scope": they were not stored.',
        responses: { 200: { description: 'Executed', schema: CreatedResponse } },
      }),
      validate('param', RequestIdParams),
      async (c) => {
        const { tenantId, keyId } = c.get('auth');
        const raw =
          c.req.header('content-length') === '0' || !c.req.header('content-type')
            ? {}
            : await c.req.json().catch(() => {
                throw new ApiError(400, 'MALFORMED_JSON', 'The body is not valid JSON');
              });
        const parsed = v.safeParse(ExecuteRequestBody, raw);
        if (!parsed.success) throw validationError('json', parsed.issues);
        const { request, result } = await executeRequest(ctx, {
          tenantId,
          requestId: c.req.valid('param').id,
          actor: keyId,
          scope: parsed.output.scope,
        });
        return c.json({ ...request, result });
      },
    )
    .get(
      '/v1/requests/:id/export',
      describe({
        tag,
        auth,
        params: RequestIdParams,
        query: ExportQuery,
        summary:
          'Download the export of a completed access or portability request (format json or csv)',
        description:
          'Built from the live data when asked: format "akkoord.subject-export.v1" (JSON) or a flat CSV with columns ' +
          'section,item,time,field,value (cells that would start a spreadsheet formula begin with a quote). 404 once the subject is erased. ' +
          'Each download leaves an audit entry request.export_read (the key, the subject id, the request id and the format).',
        responses: {
          200: {
            description: 'The export: application/json for format=json, text/csv for format=csv',
            schema: SubjectExport,
            alternatives: [{ contentType: 'text/csv' }],
          },
          409: 'REQUEST_NOT_OPEN: the request is not completed',
        },
      }),
      validate('param', RequestIdParams),
      validate('query', ExportQuery),
      async (c) => {
        const { tenantId, keyId } = c.get('auth');
        const row = await getRequestRow(ctx.db, tenantId, c.req.valid('param').id);
        if (row.type !== 'access' && row.type !== 'portability')
          throw notFound('export: only access and portability requests have one');
        if (row.status !== 'completed')
          throw new ApiError(
            409,
            'REQUEST_NOT_OPEN',
            `The request is ${row.status}, not completed`,
          );
        if (row.subject_id === null) throw notFound('subject');
        const { format, locale } = c.req.valid('query');
        const file = await exportSubject(ctx, tenantId, row.subject_id, format, { locale });
        await auditPiiRead(ctx, tenantId, {
          actor: keyId,
          action: 'request.export_read',
          target: row.subject_id,
          details: { requestId: row.id, format },
        });
        return c.body(file.body, 200, {
          'content-type': file.contentType,
          'content-disposition': `attachment; filename="${file.filename}"`,
          'cache-control': 'no-store',
        });
      },
    );
}
