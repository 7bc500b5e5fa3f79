// One entry point for a data-subject request from the API or the preference center:
// record it (received, due in a month) and, unless asked only to track it, carry it
// out at once through the service for that right, which completes it in its own
// transaction. The stored scope never holds personal data: a rectification keeps the
// names of the fields, not their new values.
import * as v from 'valibot';
import {
  ErasureScope,
  ObjectionScope,
  RectificationScope,
  RestrictionScope,
  type IdentityCheckMethod,
  type RequestChannel,
  type RequestOrigin,
  type RequestType,
  type RequestView,
} from '../../../shared/schemas/requests.js';
import type { AppContext } from '../../context.js';
import type { RequestsTable } from '../../db/database.js';
import { ApiError } from '../../errors.js';
import { eraseSubject } from './erase.js';
import { objectToMarketing, storeObjectionReason } from './object.js';
import { rectifySubject } from './rectify.js';
import { mailExportLink } from '../me/export-link.js';
import { completeRequest, createRequest, getRequest, getRequestRow } from './requests.js';
import { liftRestriction, restrictSubject } from './restrict.js';
import { sendInformationNotice } from './information-notice.js';
import { loadSubject } from './subject-row.js';

export interface SubmitInput {
  tenantId: string;
  subjectId: string;
  type: RequestType;
  /** As the request API accepts it; validated here again for callers that skip the route schema. */
  scope?: unknown;
  origin: RequestOrigin;
  /** key_..., 'data_subject' or 'system'. */
  actor: string;
  /** false: only track it (e.g. identity still to verify, Art. 12(6)); run it with executeRequest. */
  execute?: boolean;
  locale?: string;
  /** For a request registered by hand: when it arrived, how, and how identity was checked. */
  receivedAt?: string;
  channel?: RequestChannel;
  identityCheck?: { method: IdentityCheckMethod };
}

export interface SubmitResult {
  request: RequestView;
  /** What the right's service returned; null when only tracked. */
  result: unknown;
}

function parseScope<T extends v.GenericSchema>(schema: T, scope: unknown): v.InferOutput<T> {
  const parsed = v.safeParse(schema, scope ?? {});
  if (!parsed.success) {
    throw new ApiError(
      400,
      'VALIDATION_FAILED',
      'Invalid scope',
      parsed.issues.map((i) => ({ path: `scope.${v.getDotPath(i) ?? ''}`, message: i.message })),
    );
  }
  return parsed.output;
}

/** The scope as stored: what the request covers, without the values it brings. */
function storedScope(type: RequestType, scope: unknown): Record<string, unknown> {
  switch (type) {
    case 'erasure':
      return parseScope(ErasureScope, scope) as Record<string, unknown>;
    case 'restriction':
      return parseScope(RestrictionScope, scope);
    case 'rectification': {
      const fields = parseScope(RectificationScope, scope);
      return {
        fields: [
          ...(fields.email ? ['email'] : []),
          ...(fields.phone ? ['phone'] : []),
          ...Object.keys(fields.attributes ?? {}).map((a) => `attributes.${a}`),
        ],
      };
    }
    default:
      return {};
  }
}

export async function submitRequest(ctx: AppContext, input: SubmitInput): Promise<SubmitResult> {
  const subject = await loadSubject(ctx.db, input.tenantId, input.subjectId);
  const scope = storedScope(input.type, input.scope);
  const reason =
    input.type === 'objection' ? parseScope(ObjectionScope, input.scope).reason : undefined;
  if (input.type === 'lift_restriction' && subject.restricted !== 1) {
    throw new ApiError(409, 'CONFLICT', 'Processing of this subject is not restricted');
  }
  const receivedAt =
    input.receivedAt === undefined ? undefined : new Date(input.receivedAt).toISOString();
  // Five minutes of leeway for clocks; a request cannot arrive in the future.
  if (receivedAt !== undefined && Date.parse(receivedAt) > ctx.clock.now().getTime() + 5 * 60_000) {
    throw new ApiError(400, 'VALIDATION_FAILED', 'receivedAt lies in the future', [
      { path: 'receivedAt', message: 'not after now' },
    ]);
  }
  if (input.channel !== undefined && input.execute !== false && !input.identityCheck) {
    throw new ApiError(
      409,
      'CONFLICT',
      'A request registered by hand runs only after the identity check is noted (identityCheck), or is tracked with "execute": false',
    );
  }
  const row = await createRequest(ctx, {
    tenantId: input.tenantId,
    subjectId: input.subjectId,
    type: input.type,
    scope,
    origin: input.origin,
    actor: input.actor,
    receivedAt,
    channel: input.channel,
    identityCheck: input.identityCheck,
  });
  // The reason is the person's own text: kept encrypted beside the request, not in its scope.
  if (reason) await storeObjectionReason(ctx.db, ctx.keyring, input.tenantId, row.id, reason);
  if (input.execute === false)
    return { request: await getRequest(ctx, input.tenantId, row.id), result: null };
  const result = await runRight(ctx, row, input.scope, input.actor, input.locale);
  return { request: await getRequest(ctx, input.tenantId, row.id), result };
}

/** Carries out a tracked request; a rectification needs its new values in `scope` again. */
export async function executeRequest(
  ctx: AppContext,
  input: { tenantId: string; requestId: string; actor: string; scope?: unknown; locale?: string },
): Promise<SubmitResult> {
  const row = await getRequestRow(ctx.db, input.tenantId, input.requestId);
  if (row.status !== 'received')
    throw new ApiError(409, 'REQUEST_NOT_OPEN', `The request is already ${row.status}`);
  if (row.subject_id === null)
    throw new ApiError(409, 'SUBJECT_ERASED', 'The subject of this request no longer exists');
  if (row.channel !== null && row.identity_check === null) {
    throw new ApiError(
      409,
      'CONFLICT',
      "Note how the person's identity was checked first: POST /v1/requests/{id}/identity-check",
    );
  }
  const scope = row.type === 'rectification' ? input.scope : JSON.parse(row.scope);
  const result = await runRight(ctx, row, scope, input.actor, input.locale);
  return { request: await getRequest(ctx, input.tenantId, row.id), result };
}

async function runRight(
  ctx: AppContext,
  row: RequestsTable,
  scope: unknown,
  actor: string,
  locale?: string,
): Promise<unknown> {
  const base = { tenantId: row.tenant_id, subjectId: row.subject_id!, requestId: row.id, actor };
  switch (row.type as RequestType) {
    case 'erasure':
      return eraseSubject(ctx, { ...base, scope: parseScope(ErasureScope, scope) });
    case 'restriction':
      return restrictSubject(ctx, { ...base, reason: parseScope(RestrictionScope, scope).reason });
    case 'lift_restriction':
      return liftRestriction(ctx, base);
    case 'rectification':
      return rectifySubject(ctx, { ...base, fields: parseScope(RectificationScope, scope) });
    case 'objection':
      return objectToMarketing(ctx, {
        ...base,
        source: row.origin === 'preference_center' ? 'preference_center' : 'api',
        locale,
      });
    case 'information_notice':
      return sendInformationNotice(ctx, row.tenant_id, row.id, actor);
    case 'access':
    case 'portability': {
      // The export is built on demand from the live data, so it is never stale or kept longer than needed.
      const outcome =
        row.origin === 'api'
          ? {
              export: {
                json: `/v1/requests/${row.id}/export?format=json`,
                csv: `/v1/requests/${row.id}/export?format=csv`,
              },
            }
          : { export: { json: '/v1/me/export?format=json', csv: '/v1/me/export?format=csv' } };
      await loadSubject(ctx.db, row.tenant_id, row.subject_id!);
      await completeRequest(ctx, { tenantId: row.tenant_id, requestId: row.id, outcome, actor });
      // The person gets the file too: a one-time link, behind the e-mail sign-in.
      await mailExportLink(ctx, {
        tenantId: row.tenant_id,
        subjectId: row.subject_id!,
        requestId: row.id,
        type: row.type as 'access' | 'portability',
        locale,
      });
      return outcome;
    }
  }
}
