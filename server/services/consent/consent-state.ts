// The current consent state of a subject, per purpose and channel. A granted
// consent past its expiry reads as `expired` even before the expiry job records it.
import type { Kysely } from 'kysely';
import { isCommunicationPurpose, type TenantConfig } from '../../../shared/schemas/config.js';
import type { ConsentState, ConsentStatus } from '../../../shared/schemas/consent.js';
import type { Database } from '../../db/database.js';

import type { StateRow } from '../../db/consent-writer.js';

export type { StateRow };

export async function readStateRows(
  db: Kysely<Database>,
  tenantId: string,
  subjectId: string,
): Promise<StateRow[]> {
  return db
    .selectFrom('consent_state')
    .select([
      'purpose',
      'channel',
      'status',
      'expires_at',
      'updated_at',
      'source',
      'config_version',
      'objection_lifted_at',
    ])
    .where('tenant_id', '=', tenantId)
    .where('subject_id', '=', subjectId)
    .execute();
}

export function effectiveStatus(
  row: Pick<StateRow, 'status' | 'expires_at'>,
  nowIso: string,
): ConsentStatus {
  return row.status === 'granted' && row.expires_at !== null && row.expires_at <= nowIso
    ? 'expired'
    : row.status;
}

/** Shapes rows into the API's state shape; required website purposes always read granted. */
export function shapeState(config: TenantConfig, rows: StateRow[], nowIso: string): ConsentState {
  const state: ConsentState = {};
  for (const purpose of config.purposes) {
    if (purpose.required && !isCommunicationPurpose(purpose)) state[purpose.key] = 'granted';
  }
  for (const row of rows) {
    const status = effectiveStatus(row, nowIso);
    if (row.channel === '') {
      state[row.purpose] = status;
    } else {
      const channels = (state[row.purpose] ??= {}) as Record<string, ConsentStatus>;
      channels[row.channel] = status;
    }
  }
  return state;
}
