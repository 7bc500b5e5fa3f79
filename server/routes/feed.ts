// GET /v1/feed: the tenant's events after an opaque cursor, with a
// type filter and a long-poll that ends early when the client goes away.
import { Hono } from 'hono';
import { FeedPageSchema, FeedQuery } from '../../shared/schemas/feed.js';
import { requireScope, type AuthEnv } from '../auth.js';
import type { AppContext } from '../context.js';
import { describe } from '../openapi/describe.js';
import { decodeCursor, encodeCursor, readFeed } from '../services/feed/feed.js';
import { validate } from '../validate.js';

export function feedRoutes(ctx: AppContext) {
  return new Hono<AuthEnv>().get(
    '/v1/feed',
    describe({
      tag: 'Marketing tools',
      auth: { scopes: ['feed:read'] },
      query: FeedQuery,
      summary: 'Consent and data-subject events after a cursor, exactly once and in one order',
      description:
        'Start without `after`, then always pass the last `next`: every event is seen exactly once, also while several ' +
        'server processes write to one PostgreSQL (positions are handed out in commit order). `wait` (seconds) long-polls while ' +
        'the page would be empty. `types` is a comma-separated filter; `next` then moves past skipped events too. A cursor this ' +
        "feed did not give out is 400 BAD_CURSOR. Events carry ids and statuses, never personal data beyond the tool's externalId. " +
        'After a person is erased, their earlier events (and webhook payloads) read `externalId: null`; the `subject.erased` event ' +
        'keeps it, so each tool can find and delete its own copy. `subject.unsuppressed` says an erased person came back by ' +
        'confirming a double opt-in themselves (data: confirmedBy, purpose, channel); `subject.objection_lifted` says the person ' +
        'granted a marketing purpose and channel again after objecting to direct marketing, which lifts the objection for that ' +
        'one only (data: purpose, channel, source). `breach.deadline_near` (the notification of a personal-data breach to the ' +
        'authority is due within 12 hours, or overdue) appears only when `types` names it.',
      responses: {
        200: {
          description: 'A page of events',
          schema: FeedPageSchema,
          example: {
            events: [
              {
                id: 'evt_9Qw2Lr5Tz8Yb1Nc4Vx7Ms0',
                type: 'consent.updated',
                occurredAt: '2026-12-01T10:00:00.000Z',
                subject: { id: 'sub_4Hd8Kq1Zp6Wt3Rf9Lm2Xc5', externalId: 'crm-1042' },
                data: { purpose: 'newsletter', channel: 'email', status: 'granted' },
              },
            ],
            next: 'cur_AAAAAAAAAAE',
          },
        },
        400: 'Bad cursor or query',
      },
    }),
    requireScope(ctx, 'feed:read'),
    validate('query', FeedQuery),
    async (c) => {
      const { tenantId } = c.get('auth');
      const query = c.req.valid('query');
      const page = await readFeed(ctx, tenantId, {
        after: query.after === undefined ? 0 : decodeCursor(query.after),
        limit: query.limit,
        wait: query.wait,
        types: query.types,
        signal: c.req.raw.signal,
      });
      // Built as text from each event's stored JSON: paging speed is a product goal.
      const body = `{"events":[${page.rows.map((row) => row.event_json).join(',')}],"next":${JSON.stringify(encodeCursor(page.last))}}`;
      return c.body(body, 200, {
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'no-store',
      });
    },
  );
}
