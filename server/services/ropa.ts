// The register of processing activities (GDPR Art. 30, REQUIREMENTS GDPR-51),
// generated from the published config (purposes, legal bases, retention) and the
// tenant-level fields the config does not hold (DPO, representative, recipients,
// transfers, security measures). Rendered as JSON, CSV (one row per activity) and
// Markdown a DPO can hand to the Autoriteit Persoonsgegevens as it is.
import { stringify } from 'csv-stringify/sync';
import * as v from 'valibot';
import {
  RopaSettingsSchema, safeguardLabels, type RopaDocument, type RopaSettings,
} from '../../shared/schemas/accountability.js';
import { isCommunicationPurpose, type LegalBasis, type Purpose, type TenantConfig } from '../../shared/schemas/config.js';
import type { AppContext } from '../context.js';
import { notFound } from '../errors.js';
import { appendAudit } from './audit.js';
import { requirePublishedConfig } from './config.js';

const basisArticles: Record<LegalBasis, string> = {
  consent: 'Art. 6(1)(a) consent',
  contract: 'Art. 6(1)(b) contract',
  legal_obligation: 'Art. 6(1)(c) legal obligation',
  vital_interests: 'Art. 6(1)(d) vital interests',
  public_task: 'Art. 6(1)(e) public task',
  legitimate_interest: 'Art. 6(1)(f) legitimate interests',
};

const channelData: Record<string, string> = {
  email: 'e-mail address',
  sms: 'mobile telephone number',
  phone: 'telephone number',
  post: 'postal address',
  push: 'push notification token',
};

/** What the platform itself does to protect the data it holds (Art. 32(1)); true of every tenant. */
const platformMeasures = [
  'E-mail addresses, phone numbers, profile attributes and records are encrypted at rest (AES-256-GCM) and found by keyed hashes.',
  'Consent records form a hash chain per tenant, so any later change to a stored record can be detected.',
  'API access by secret keys limited to scopes, stored only as hashes and revocable at once; every administrative action is audit-logged without personal data.',
  'IP addresses are truncated before storage; banner visitors are known by a pseudonymous id only.',
  'Erased data is scrubbed from the database files (secure delete and WAL checkpoint on SQLite, VACUUM on PostgreSQL), not only unlinked.',
];

/** The tenant's register fields; defaults when never set. */
export async function readRopaSettings(ctx: AppContext, tenantId: string): Promise<{ ropa: RopaSettings; updatedAt: string | null; name: string }> {
  const row = await ctx.db.selectFrom('tenants').select(['name', 'settings']).where('id', '=', tenantId).executeTakeFirst();
  if (!row) throw notFound('tenant');
  const settings = JSON.parse(row.settings) as { ropa?: unknown; ropaUpdatedAt?: string };
  const parsed = v.safeParse(RopaSettingsSchema, settings.ropa ?? {});
  return { ropa: parsed.success ? parsed.output : v.parse(RopaSettingsSchema, {}), updatedAt: settings.ropaUpdatedAt ?? null, name: row.name };
}

/** Replaces the register fields, keeping every other setting of the tenant. */
export async function saveRopaSettings(ctx: AppContext, tenantId: string, ropa: RopaSettings, actor: string) {
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('tenants').select('settings').where('id', '=', tenantId).executeTakeFirst();
    if (!row) throw notFound('tenant');
    const settings = { ...(JSON.parse(row.settings) as Record<string, unknown>), ropa, ropaUpdatedAt: at };
    await trx.updateTable('tenants').set({ settings: JSON.stringify(settings) }).where('id', '=', tenantId).execute();
    await appendAudit(trx, tenantId, { actor, action: 'tenant.settings_updated', target: tenantId, details: { fields: ['ropa'] } }, at);
  });
  return { ropa, updatedAt: at };
}

function dataCategoriesOf(purpose: Purpose): string[] {
  if (purpose.dataCategories?.length) return purpose.dataCategories;
  if (isCommunicationPurpose(purpose)) return (purpose.channels ?? []).map((c) => channelData[c] ?? c).concat('consent records');
  return ['online identifiers (pseudonymous visitor id)', 'truncated IP address and user agent with each consent', 'consent records'];
}

function erasureLimitOf(purpose: Purpose, config: TenantConfig): string {
  const parts: string[] = [];
  if (purpose.retentionDays) parts.push(`data kept ${purpose.retentionDays} days`);
  if (purpose.legalBasis === 'consent') parts.push(`consent lapses after ${config.consentTtlDays ?? 365} days and is asked again`);
  if (config.retention?.inactiveSubjectDays) parts.push(`people inactive for ${config.retention.inactiveSubjectDays} days are erased`);
  parts.push('erased at once on a request under Art. 17');
  return parts.join('; ');
}

export function buildRopa(input: {
  tenant: { id: string; name: string };
  config: TenantConfig;
  configVersion: number;
  publishedAt: string;
  settings: RopaSettings;
  now: string;
}): RopaDocument {
  const { config, settings } = input;
  const text = (p: Purpose) => p.text[config.defaultLocale] ?? Object.values(p.text)[0];
  const party = (p: { name: string; contact: string } | undefined) => (p ? { name: p.name, contact: p.contact } : null);
  const tenantRecipients = settings.recipients.map((r) => (r.category ? `${r.name} (${r.category})` : r.name));
  const transferLines = settings.transfers.map((t) => `${t.recipient}, ${t.country}: ${safeguardLabels[t.safeguard]}`);
  const subjects = settings.dataSubjectCategories.length > 0 ? settings.dataSubjectCategories : null;
  return {
    format: 'akkoord-ropa',
    version: 1,
    generatedAt: input.now,
    tenant: input.tenant,
    configVersion: input.configVersion,
    configPublishedAt: input.publishedAt,
    role: settings.role,
    controller: {
      name: settings.controller?.name ?? config.controller.name,
      contact: settings.controller?.contact ?? config.controller.contact,
      address: settings.controller?.address ?? null,
    },
    jointControllers: settings.jointControllers.map((p) => ({ name: p.name, contact: p.contact })),
    representative: party(settings.representative),
    dpo: party(settings.dpo),
    processingFor: settings.processingFor.map((p) => ({ name: p.name, contact: p.contact })),
    activities: config.purposes.map((p) => ({
      purpose: p.key,
      name: text(p)?.name ?? p.key,
      description: text(p)?.description ?? null,
      legalBasis: p.legalBasis,
      legalBasisArticle: basisArticles[p.legalBasis],
      required: p.required ?? false,
      channels: p.channels ?? [],
      dataSubjectCategories: subjects ?? (isCommunicationPurpose(p) ? ['customers and subscribers'] : ['website visitors']),
      dataCategories: dataCategoriesOf(p),
      recipients: [...(p.recipients ?? []), ...tenantRecipients],
      thirdCountryTransfers: transferLines,
      erasureTimeLimit: erasureLimitOf(p, config),
    })),
    transfers: settings.transfers.map((t) => ({ recipient: t.recipient, country: t.country, safeguard: t.safeguard, details: t.details ?? null })),
    securityMeasures: settings.securityMeasures,
    platformMeasures,
    retention: {
      consentTtlDays: config.consentTtlDays ?? 365,
      inactiveSubjectDays: config.retention?.inactiveSubjectDays ?? null,
      records: config.retention?.records ?? {},
    },
  };
}

export async function generateRopa(ctx: AppContext, tenantId: string): Promise<RopaDocument> {
  const published = await requirePublishedConfig(ctx.db, tenantId);
  const { ropa, name } = await readRopaSettings(ctx, tenantId);
  return buildRopa({
    tenant: { id: tenantId, name },
    config: published.config,
    configVersion: published.version,
    publishedAt: published.publishedAt,
    settings: ropa,
    now: ctx.clock.now().toISOString(),
  });
}

const csvColumns = [
  'purpose', 'name', 'description', 'legal_basis', 'required', 'channels', 'data_subject_categories', 'data_categories',
  'recipients', 'third_country_transfers', 'erasure_time_limit', 'controller', 'controller_contact', 'dpo', 'representative',
  'security_measures', 'config_version', 'generated_at',
];

/** One row per processing activity, with the register-wide fields repeated so each row stands alone. */
export function ropaToCsv(doc: RopaDocument): string {
  const list = (items: string[]) => items.join('; ');
  const who = (p: { name: string; contact: string } | null) => (p ? `${p.name} <${p.contact}>` : '');
  const rows = doc.activities.map((a) => [
    a.purpose, a.name, a.description ?? '', a.legalBasisArticle, a.required ? 'yes' : 'no', list(a.channels),
    list(a.dataSubjectCategories), list(a.dataCategories), list(a.recipients), list(a.thirdCountryTransfers),
    a.erasureTimeLimit, doc.controller.name, doc.controller.contact, who(doc.dpo), who(doc.representative),
    list(doc.securityMeasures), doc.configVersion, doc.generatedAt,
  ]);
  return stringify([csvColumns, ...rows.map((row) => row.map(neutralise))]);
}

/** A cell a spreadsheet would run as a formula gets a leading quote (CSV injection), full-width forms too. */
function neutralise(value: string | number): string | number {
  return typeof value === 'string' && /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/.test(value) ? `'${value}` : value;
}

/** Text from configuration, made safe to place in Markdown (no markup, no table breaks). */
function md(value: string): string {
  return value.replace(/[\r\n]+/g, ' ').replace(/([\\`*_[\]<>|#])/g, '\\$1');
}

export function ropaToMarkdown(doc: RopaDocument): string {
  const out: string[] = [];
  const who = (p: { name: string; contact: string } | null) => (p ? `${md(p.name)} (${md(p.contact)})` : 'not designated');
  const bullets = (items: string[], none: string) => (items.length > 0 ? items.map((i) => `- ${md(i)}`) : [`- ${none}`]);
  out.push(`# Register of processing activities`, '');
  out.push(`Records of processing activities under Article 30 of the GDPR for **${md(doc.tenant.name)}**, generated on ${doc.generatedAt} from configuration version ${doc.configVersion} (published ${doc.configPublishedAt}).`, '');
  out.push(`## ${doc.role === 'processor' ? 'Processor' : 'Controller'}`, '');
  out.push(`- Name: ${md(doc.controller.name)}`, `- Contact: ${md(doc.controller.contact)}`);
  if (doc.controller.address) out.push(`- Address: ${md(doc.controller.address)}`);
  out.push(`- Data protection officer: ${who(doc.dpo)}`, `- Representative in the Union (Art. 27): ${who(doc.representative)}`);
  if (doc.jointControllers.length > 0) out.push(`- Joint controllers: ${doc.jointControllers.map(who).join(', ')}`);
  if (doc.role === 'processor') out.push(`- Processing on behalf of: ${doc.processingFor.map(who).join(', ') || 'none listed'}`);
  out.push('', '## Processing activities', '');
  for (const a of doc.activities) {
    out.push(`### ${md(a.name)} (\`${a.purpose}\`)`, '');
    if (a.description) out.push(md(a.description), '');
    out.push('| Record | Entry |', '|---|---|');
    out.push(`| Legal basis | ${a.legalBasisArticle}${a.required ? ' (necessary, always on)' : ''} |`);
    if (a.channels.length > 0) out.push(`| Channels | ${a.channels.join(', ')} |`);
    out.push(`| Categories of data subjects | ${a.dataSubjectCategories.map(md).join('; ')} |`);
    out.push(`| Categories of personal data | ${a.dataCategories.map(md).join('; ')} |`);
    out.push(`| Categories of recipients | ${a.recipients.map(md).join('; ') || 'none outside the controller'} |`);
    out.push(`| Transfers to third countries | ${a.thirdCountryTransfers.map(md).join('; ') || 'none'} |`);
    out.push(`| Time limits for erasure | ${md(a.erasureTimeLimit)} |`, '');
  }
  out.push('## Transfers to third countries and safeguards', '');
  out.push(...(doc.transfers.length > 0
    ? doc.transfers.map((t) => `- ${md(t.recipient)}, ${t.country}: ${safeguardLabels[t.safeguard as keyof typeof safeguardLabels] ?? t.safeguard}${t.details ? `. ${md(t.details)}` : ''}`)
    : ['- None.']));
  out.push('', '## Retention rules', '');
  out.push(`- Consent is valid for ${doc.retention.consentTtlDays} days, then asked again.`);
  out.push(doc.retention.inactiveSubjectDays
    ? `- People without any activity for ${doc.retention.inactiveSubjectDays} days are erased automatically.`
    : '- No inactivity limit is set.');
  for (const [dataset, days] of Object.entries(doc.retention.records)) out.push(`- Records in data set "${md(dataset)}" are deleted after ${days} days.`);
  out.push('', '## Technical and organisational security measures (Art. 32)', '');
  out.push(...bullets(doc.securityMeasures, 'No measures of the organisation described yet.'));
  out.push('', 'Measures of the consent platform (Akkoord):', '');
  out.push(...bullets(doc.platformMeasures, ''));
  out.push('');
  return out.join('\n');
}
