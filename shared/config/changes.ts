// What a new configuration changes against an earlier one: the list of changed fields (the
// studio's publish summary and the version history's diff) and whether the change is
// material, which makes the banner ask every visitor again (GDPR-12). The server decides a
// publish's material version with the same function the console shows before publishing.
import { canonicalJson } from '../canonical-json.js';
import type { TenantConfig } from '../schemas/config.js';

/** What the person was shown in one locale: the part of the config consent is given on. */
export function noticeFor(config: TenantConfig, locale: string) {
  return {
    locale,
    controller: config.controller,
    privacyNoticeUrl: config.privacyNoticeUrl[locale] ?? null,
    purposes: config.purposes.map((p) => ({
      key: p.key,
      required: p.required ?? false,
      legalBasis: p.legalBasis,
      channels: p.channels ?? [],
      name: p.text[locale]?.name ?? null,
      description: p.text[locale]?.description ?? null,
    })),
  };
}

const notices = (config: TenantConfig) =>
  canonicalJson(Object.fromEntries(config.locales.map((l) => [l, noticeFor(config, l)])));
const signals = (config: TenantConfig) =>
  canonicalJson(config.purposes.map((p) => p.googleConsentMode ?? []));
const purposeShape = (config: TenantConfig) =>
  canonicalJson(
    config.purposes.map((p) => [p.key, p.legalBasis, p.required ?? false, p.channels ?? []]),
  );

/**
 * True when publishing `next` after `previous` makes the banner ask again. A change of what
 * people are told (notice texts, purposes, Consent Mode signals) is material, unless the
 * publisher marks it immaterial (`material: false`, for a typo) and the purposes themselves
 * stay the same. The first publish is material by definition.
 */
export function isMaterialChange(
  previous: TenantConfig | null,
  next: TenantConfig,
  material?: boolean,
): boolean {
  if (!previous) return true;
  const sameNotice = notices(previous) === notices(next) && signals(previous) === signals(next);
  if (sameNotice) return false;
  return !(material === false && purposeShape(previous) === purposeShape(next));
}

export interface ConfigChange {
  /** Dotted path; purposes are named by key: purposes[analytics].text.en.name. */
  path: string;
  before: unknown;
  after: unknown;
}

/** Purposes keyed by their key, so reordering or inserting one does not shift every path. */
function comparable(config: TenantConfig): Record<string, unknown> {
  const { material: _material, purposes, ...rest } = config;
  return {
    ...rest,
    purposes: Object.fromEntries(purposes.map((p) => [`[${p.key}]`, p])),
    purposeOrder: purposes.map((p) => p.key),
  };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

function walk(path: string, before: unknown, after: unknown, out: ConfigChange[]): void {
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const key of keys) {
      const joined = key.startsWith('[') ? `${path}${key}` : path ? `${path}.${key}` : key;
      walk(joined, before[key], after[key], out);
    }
    return;
  }
  // Lists (locales, channels, signals, recipients) compare as a whole: one line each.
  if (canonicalJson(before) !== canonicalJson(after))
    out.push({ path, before: before ?? null, after: after ?? null });
}

/** Every field that differs between two configurations, in a stable order. */
export function diffConfigs(before: TenantConfig, after: TenantConfig): ConfigChange[] {
  const out: ConfigChange[] = [];
  walk('', comparable(before), comparable(after), out);
  return out;
}
