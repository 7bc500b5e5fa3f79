// The breach register over HTTP (scope breaches:manage, or admin): record, list, read
// and update breaches, generate the text of the notification to the authority, and
// send the Art. 34 notice to the people concerned.
import { Hono } from 'hono';
import {
  BreachIdParams,
  BreachListQuery,
  BreachListResponse,
  BreachView,
  CommunicateBody,
  CommunicateResponse,
  CreateBreachBody,
  NotificationDocument,
  NotificationQuery,
  UpdateBreachBody,
} from '../../shared/schemas/breaches.js';
import { requireScope, type AuthEnv } from '../auth.js';
import type { AppContext } from '../context.js';
import { describe } from '../openapi/describe.js';
import { communicateBreach } from '../services/registers/breach-communication.js';
import {
  buildNotification,
  notificationToMarkdown,
} from '../services/registers/breach-notification.js';
import {
  controllerOf,
  createBreach,
  getBreach,
  listBreaches,
  updateBreach,
} from '../services/registers/breaches.js';
import { validate } from '../validate.js';

const auth = { scopes: ['breaches:manage' as const, 'admin' as const] };
const tag = 'Accountability';

export function breachRoutes(ctx: AppContext) {
  const scope = requireScope(ctx, 'breaches:manage', 'admin');
  return new Hono<AuthEnv>()
    .use('/v1/breaches', scope)
    .use('/v1/breaches/*', scope)
    .post(
      '/v1/breaches',
      describe({
        tag,
        auth,
        body: CreateBreachBody,
        summary: 'Record a personal-data breach (Art. 33(5))',
        description:
          'dueAt is awareAt + 72 hours (Art. 33(1)). A notification to the authority (apNotifiedAt) after dueAt needs ' +
          '`latenessReason`; `apNotificationRequired: false` needs `notificationNotRequiredReason`; a ground for not telling the ' +
          'people concerned (Art. 34(3)) needs `notTellingReason`. A broken rule is 400 VALIDATION_FAILED naming the field. ' +
          "When `dpoContact` is left out the register's DPO (tenant settings), else the controller, is the contact point. " +
          'No personal data: categories and approximate counts only.',
        responses: {
          201: { description: 'Recorded', schema: BreachView },
          400: 'Invalid or incomplete record',
        },
      }),
      validate('json', CreateBreachBody),
      async (c) => {
        const { tenantId, keyId } = c.get('auth');
        return c.json(await createBreach(ctx, tenantId, c.req.valid('json'), keyId), 201);
      },
    )
    .get(
      '/v1/breaches',
      describe({
        tag,
        auth,
        query: BreachListQuery,
        summary: 'The breach register, newest awareness first, with the 72-hour clock',
        description:
          '`overdue` is true while a required notification has not been made and dueAt has passed; `overdue=true|false` filters. ' +
          'Twelve hours before dueAt a `breach.deadline_near` feed event is written once per breach (webhooks that list the type receive it).',
        responses: { 200: { description: 'The register', schema: BreachListResponse } },
      }),
      validate('query', BreachListQuery),
      async (c) => {
        const { overdue } = c.req.valid('query');
        return c.json(
          await listBreaches(ctx, c.get('auth').tenantId, {
            overdue: overdue === undefined ? undefined : overdue === 'true',
          }),
        );
      },
    )
    .get(
      '/v1/breaches/:id',
      describe({
        tag,
        auth,
        params: BreachIdParams,
        summary: 'One breach',
        responses: {
          200: { description: 'The breach', schema: BreachView },
          404: 'Unknown breach',
        },
      }),
      validate('param', BreachIdParams),
      async (c) => c.json(await getBreach(ctx, c.get('auth').tenantId, c.req.valid('param').id)),
    )
    .patch(
      '/v1/breaches/:id',
      describe({
        tag,
        auth,
        params: BreachIdParams,
        body: UpdateBreachBody,
        summary:
          'Change fields of a breach, e.g. record the notification to the authority (apNotifiedAt, apReference)',
        description:
          'Fields left out keep their value; the whole record is checked again by the rules of POST /v1/breaches. The audit log names the changed fields.',
        responses: {
          200: { description: 'The breach', schema: BreachView },
          400: 'Invalid or incomplete record',
          404: 'Unknown breach',
        },
      }),
      validate('param', BreachIdParams),
      validate('json', UpdateBreachBody),
      async (c) => {
        const { tenantId, keyId } = c.get('auth');
        return c.json(
          await updateBreach(ctx, tenantId, c.req.valid('param').id, c.req.valid('json'), keyId),
        );
      },
    )
    .get(
      '/v1/breaches/:id/notification',
      describe({
        tag,
        auth,
        params: BreachIdParams,
        query: NotificationQuery,
        summary:
          'The notification to the authority, ready to paste (Art. 33(3)), in English or Dutch',
        description:
          'Every item of Art. 33(3) (nature, categories and approximate numbers of people and records, contact point, likely ' +
          'consequences, measures), the times, the reasons for a late notification, and what the people concerned are told. ' +
          '`format=md` (default) answers text/markdown, `format=json` the sections.',
        responses: {
          200: {
            description: 'The text; JSON with format=json',
            schema: NotificationDocument,
            alternatives: [{ contentType: 'text/markdown' }],
          },
          404: 'Unknown breach',
        },
      }),
      validate('param', BreachIdParams),
      validate('query', NotificationQuery),
      async (c) => {
        const { tenantId } = c.get('auth');
        const breach = await getBreach(ctx, tenantId, c.req.valid('param').id);
        const controller = await controllerOf(ctx, tenantId);
        const { lang, format } = c.req.valid('query');
        const doc = buildNotification(breach, controller, lang, ctx.clock.now().toISOString());
        if (format === 'json') return c.json(doc);
        return c.body(notificationToMarkdown(doc), 200, {
          'content-type': 'text/markdown; charset=utf-8',
        });
      },
    )
    .post(
      '/v1/breaches/:id/communications',
      describe({
        tag,
        auth,
        params: BreachIdParams,
        body: CommunicateBody,
        summary:
          'Tell the people concerned (Art. 34): queue a plain-language e-mail notice to everyone selected',
        description:
          'People are selected by data set (anyone with records in it), purpose (anyone who granted it) or externalId; each is ' +
          'sent the notice at most once per breach, at the e-mail address on file. The notice holds the nature of the breach, its likely ' +
          "consequences, the measures and the contact point, or `message` in the controller's own words with the contact point. " +
          'Who was told and when is kept beside the register; the breach shows the count. The body may be up to 2 MiB ' +
          '(10,000 externalIds). Each notice is queued together with the record that it was sent (the mail queue retries delivery).',
        responses: {
          200: { description: 'What was sent', schema: CommunicateResponse },
          400: 'No selector',
          404: 'Unknown breach',
          413: 'Body over 2 MiB',
        },
      }),
      validate('param', BreachIdParams),
      validate('json', CommunicateBody),
      async (c) => {
        const { tenantId, keyId } = c.get('auth');
        return c.json(
          await communicateBreach(
            ctx,
            tenantId,
            c.req.valid('param').id,
            c.req.valid('json'),
            keyId,
          ),
        );
      },
    );
}
