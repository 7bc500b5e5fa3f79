// The subject export (format akkoord.subject-export.v1): what GET /v1/requests/{id}/export and
// POST /v1/me/export answer as JSON. The Art. 15 information block is prose for the person and
// grows with the configuration, so it is an open object; everything else is closed.
import * as v from 'valibot';
import { RequestView } from './requests.js';

const nullableString = v.nullable(v.string());

export const SubjectExport = v.object({
  format: v.literal('akkoord.subject-export.v1'),
  generatedAt: v.string(),
  locale: v.string(),
  processing: v.boolean(),
  subject: v.object({
    id: v.string(),
    externalId: nullableString,
    email: nullableString,
    phone: nullableString,
    attributes: v.record(v.string(), v.unknown()),
    linkedBrowsers: v.number(),
    createdAt: v.string(),
    updatedAt: v.string(),
    lastActivityAt: nullableString,
    restriction: v.object({ restricted: v.boolean(), reason: nullableString }),
    /** signal: 'gpc' when a browser's Global Privacy Control signal made the objection (Art. 21(5)). */
    objection: v.object({ objectedAt: nullableString, signal: v.optional(nullableString) }),
  }),
  consent: v.object({
    state: v.record(v.string(), v.unknown()),
    states: v.array(
      v.object({
        purpose: v.string(),
        channel: nullableString,
        status: v.string(),
        source: v.string(),
        configVersion: v.number(),
        updatedAt: v.string(),
        expiresAt: nullableString,
      }),
    ),
    history: v.array(
      v.object({
        seq: v.number(),
        occurredAt: v.string(),
        capturedAt: nullableString,
        purpose: v.string(),
        channel: nullableString,
        status: v.string(),
        source: v.string(),
        configVersion: v.number(),
        locale: v.string(),
        noticeHash: v.string(),
        gpc: v.boolean(),
        ipTruncated: nullableString,
        userAgent: nullableString,
        hash: v.string(),
      }),
    ),
  }),
  /** Per data set, the records with the data as the tenant stored it. */
  records: v.record(
    v.string(),
    v.array(v.object({ id: v.string(), createdAt: v.string(), data: v.unknown() })),
  ),
  requests: v.array(v.omit(RequestView, ['subject'])),
  /** Art. 19: who received which of the person's data (ids and category names), first and last. */
  recipients: v.array(
    v.object({
      kind: v.string(),
      id: v.string(),
      name: nullableString,
      categories: v.array(v.string()),
      firstAt: v.string(),
      lastAt: v.string(),
    }),
  ),
  information: v.looseObject({}),
});
export type SubjectExport = v.InferOutput<typeof SubjectExport>;
