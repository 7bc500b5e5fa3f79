// Consents to ask again (GDPR-12): granted decisions recorded under a configuration whose
// notice has since changed materially (its materialVersion is older than the current one).
// They still count (check answers stale_notice), but a tool should ask the person again,
// e.g. with a re-permission mail. Listed per purpose and channel, a page at a time in
// subject order, by the same index the audience uses; restricted people, and people who
// objected to direct marketing for a marketing purpose, are left out (they may not be mailed).
import { isMarketingPurpose, type Purpose } from '../../../shared/schemas/config.js';
import type { AppContext } from '../../context.js';
import { requirePublishedConfig } from '../config/config.js';

export interface RepermissionQuery {
  tenantId: string;
  purpose: Purpose;
  /** '' for a website purpose. */
  channel: string;
  /** The last subject id of the page before; '' for the first page. */
  after: string;
  limit: number;
}

export async function listRepermission(
  ctx: Pick<AppContext, 'db' | 'clock'>,
  query: RepermissionQuery,
) {
  const current = await requirePublishedConfig(ctx.db, query.tenantId);
  const now = ctx.clock.now().toISOString();
  let q = ctx.db
    .selectFrom('consent_state')
    .innerJoin('subjects', 'subjects.id', 'consent_state.subject_id')
    .innerJoin('config_versions', (join) =>
      join
        .onRef('config_versions.tenant_id', '=', 'consent_state.tenant_id')
        .onRef('config_versions.version', '=', 'consent_state.config_version'),
    )
    .select([
      'consent_state.subject_id',
      'subjects.external_id',
      'consent_state.config_version',
      'config_versions.material_version',
      'consent_state.updated_at',
      'consent_state.expires_at',
    ])
    .where('consent_state.tenant_id', '=', query.tenantId)
    .where('consent_state.purpose', '=', query.purpose.key)
    .where('consent_state.channel', '=', query.channel)
    .where('consent_state.subject_id', '>', query.after)
    .where('consent_state.status', '=', 'granted')
    .where((eb) =>
      eb.or([eb('consent_state.expires_at', 'is', null), eb('consent_state.expires_at', '>', now)]),
    )
    .where('config_versions.material_version', '<', current.materialVersion)
    .where('subjects.restricted', '=', 0);
  if (isMarketingPurpose(query.purpose)) {
    q = q.where((eb) =>
      eb.or([
        eb('subjects.objected_at', 'is', null),
        eb('consent_state.objection_lifted_at', 'is not', null),
      ]),
    );
  }
  const rows = await q
    .orderBy('consent_state.subject_id')
    .limit(query.limit + 1)
    .execute();
  const page = rows.slice(0, query.limit);
  return {
    materialVersion: current.materialVersion,
    subjects: page.map((r) => ({
      id: r.subject_id,
      externalId: r.external_id,
      configVersion: Number(r.config_version),
      materialVersion: Number(r.material_version),
      grantedAt: r.updated_at,
      expiresAt: r.expires_at,
    })),
    next: rows.length > query.limit ? page[page.length - 1].subject_id : null,
  };
}
