// Publishing and reading the tenant configuration, and its version history: list the
// versions, read one, compare two, publish an earlier one again (docs/configuration.md).
import { Hono } from 'hono';
import * as v from 'valibot';
import { diffConfigs, isMaterialChange } from '../../shared/config/changes.js';
import { TenantConfigSchema } from '../../shared/schemas/config.js';
import {
  ConfigDiffQuery,
  ConfigDiffResponse,
  ConfigVersionListQuery,
  ConfigVersionListResponse,
  ConfigVersionParams,
} from '../../shared/schemas/config-versions.js';
import { requireScope, type AuthEnv } from '../auth.js';
import type { AppContext } from '../context.js';
import { describe } from '../openapi/describe.js';
import {
  listConfigVersions,
  publishConfig,
  requireConfigVersion,
  requirePublishedConfig,
  type PublishedConfig,
} from '../services/config/config.js';
import { validate } from '../validate.js';
import { toWidgetConfig } from './widget-config.js';

const PublishedConfigResponse = v.object({
  version: v.number(),
  materialVersion: v.number(),
  publishedAt: v.string(),
  noticeHashes: v.record(v.string(), v.string()),
  config: TenantConfigSchema,
});

const present = (published: PublishedConfig) => ({
  version: published.version,
  materialVersion: published.materialVersion,
  publishedAt: published.publishedAt,
  noticeHashes: published.noticeHashes,
  config: published.config,
});

const PreviewResponse = v.object({ widget: v.record(v.string(), v.unknown()) });
/** A base no request can reach: the preview's frame allows no connections anyway. */
const PREVIEW_API_BASE = 'https://preview.invalid';

const tag = 'Configuration';
const publishers = { scopes: ['admin' as const, 'config:write' as const] };
const readers = {
  scopes: ['admin' as const, 'audit:read' as const, 'feed:read' as const, 'config:write' as const],
};

export function configRoutes(ctx: AppContext) {
  const publish = requireScope(ctx, ...publishers.scopes);
  const read = requireScope(ctx, ...readers.scopes);
  return new Hono<AuthEnv>()
    .put(
      '/v1/config',
      describe({
        tag,
        auth: publishers,
        body: TenantConfigSchema,
        summary: 'Publish a new configuration version',
        description:
          'Refused with 422 CONFIG_NOT_COMPLIANT (and the rule broken) when it would make a non-compliant banner. "material": false keeps the banner from asking again when the purposes are unchanged.',
        responses: { 201: { description: 'Published', schema: PublishedConfigResponse } },
      }),
      publish,
      validate('json', TenantConfigSchema),
      async (c) => {
        const { tenantId, keyId } = c.get('auth');
        return c.json(present(await publishConfig(ctx, tenantId, c.req.valid('json'), keyId)), 201);
      },
    )
    .get(
      '/v1/config',
      describe({
        tag,
        auth: readers,
        summary: 'Read the current configuration',
        description:
          'Readable by auditors (audit:read: the register of processing is built from it) and by marketing tools (feed:read); publishing needs admin or config:write.',
        responses: { 200: { description: 'The current version', schema: PublishedConfigResponse } },
      }),
      read,
      async (c) => c.json(present(await requirePublishedConfig(ctx.db, c.get('auth').tenantId))),
    )
    .get(
      '/v1/config/versions',
      describe({
        tag,
        auth: publishers,
        query: ConfigVersionListQuery,
        summary: 'The published configuration versions, newest first',
        responses: { 200: { description: 'The versions', schema: ConfigVersionListResponse } },
      }),
      publish,
      validate('query', ConfigVersionListQuery),
      async (c) => {
        const items = await listConfigVersions(
          ctx.db,
          c.get('auth').tenantId,
          c.req.valid('query').limit,
        );
        return c.json({
          items: items.map((item) => ({
            ...item,
            material: item.materialVersion === item.version,
          })),
        });
      },
    )
    .get(
      '/v1/config/versions/:version',
      describe({
        tag,
        auth: publishers,
        params: ConfigVersionParams,
        summary: 'One published configuration version',
        responses: {
          200: { description: 'The version', schema: PublishedConfigResponse },
          404: 'No such version',
        },
      }),
      publish,
      validate('param', ConfigVersionParams),
      async (c) =>
        c.json(
          present(
            await requireConfigVersion(
              ctx.db,
              c.get('auth').tenantId,
              c.req.valid('param').version,
            ),
          ),
        ),
    )
    .get(
      '/v1/config/diff',
      describe({
        tag,
        auth: publishers,
        query: ConfigDiffQuery,
        summary: 'What changed between two configuration versions',
        description:
          'Every changed field with its value before and after; purposes are named by key (purposes[analytics].text.en.name). "material" says whether the change makes the banner ask again.',
        responses: {
          200: { description: 'The differences', schema: ConfigDiffResponse },
          404: 'No such version',
        },
      }),
      publish,
      validate('query', ConfigDiffQuery),
      async (c) => {
        const { tenantId } = c.get('auth');
        const { from, to } = c.req.valid('query');
        const [before, after] = await Promise.all([
          requireConfigVersion(ctx.db, tenantId, from),
          requireConfigVersion(ctx.db, tenantId, to),
        ]);
        return c.json({
          from,
          to,
          material: isMaterialChange(before.config, after.config),
          changes: diffConfigs(before.config, after.config),
        });
      },
    )
    .post(
      '/v1/config/preview',
      describe({
        tag,
        auth: publishers,
        body: TenantConfigSchema,
        summary: 'What the banner would be given for a draft configuration (a preview)',
        description:
          "The draft is not linted, published or stored: the console's studio renders the real banner with it in a sandboxed frame that cannot reach the server, so a preview never records a consent.",
        responses: { 200: { description: "The banner's data", schema: PreviewResponse } },
      }),
      publish,
      validate('json', TenantConfigSchema),
      (c) => {
        const { material: _material, ...config } = c.req.valid('json');
        const draft: PublishedConfig = {
          version: 0,
          materialVersion: 0,
          config,
          noticeHashes: {},
          publishedAt: ctx.clock.now().toISOString(),
        };
        return c.json({
          widget: toWidgetConfig(
            draft,
            { id: c.get('auth').tenantId, publicKey: 'pk_preview' },
            PREVIEW_API_BASE,
          ),
        });
      },
    )
    .post(
      '/v1/config/versions/:version/republish',
      describe({
        tag,
        auth: publishers,
        params: ConfigVersionParams,
        summary: 'Publish an earlier configuration version again',
        description:
          "Publishes that version's configuration as a new version, after the same compliance lint as PUT /v1/config; it is material unless it tells people the same as the current one.",
        responses: {
          201: { description: 'Published', schema: PublishedConfigResponse },
          404: 'No such version',
        },
      }),
      publish,
      validate('param', ConfigVersionParams),
      async (c) => {
        const { tenantId, keyId } = c.get('auth');
        const { version } = c.req.valid('param');
        const earlier = await requireConfigVersion(ctx.db, tenantId, version);
        return c.json(
          present(await publishConfig(ctx, tenantId, earlier.config, keyId, version)),
          201,
        );
      },
    );
}
