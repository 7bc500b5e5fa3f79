// Appending to the consent feed (GET /v1/feed): within the transaction that made
// the change, so an event exists exactly when its change does. Events carry ids and
// statuses, never personal data beyond the tool's own externalId.
import type { Kysely } from 'kysely';
import type { FeedEventType } from '../../../shared/schemas/feed.js';
import type { Database } from '../../db/database.js';
import { newId } from '../../ids.js';
import { feedEventJson } from './feed.js';
import { reserveSeq } from '../ledger/ledger-head.js';
import { deliveryBody } from '../webhooks/webhook-dispatch.js';

export interface NewFeedEvent {
  type: FeedEventType;
  subjectId: string | null;
  externalId: string | null;
  data: Record<string, unknown>;
}

export async function appendFeedEvent(
  trx: Kysely<Database>,
  tenantId: string,
  event: NewFeedEvent,
  at: string,
): Promise<{ id: string; seq: number }> {
  const seq = await reserveSeq(trx, tenantId, 'feed_seq');
  const fields = {
    id: newId('evt'),
    type: event.type,
    subject_id: event.subjectId,
    external_id: event.externalId,
    data: JSON.stringify(event.data),
    occurred_at: at,
  };
  await trx
    .insertInto('feed_events')
    .values({ tenant_id: tenantId, seq, ...fields, event_json: feedEventJson(fields) })
    .execute();
  return { id: fields.id, seq };
}

/**
 * Part of a whole erasure: the person's earlier events, and the webhook payloads made of
 * them, lose the externalId, the one key to the person a connected tool holds. The
 * subject.erased event appended after this keeps it, so each tool can still find and
 * delete its own copy (Art. 17(2), 19); afterwards nothing in the feed links the
 * person's history to that key.
 */
export async function forgetExternalIdInFeed(
  trx: Kysely<Database>,
  tenantId: string,
  subjectIds: string[],
): Promise<void> {
  const events = await trx
    .selectFrom('feed_events')
    .select(['seq', 'id', 'type', 'subject_id', 'data', 'occurred_at'])
    .where('tenant_id', '=', tenantId)
    .where('subject_id', 'in', subjectIds)
    .where('external_id', 'is not', null)
    .execute();
  if (events.length === 0) return;
  // Deliveries are indexed by webhook first: name the tenant's webhooks so each lookup uses it.
  const hooks = (
    await trx.selectFrom('webhooks').select('id').where('tenant_id', '=', tenantId).execute()
  ).map((h) => h.id);
  for (const event of events) {
    const eventJson = feedEventJson({ ...event, external_id: null });
    await trx
      .updateTable('feed_events')
      .set({ external_id: null, event_json: eventJson })
      .where('tenant_id', '=', tenantId)
      .where('seq', '=', event.seq)
      .execute();
    if (hooks.length > 0) {
      await trx
        .updateTable('webhook_deliveries')
        .set({
          payload: deliveryBody({
            type: event.type,
            occurred_at: event.occurred_at,
            event_json: eventJson,
          }),
        })
        .where('webhook_id', 'in', hooks)
        .where('event_id', '=', event.id)
        .execute();
    }
  }
}
