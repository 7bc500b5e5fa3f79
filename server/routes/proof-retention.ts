// How long the tenant's proof is kept (ledger, feed, audit log, erasure register), and
// pruning on demand; the server also prunes on a timer.
import { Hono } from 'hono';
import {
  ProofPruneResponse,
  ProofRetentionBody,
  ProofRetentionResponse,
} from '../../shared/schemas/proof-retention.js';
import { requireScope, type AuthEnv } from '../auth.js';
import type { AppContext } from '../context.js';
import { describe } from '../openapi/describe.js';
import {
  pruneProof,
  readProofRetention,
  saveProofRetention,
} from '../services/registers/proof-retention.js';
import { validate } from '../validate.js';

const tag = 'Accountability';
const rules =
  'Days, each optional (null or left out: the default). ledgerDays: ledger events are kept this long after they were ' +
  "recorded (default: the consent lifetime plus five years, at least 365); the event that set a person's current consent is kept " +
  'whatever its age. feedDays: default 90. auditDays: default 1826 (five years). erasureRegisterDays: tombstones of erased people; ' +
  'default: kept as long as the tenant exists.';

export function proofRetentionRoutes(ctx: AppContext) {
  return new Hono<AuthEnv>()
    .get(
      '/v1/tenant/proof-retention',
      describe({
        tag,
        auth: { scopes: ['admin', 'audit:read'] },
        summary:
          'How long ledger events, feed events, audit entries and the erasure register are kept',
        description: rules,
        responses: {
          200: { description: 'The settings and what applies', schema: ProofRetentionResponse },
        },
      }),
      requireScope(ctx, 'admin', 'audit:read'),
      async (c) => c.json(await readProofRetention(ctx, c.get('auth').tenantId)),
    )
    .put(
      '/v1/tenant/proof-retention',
      describe({
        tag,
        auth: { scopes: ['admin'] },
        body: ProofRetentionBody,
        summary: 'Set how long the proof is kept',
        description: rules,
        responses: {
          200: { description: 'Saved', schema: ProofRetentionResponse },
          400: 'Invalid',
        },
      }),
      requireScope(ctx, 'admin'),
      validate('json', ProofRetentionBody),
      async (c) => {
        const { tenantId, keyId } = c.get('auth');
        return c.json(await saveProofRetention(ctx, tenantId, c.req.valid('json'), keyId));
      },
    )
    .post(
      '/v1/tenant/proof-retention/run',
      describe({
        tag,
        auth: { scopes: ['admin'] },
        summary:
          'Remove the proof older than its retention now (the server also does so every six hours)',
        description:
          'Pruned ledger events are replaced by a signed checkpoint (position, hash, time, key id); GET /v1/ledger/verify then ' +
          'starts from the newest checkpoint and reports it. Each run is in the audit log as proof.pruned with its counts.',
        responses: { 200: { description: 'What was removed', schema: ProofPruneResponse } },
      }),
      requireScope(ctx, 'admin'),
      async (c) => {
        const { tenantId, keyId } = c.get('auth');
        return c.json(await pruneProof(ctx, tenantId, keyId));
      },
    );
}
