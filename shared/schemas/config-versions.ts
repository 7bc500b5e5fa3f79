// The configuration's version history over HTTP: list, read one, compare two, publish an
// earlier one again (server/routes/config.ts).
import * as v from 'valibot';

const VersionNumber = v.pipe(
  v.string(),
  v.regex(/^[1-9]\d{0,8}$/, 'a version number'),
  v.transform(Number),
);

export const ConfigVersionParams = v.object({ version: VersionNumber });

export const ConfigVersionListQuery = v.object({
  limit: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d{1,3}$/, 'a number from 1 to 500'),
      v.transform(Number),
      v.minValue(1),
      v.maxValue(500),
    ),
    '100',
  ),
});

export const ConfigDiffQuery = v.object({ from: VersionNumber, to: VersionNumber });

export const ConfigVersionListResponse = v.object({
  items: v.array(
    v.object({
      version: v.number(),
      materialVersion: v.number(),
      /** True when this version made the banner ask every visitor again. */
      material: v.boolean(),
      publishedAt: v.string(),
    }),
  ),
});

export const ConfigDiffResponse = v.object({
  from: v.number(),
  to: v.number(),
  /** True when going from `from` to `to` would make the banner ask every visitor again. */
  material: v.boolean(),
  changes: v.array(v.object({ path: v.string(), before: v.unknown(), after: v.unknown() })),
});
