// Reading the consent feed (GET /v1/feed). Positions are gap-free per tenant and
// handed out under the tenant's head-row lock inside the writing transaction, so a
// position becomes visible only after every smaller one has (ledger-head.ts). A
// reader can therefore page by `seq > cursor ORDER BY seq` and never skip an event
// that commits late, on SQLite and with several processes on PostgreSQL.
import type { FeedEventType } from '../../../shared/schemas/feed.js';
import type { AppContext } from '../../context.js';
import type { Queryable } from '../../db/database.js';
import { ApiError } from '../../errors.js';
import { readFeedHead, waitForFeed } from './feed-watch.js';

/** The fields an event is made of; `data` is JSON text. */
export interface FeedEventFields {
  id: string;
  type: string;
  subject_id: string | null;
  external_id: string | null;
  data: string;
  occurred_at: string;
}

/** A feed page row: the position and the event's JSON as stored. */
export interface FeedRow {
  seq: number;
  event_json: string;
}

const CURSOR_VERSION = 1;

/** Opaque to consumers: base64url of a versioned JSON object, so the format can change. */
export function encodeCursor(seq: number): string {
  return Buffer.from(JSON.stringify({ v: CURSOR_VERSION, seq })).toString('base64url');
}

export function decodeCursor(cursor: string): number {
  const bad = () =>
    new ApiError(
      400,
      'BAD_CURSOR',
      'The cursor is not one this feed gave out; pass the last `next` unchanged',
    );
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) throw bad();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  const { v, seq } = (parsed ?? {}) as { v?: unknown; seq?: unknown };
  if (v !== CURSOR_VERSION || typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0)
    throw bad();
  return seq;
}

export interface FeedPage {
  rows: FeedRow[];
  /** The position the next page starts after. */
  last: number;
}

/**
 * One page after `after`. The head is read first and bounds the page, so `last`
 * may move past filtered-out events without passing one that was not yet visible.
 */
export async function readFeedPage(
  db: Queryable,
  tenantId: string,
  after: number,
  limit: number,
  types?: FeedEventType[],
): Promise<FeedPage & { head: number }> {
  const head = await readFeedHead(db, tenantId);
  if (after > head)
    throw new ApiError(400, 'BAD_CURSOR', 'The cursor points past the end of this feed');
  let query = db
    .selectFrom('feed_events')
    .select(['seq', 'event_json'])
    .where('tenant_id', '=', tenantId)
    .where('seq', '>', after)
    .where('seq', '<=', head);
  if (types && types.length > 0) query = query.where('type', 'in', types);
  // Breach warnings only for a reader that asks for them (isOptInType in webhook-dispatch.ts).
  else query = query.where('type', 'not like', 'breach.%');
  const rows = await query.orderBy('seq').limit(limit).execute();
  const last = rows.length === limit ? rows[rows.length - 1].seq : head;
  return { rows, last, head };
}

export interface ReadFeedOptions {
  after: number;
  limit: number;
  /** Seconds to wait for a first event when there is none yet. */
  wait: number;
  types?: FeedEventType[];
  signal?: AbortSignal;
}

/** A page, long-polling up to `wait` seconds while it would be empty. */
export async function readFeed(
  ctx: Pick<AppContext, 'db'>,
  tenantId: string,
  options: ReadFeedOptions,
): Promise<FeedPage> {
  let page = await readFeedPage(ctx.db, tenantId, options.after, options.limit, options.types);
  // Wall time, not ctx.clock: a test clock that stands still must not make a long-poll hang.
  const deadline = performance.now() + options.wait * 1000;
  while (page.rows.length === 0 && !options.signal?.aborted) {
    const remaining = deadline - performance.now();
    if (remaining <= 0) break;
    await waitForFeed(ctx, tenantId, page.last, remaining, options.signal);
    page = await readFeedPage(ctx.db, tenantId, page.last, options.limit, options.types);
  }
  return page;
}

/**
 * The event shape GET /v1/feed serves, built once when the event is written and stored with it
 * (feed_events.event_json): `data` is spliced in as the JSON text it already is.
 */
export function feedEventJson(e: FeedEventFields): string {
  const subject =
    e.subject_id === null
      ? 'null'
      : `{"id":${JSON.stringify(e.subject_id)},"externalId":${JSON.stringify(e.external_id)}}`;
  return `{"id":${JSON.stringify(e.id)},"type":${JSON.stringify(e.type)},"occurredAt":${JSON.stringify(e.occurred_at)},"subject":${subject},"data":${e.data}}`;
}
