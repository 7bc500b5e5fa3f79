// Finding a person by e-mail or phone (by keyed hash) and reading their consent
// history: what a privacy officer needs when a request arrives by e-mail.
import * as v from 'valibot';

export const SubjectLookupQuery = v.object({
  email: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(254), v.email())),
  phone: v.optional(
    v.pipe(v.string(), v.trim(), v.regex(/^\+?[0-9\s().-]{4,30}$/, 'a phone number')),
  ),
});

export const SubjectLookupResponse = v.object({
  subjects: v.array(
    v.object({
      id: v.string(),
      externalId: v.nullable(v.string()),
      email: v.nullable(v.string()),
      phone: v.nullable(v.string()),
      restricted: v.boolean(),
      objected: v.boolean(),
      createdAt: v.string(),
      lastActivityAt: v.string(),
    }),
  ),
});

export const HistoryQuery = v.object({
  /** The position of the last event seen, from `next`. */
  after: v.optional(v.pipe(v.string(), v.regex(/^\d{1,15}$/, 'a cursor from next'))),
  limit: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d{1,3}$/, 'a number from 1 to 500'),
      v.transform(Number),
      v.minValue(1),
      v.maxValue(500),
    ),
    '100',
  ),
});

export const HistoryResponse = v.object({
  events: v.array(
    v.object({
      seq: v.number(),
      /** The consent call (cns_...) the decision was part of: the receipt's id. */
      consentId: v.string(),
      purpose: v.string(),
      channel: v.nullable(v.string()),
      status: v.string(),
      source: v.string(),
      configVersion: v.number(),
      noticeHash: v.string(),
      locale: v.string(),
      gpc: v.boolean(),
      capturedAt: v.nullable(v.string()),
      occurredAt: v.string(),
    }),
  ),
  next: v.string(),
});
