// Publishing and reading the tenant configuration. Every publish is a new version;
// a material change (purposes, notice texts) also moves materialVersion, which
// makes the banner ask again (GDPR-12).
import type { Kysely } from 'kysely';
import type { TenantConfig } from '../../../shared/schemas/config.js';
import { canonicalJson } from '../../../shared/canonical-json.js';
import type { AppContext } from '../../context.js';
import type { Database } from '../../db/database.js';
import { ApiError } from '../../errors.js';
import { sha256Hex } from '../../ids.js';
import { appendAudit } from '../registers/audit.js';
import { lintConfig } from '../../../shared/config/lint.js';
import { isMaterialChange, noticeFor } from '../../../shared/config/changes.js';

export interface PublishedConfig {
  version: number;
  materialVersion: number;
  config: TenantConfig;
  /** SHA-256 of the notice texts shown, per locale: stored with each consent as proof. */
  noticeHashes: Record<string, string>;
  publishedAt: string;
}

export function noticeHashes(config: TenantConfig): Record<string, string> {
  return Object.fromEntries(
    config.locales.map((l) => [l, sha256Hex(canonicalJson(noticeFor(config, l)))]),
  );
}

export async function getPublishedConfig(
  db: Kysely<Database>,
  tenantId: string,
  version?: number,
): Promise<PublishedConfig | null> {
  let query = db.selectFrom('config_versions').selectAll().where('tenant_id', '=', tenantId);
  query =
    version === undefined
      ? query.orderBy('version', 'desc').limit(1)
      : query.where('version', '=', version);
  const row = await query.executeTakeFirst();
  if (!row) return null;
  return {
    version: row.version,
    materialVersion: row.material_version,
    config: JSON.parse(row.config) as TenantConfig,
    noticeHashes: JSON.parse(row.notice_hashes) as Record<string, string>,
    publishedAt: row.created_at,
  };
}

export async function requirePublishedConfig(
  db: Kysely<Database>,
  tenantId: string,
): Promise<PublishedConfig> {
  const found = await getPublishedConfig(db, tenantId);
  if (!found)
    throw new ApiError(409, 'NO_CONFIG', 'The tenant has not published a configuration yet');
  return found;
}

/** A list entry of the version history. */
export interface ConfigVersionSummary {
  version: number;
  materialVersion: number;
  publishedAt: string;
}

/** The published versions, newest first. */
export async function listConfigVersions(
  db: Kysely<Database>,
  tenantId: string,
  limit: number,
): Promise<ConfigVersionSummary[]> {
  const rows = await db
    .selectFrom('config_versions')
    .select(['version', 'material_version', 'created_at'])
    .where('tenant_id', '=', tenantId)
    .orderBy('version', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    version: row.version,
    materialVersion: row.material_version,
    publishedAt: row.created_at,
  }));
}

export async function requireConfigVersion(
  db: Kysely<Database>,
  tenantId: string,
  version: number,
): Promise<PublishedConfig> {
  const found = await getPublishedConfig(db, tenantId, version);
  if (!found) throw new ApiError(404, 'NOT_FOUND', 'No such configuration version');
  return found;
}

export async function publishConfig(
  ctx: AppContext,
  tenantId: string,
  input: TenantConfig,
  actor: string,
  republishedFrom?: number,
): Promise<PublishedConfig> {
  const violations = lintConfig(input);
  if (violations.length > 0) {
    throw new ApiError(
      422,
      'CONFIG_NOT_COMPLIANT',
      `The configuration breaks ${violations[0].rule}: ${violations[0].message}`,
      violations.map((v) => ({ path: v.path, message: `${v.rule}: ${v.message}` })),
      { rule: violations[0].rule, rules: [...new Set(violations.map((v) => v.rule))] },
    );
  }
  const { material, ...config } = input;
  const hashes = noticeHashes(config);
  const publishedAt = ctx.clock.now().toISOString();
  return ctx.db.transaction().execute(async (trx) => {
    const previous = await getPublishedConfig(trx, tenantId);
    const version = (previous?.version ?? 0) + 1;
    const materialVersion =
      previous && !isMaterialChange(previous.config, config, material)
        ? previous.materialVersion
        : version;
    await trx
      .insertInto('config_versions')
      .values({
        tenant_id: tenantId,
        version,
        config: JSON.stringify(config),
        notice_hashes: JSON.stringify(hashes),
        material_version: materialVersion,
        created_at: publishedAt,
      })
      .execute();
    await appendAudit(
      trx,
      tenantId,
      {
        actor,
        action: 'config.published',
        target: `config:${version}`,
        details: {
          version,
          materialVersion,
          ...(republishedFrom !== undefined && { republishedFrom }),
        },
      },
      publishedAt,
    );
    return { version, materialVersion, config, noticeHashes: hashes, publishedAt };
  });
}
