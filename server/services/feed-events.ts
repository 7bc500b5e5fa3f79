// Appending to the consent feed (CONTRACT.md §9): within the transaction that made
// the change, so an event exists exactly when its change does. Events carry ids and
// statuses, never personal data beyond the tool's own externalId.
import type { Kysely } from 'kysely';
import type { FeedEventType } from '../../shared/schemas/feed.js';
import type { Database } from '../db/database.js';
import { newId } from '../ids.js';
import { feedEventJson } from './feed.js';
import { reserveSeq } from './ledger-head.js';

export interface NewFeedEvent {
  type: FeedEventType;
  subjectId: string | null;
  externalId: string | null;
  data: Record<string, unknown>;
}

export async function appendFeedEvent(trx: Kysely<Database>, tenantId: string, event: NewFeedEvent, at: string): Promise<{ id: string; seq: number }> {
  const seq = await reserveSeq(trx, tenantId, 'feed_seq');
  const fields = {
    id: newId('evt'),
    type: event.type,
    subject_id: event.subjectId,
    external_id: event.externalId,
    data: JSON.stringify(event.data),
    occurred_at: at,
  };
  await trx.insertInto('feed_events').values({ tenant_id: tenantId, seq, ...fields, event_json: feedEventJson(fields) }).execute();
  const { id } = fields;
  return { id, seq };
}
