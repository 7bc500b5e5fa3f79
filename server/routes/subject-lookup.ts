// GET /v1/subjects?email= or ?phone= (pii:read): the people with that address, found by
// keyed hash, never by scanning plaintext; and GET /v1/subjects/{externalId}/history,
// the consent ledger of one person, oldest first. A lookup is audited: it reads
// personal data, and the log says who looked (by id) and how many were found.
import { Hono } from 'hono';
import {
  HistoryQuery,
  HistoryResponse,
  SubjectLookupQuery,
  SubjectLookupResponse,
} from '../../shared/schemas/subject-lookup.js';
import { ExternalIdParams } from '../../shared/schemas/subjects.js';
import { requireScope, type AuthEnv } from '../auth.js';
import type { AppContext } from '../context.js';
import { ApiError } from '../errors.js';
import { describe } from '../openapi/describe.js';
import { appendAudit } from '../services/registers/audit.js';
import { emailHash, phoneHash } from '../services/subjects/personal-data.js';
import { requireExternalSubject } from '../services/subjects/subjects.js';
import { validate } from '../validate.js';

export function subjectLookupRoutes(ctx: AppContext) {
  return new Hono<AuthEnv>()
    .get(
      '/v1/subjects',
      describe({
        tag: 'Subjects',
        auth: { scopes: ['pii:read'] },
        query: SubjectLookupQuery,
        summary: 'Find people by e-mail address or phone number (exactly one of the two)',
        description:
          'Matched by keyed hash of the normalised value (lower-case e-mail; phone without spaces, dots, dashes or brackets). ' +
          'Answers every match, also people known only by address (externalId null); each lookup is written to the audit log as subject.looked_up.',
        responses: {
          200: { description: 'The matches (possibly none)', schema: SubjectLookupResponse },
        },
      }),
      requireScope(ctx, 'pii:read'),
      validate('query', SubjectLookupQuery),
      async (c) => {
        const { tenantId, keyId } = c.get('auth');
        const { email, phone } = c.req.valid('query');
        if ((email === undefined) === (phone === undefined))
          throw new ApiError(400, 'VALIDATION_FAILED', 'Give exactly one of email and phone');
        const by = email !== undefined ? 'email' : 'phone';
        const rows = await ctx.db
          .selectFrom('subjects')
          .select([
            'id',
            'external_id',
            'email_enc',
            'phone_enc',
            'restricted',
            'objected_at',
            'created_at',
            'last_activity_at',
          ])
          .where('tenant_id', '=', tenantId)
          .where(
            by === 'email' ? 'email_hash' : 'phone_hash',
            '=',
            by === 'email' ? emailHash(ctx.keyring, email!) : phoneHash(ctx.keyring, phone!),
          )
          .where('merged_into', 'is', null)
          .orderBy('created_at')
          .limit(50)
          .execute();
        const at = ctx.clock.now().toISOString();
        await ctx.db.transaction().execute((trx) =>
          appendAudit(
            trx,
            tenantId,
            {
              actor: keyId,
              action: 'subject.looked_up',
              target: rows.length === 1 ? rows[0].id : null,
              details: { by, matches: rows.map((r) => r.id) },
            },
            at,
          ),
        );
        return c.json(
          {
            subjects: rows.map((r) => ({
              id: r.id,
              externalId: r.external_id,
              email: r.email_enc === null ? null : ctx.keyring.decrypt(r.email_enc),
              phone: r.phone_enc === null ? null : ctx.keyring.decrypt(r.phone_enc),
              restricted: r.restricted === 1,
              objected: r.objected_at !== null,
              createdAt: r.created_at,
              lastActivityAt: r.last_activity_at,
            })),
          },
          200,
          { 'cache-control': 'no-store' },
        );
      },
    )
    .get(
      '/v1/subjects/:externalId/history',
      describe({
        tag: 'Subjects',
        auth: { scopes: ['subjects:read'] },
        params: ExternalIdParams,
        query: HistoryQuery,
        summary:
          "The person's consent decisions as the ledger holds them, oldest first, with source, notice version and receipt id",
        description:
          'Includes the decisions of banner visitors merged into this person. No request context (IP, user agent). Pass `next` as `after` to read on.',
        responses: {
          200: { description: 'A page of decisions', schema: HistoryResponse },
          404: 'Unknown subject',
        },
      }),
      requireScope(ctx, 'subjects:read'),
      validate('param', ExternalIdParams),
      validate('query', HistoryQuery),
      async (c) => {
        const { tenantId } = c.get('auth');
        const { after, limit } = c.req.valid('query');
        const subject = await requireExternalSubject(
          ctx.db,
          tenantId,
          c.req.valid('param').externalId,
        );
        const merged = await ctx.db
          .selectFrom('subjects')
          .select('id')
          .where('tenant_id', '=', tenantId)
          .where('merged_into', '=', subject.id)
          .execute();
        const rows = await ctx.db
          .selectFrom('consent_events')
          .select([
            'seq',
            'consent_id',
            'purpose',
            'channel',
            'status',
            'source',
            'config_version',
            'notice_hash',
            'locale',
            'gpc',
            'captured_at',
            'occurred_at',
          ])
          .where('tenant_id', '=', tenantId)
          .where('subject_id', 'in', [subject.id, ...merged.map((m) => m.id)])
          .where('seq', '>', Number(after ?? 0))
          .orderBy('seq')
          .limit(limit)
          .execute();
        return c.json({
          events: rows.map((r) => ({
            seq: Number(r.seq),
            consentId: r.consent_id,
            purpose: r.purpose,
            channel: r.channel === '' ? null : r.channel,
            status: r.status,
            source: r.source,
            configVersion: r.config_version,
            noticeHash: r.notice_hash,
            locale: r.locale,
            gpc: r.gpc === 1,
            capturedAt: r.captured_at,
            occurredAt: r.occurred_at,
          })),
          next: String(rows.at(-1)?.seq ?? after ?? 0),
        });
      },
    );
}
