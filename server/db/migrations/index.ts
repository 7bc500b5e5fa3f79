// Every migration, in a static map so bundlers and tsx need no directory scan.
// Names sort by time: YYYY_MM_DD_HHMM_verb_noun.
import type { Migration } from 'kysely';
import * as createSchema from './2026_11_29_1200_create_schema.js';
import * as addRightsTracking from './2026_11_29_1400_add_rights_tracking.js';
import * as addFeedDelivery from './2026_11_29_1500_add_feed_delivery.js';
import * as addConsentExpiryIndex from './2026_11_29_1610_add_consent_expiry_index.js';
import * as makeIdentityIndexesPartial from './2026_11_29_1700_make_identity_indexes_partial.js';
import * as dropRateLimits from './2026_11_29_1710_drop_rate_limits.js';
import * as coverAudienceIndex from './2026_11_29_1800_cover_audience_index.js';
import * as addFeedEventJson from './2026_11_29_1810_add_feed_event_json.js';

export const migrations: Record<string, Migration> = {
  '2026_11_29_1200_create_schema': createSchema,
  '2026_11_29_1400_add_rights_tracking': addRightsTracking,
  '2026_11_29_1500_add_feed_delivery': addFeedDelivery,
  '2026_11_29_1610_add_consent_expiry_index': addConsentExpiryIndex,
  '2026_11_29_1700_make_identity_indexes_partial': makeIdentityIndexesPartial,
  '2026_11_29_1710_drop_rate_limits': dropRateLimits,
  '2026_11_29_1800_cover_audience_index': coverAudienceIndex,
  '2026_11_29_1810_add_feed_event_json': addFeedEventJson,
};
