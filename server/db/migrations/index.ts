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
import * as rekeyIdempotencyKeys from './2026_12_02_1000_rekey_idempotency_keys.js';
import * as addObjectionLifts from './2026_12_02_1010_add_objection_lifts.js';
import * as addSessionAssurance from './2026_12_02_1100_add_session_assurance.js';
import * as addMailQueue from './2026_12_02_1300_add_mail_queue.js';
import * as addInstanceMeta from './2026_12_02_1400_add_instance_meta.js';
import * as createBreachRegister from './2026_12_02_1600_create_breach_register.js';
import * as createProcessorDpiaRegisters from './2026_12_02_1610_create_processor_dpia_registers.js';
import * as createLedgerCheckpoints from './2026_12_02_1620_create_ledger_checkpoints.js';
import * as addStaff from './2026_12_02_1500_add_staff.js';
import * as addConsentInteraction from './2026_12_02_1700_add_consent_interaction.js';
import * as createDisclosures from './2026_12_02_1710_create_disclosures.js';
import * as createInsightRollup from './2026_12_02_1720_create_insight_rollup.js';
import * as createKeptRecords from './2026_12_02_2120_create_kept_records.js';
import * as addObjectionReason from './2026_12_02_2121_add_objection_reason.js';
import * as keyAnswersBySubject from './2026_12_03_0900_key_answers_by_subject.js';
import * as makeExternalIndexPartial from './2026_12_04_0900_make_external_index_partial.js';
import * as dropLedgerTenantKeys from './2026_12_04_1000_drop_ledger_tenant_keys.js';

export const migrations: Record<string, Migration> = {
  '2026_11_29_1200_create_schema': createSchema,
  '2026_11_29_1400_add_rights_tracking': addRightsTracking,
  '2026_11_29_1500_add_feed_delivery': addFeedDelivery,
  '2026_11_29_1610_add_consent_expiry_index': addConsentExpiryIndex,
  '2026_11_29_1700_make_identity_indexes_partial': makeIdentityIndexesPartial,
  '2026_11_29_1710_drop_rate_limits': dropRateLimits,
  '2026_11_29_1800_cover_audience_index': coverAudienceIndex,
  '2026_11_29_1810_add_feed_event_json': addFeedEventJson,
  '2026_12_02_1000_rekey_idempotency_keys': rekeyIdempotencyKeys,
  '2026_12_02_1010_add_objection_lifts': addObjectionLifts,
  '2026_12_02_1100_add_session_assurance': addSessionAssurance,
  '2026_12_02_1300_add_mail_queue': addMailQueue,
  '2026_12_02_1400_add_instance_meta': addInstanceMeta,
  '2026_12_02_1600_create_breach_register': createBreachRegister,
  '2026_12_02_1610_create_processor_dpia_registers': createProcessorDpiaRegisters,
  '2026_12_02_1620_create_ledger_checkpoints': createLedgerCheckpoints,
  '2026_12_02_1500_add_staff': addStaff,
  '2026_12_02_1700_add_consent_interaction': addConsentInteraction,
  '2026_12_02_1710_create_disclosures': createDisclosures,
  '2026_12_02_1720_create_insight_rollup': createInsightRollup,
  '2026_12_02_2120_create_kept_records': createKeptRecords,
  '2026_12_02_2121_add_objection_reason': addObjectionReason,
  '2026_12_03_0900_key_answers_by_subject': keyAnswersBySubject,
  '2026_12_04_0900_make_external_index_partial': makeExternalIndexPartial,
  '2026_12_04_1000_drop_ledger_tenant_keys': dropLedgerTenantKeys,
};
