// The consent feed (GET /v1/feed): query, event and page shapes. Cursors are
// opaque to consumers; only server/services/feed/feed.ts reads them.
import * as v from 'valibot';

export const feedEventTypes = [
  'consent.updated',
  'subject.restricted',
  'subject.restriction_lifted',
  'subject.objected',
  'subject.objection_lifted',
  'subject.rectified',
  'subject.data_erased',
  'subject.erased',
  'subject.unsuppressed',
  /** A breach's notification to the authority is due within 12 hours (or overdue); only for webhooks and readers that ask for it by type. */
  'breach.deadline_near',
] as const;
export type FeedEventType = (typeof feedEventTypes)[number];

const intIn = (min: number, max: number, what: string) =>
  v.pipe(
    v.string(),
    v.regex(/^\d{1,6}$/, `${what}: a whole number from ${min} to ${max}`),
    v.transform(Number),
    v.minValue(min, `${what}: at least ${min}`),
    v.maxValue(max, `${what}: at most ${max}`),
  );

export const FeedQuery = v.object({
  after: v.optional(v.pipe(v.string(), v.maxLength(200))),
  limit: v.optional(intIn(1, 1000, 'limit'), '100'),
  wait: v.optional(intIn(0, 30, 'wait'), '0'),
  types: v.optional(
    v.pipe(
      v.string(),
      v.maxLength(500),
      v.description(`Comma-separated event types: ${feedEventTypes.join(', ')}`),
      v.transform((s) =>
        s
          .split(',')
          .map((t) => t.trim())
          .filter((t) => t !== ''),
      ),
      v.check(
        (list) => list.every((t) => (feedEventTypes as readonly string[]).includes(t)),
        `types: a comma-separated list of ${feedEventTypes.join(', ')}`,
      ),
      v.transform((list) => list as FeedEventType[]),
    ),
  ),
});
export type FeedQuery = v.InferOutput<typeof FeedQuery>;

export const FeedEventSchema = v.object({
  id: v.pipe(v.string(), v.description('evt_...')),
  type: v.picklist(feedEventTypes),
  occurredAt: v.string(),
  subject: v.nullable(v.object({ id: v.string(), externalId: v.nullable(v.string()) })),
  data: v.record(v.string(), v.unknown()),
});

export const FeedPageSchema = v.object({
  events: v.array(FeedEventSchema),
  next: v.pipe(v.string(), v.description('Pass as `after` to get the events that follow')),
});
