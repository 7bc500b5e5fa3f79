// The processors register (Art. 28) and the DPIA register (Art. 35-36) over HTTP.
// Reading needs admin or audit:read, like the ROPA they feed; changing needs admin.
import { Hono } from 'hono';
import {
  DpiaBody,
  DpiaChecklistQuery,
  DpiaChecklistResponse,
  DpiaListResponse,
  DpiaPurposeParams,
  DpiaView,
  dpiaCriteria,
  dpiaCriterionLabels,
  ProcessorBody,
  ProcessorListResponse,
  ProcessorView,
  RegisterIdParams,
} from '../../shared/schemas/registers.js';
import { requireScope, type AuthEnv } from '../auth.js';
import type { AppContext } from '../context.js';
import { describe } from '../openapi/describe.js';
import { deleteDpia, getDpia, listDpias, saveDpia } from '../services/registers/dpias.js';
import {
  deleteProcessor,
  getProcessor,
  listProcessors,
  saveProcessor,
} from '../services/registers/processors.js';
import { validate } from '../validate.js';

const read = { scopes: ['admin' as const, 'audit:read' as const] };
const write = { scopes: ['admin' as const] };
const tag = 'Accountability';
const processorRules =
  'Purposes must be keys of the published configuration (422 UNKNOWN_PURPOSE); a processor or sub-processor ' +
  'outside the EEA needs a transfer safeguard (400). The ROPA lists the processor as a recipient of each of its purposes, ' +
  "and its (and its sub-processors') locations outside the EEA as transfers of those purposes.";

export function registerRoutes(ctx: AppContext) {
  const reader = requireScope(ctx, 'admin', 'audit:read');
  const writer = requireScope(ctx, 'admin');
  return new Hono<AuthEnv>()
    .get(
      '/v1/processors',
      describe({
        tag,
        auth: read,
        summary: 'The processors register (Art. 28), by name',
        description:
          '`reviewOverdue` when the review date has passed; `agreementMissing` when no signed agreement is recorded.',
        responses: { 200: { description: 'The processors', schema: ProcessorListResponse } },
      }),
      reader,
      async (c) => c.json({ processors: await listProcessors(ctx, c.get('auth').tenantId) }),
    )
    .post(
      '/v1/processors',
      describe({
        tag,
        auth: write,
        body: ProcessorBody,
        summary: 'Add a processor',
        description: processorRules,
        responses: {
          201: { description: 'Added', schema: ProcessorView },
          400: 'Invalid',
          422: 'UNKNOWN_PURPOSE',
        },
      }),
      writer,
      validate('json', ProcessorBody),
      async (c) => {
        const { tenantId, keyId } = c.get('auth');
        return c.json(await saveProcessor(ctx, tenantId, null, c.req.valid('json'), keyId), 201);
      },
    )
    .get(
      '/v1/processors/:id',
      describe({
        tag,
        auth: read,
        params: RegisterIdParams,
        summary: 'One processor',
        responses: {
          200: { description: 'The processor', schema: ProcessorView },
          404: 'Unknown processor',
        },
      }),
      reader,
      validate('param', RegisterIdParams),
      async (c) => c.json(await getProcessor(ctx, c.get('auth').tenantId, c.req.valid('param').id)),
    )
    .put(
      '/v1/processors/:id',
      describe({
        tag,
        auth: write,
        params: RegisterIdParams,
        body: ProcessorBody,
        summary: "Replace a processor's record",
        description: processorRules,
        responses: {
          200: { description: 'Saved', schema: ProcessorView },
          404: 'Unknown processor',
          422: 'UNKNOWN_PURPOSE',
        },
      }),
      writer,
      validate('param', RegisterIdParams),
      validate('json', ProcessorBody),
      async (c) => {
        const { tenantId, keyId } = c.get('auth');
        return c.json(
          await saveProcessor(ctx, tenantId, c.req.valid('param').id, c.req.valid('json'), keyId),
        );
      },
    )
    .delete(
      '/v1/processors/:id',
      describe({
        tag,
        auth: write,
        params: RegisterIdParams,
        summary: 'Remove a processor',
        responses: { 204: 'Removed', 404: 'Unknown processor' },
      }),
      writer,
      validate('param', RegisterIdParams),
      async (c) => {
        const { tenantId, keyId } = c.get('auth');
        await deleteProcessor(ctx, tenantId, c.req.valid('param').id, keyId);
        return c.body(null, 204);
      },
    )
    .get(
      '/v1/dpias/checklist',
      describe({
        tag,
        auth: read,
        query: DpiaChecklistQuery,
        summary:
          'The kinds of processing that always need a DPIA in the Netherlands, as a checklist',
        responses: { 200: { description: 'The checklist', schema: DpiaChecklistResponse } },
      }),
      reader,
      validate('query', DpiaChecklistQuery),
      (c) => {
        const labels = dpiaCriterionLabels[c.req.valid('query').lang];
        return c.json({ criteria: dpiaCriteria.map((key) => ({ key, label: labels[key] })) });
      },
    )
    .get(
      '/v1/dpias',
      describe({
        tag,
        auth: read,
        summary: 'The DPIA register (Art. 35), one record per purpose',
        description:
          '`unassessed` lists the purposes of the published config without a record. `required` when a checklist item is ' +
          'ticked or `requiredOtherwise`; `priorConsultationNeeded` when the residual risk is high and the authority has not been ' +
          'consulted (Art. 36(1)); `reviewOverdue` when the review date has passed.',
        responses: { 200: { description: 'The register', schema: DpiaListResponse } },
      }),
      reader,
      async (c) => c.json(await listDpias(ctx, c.get('auth').tenantId)),
    )
    .get(
      '/v1/dpias/:purpose',
      describe({
        tag,
        auth: read,
        params: DpiaPurposeParams,
        summary: 'The DPIA record of one purpose',
        responses: { 200: { description: 'The record', schema: DpiaView }, 404: 'No record' },
      }),
      reader,
      validate('param', DpiaPurposeParams),
      async (c) => c.json(await getDpia(ctx, c.get('auth').tenantId, c.req.valid('param').purpose)),
    )
    .put(
      '/v1/dpias/:purpose',
      describe({
        tag,
        auth: write,
        params: DpiaPurposeParams,
        body: DpiaBody,
        summary: 'Create or replace the DPIA record of a purpose of the published configuration',
        description: 'A completed DPIA needs its date and residual risk (400).',
        responses: {
          200: { description: 'Saved', schema: DpiaView },
          400: 'Invalid',
          404: 'Not a purpose of the published configuration',
        },
      }),
      writer,
      validate('param', DpiaPurposeParams),
      validate('json', DpiaBody),
      async (c) => {
        const { tenantId, keyId } = c.get('auth');
        return c.json(
          await saveDpia(ctx, tenantId, c.req.valid('param').purpose, c.req.valid('json'), keyId),
        );
      },
    )
    .delete(
      '/v1/dpias/:purpose',
      describe({
        tag,
        auth: write,
        params: DpiaPurposeParams,
        summary: 'Remove the DPIA record of a purpose',
        responses: { 204: 'Removed', 404: 'No record' },
      }),
      writer,
      validate('param', DpiaPurposeParams),
      async (c) => {
        const { tenantId, keyId } = c.get('auth');
        await deleteDpia(ctx, tenantId, c.req.valid('param').purpose, keyId);
        return c.body(null, 204);
      },
    );
}
