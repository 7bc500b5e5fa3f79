// The register of processing activities (GDPR-51, Art. 30),
// generated from the published config (purposes, legal bases, retention), the
// tenant-level fields the config does not hold (DPO, representative, recipients,
// transfers, security measures), the processors register (recipients and transfers
// per purpose) and the DPIA register. Rendered in English or Dutch as JSON, CSV (one
// row per activity) and Markdown a DPO can hand to the Autoriteit Persoonsgegevens.
import * as v from 'valibot';
import {
  RopaSettingsSchema,
  type RopaDocument,
  type RopaSettings,
} from '../../../shared/schemas/accountability.js';
import {
  isCommunicationPurpose,
  type Purpose,
  type TenantConfig,
} from '../../../shared/schemas/config.js';
import {
  isOutsideEea,
  type DpiaView,
  type ProcessorView,
} from '../../../shared/schemas/registers.js';
import type { AppContext } from '../../context.js';
import { notFound } from '../../errors.js';
import { appendAudit } from './audit.js';
import { requirePublishedConfig } from '../config/config.js';
import { listDpias } from './dpias.js';
import { listProcessors } from './processors.js';
import { ropaText, type RopaLang, type RopaText } from './ropa-text.js';

/** The tenant's register fields; defaults when never set. */
export async function readRopaSettings(
  ctx: Pick<AppContext, 'db'>,
  tenantId: string,
): Promise<{ ropa: RopaSettings; updatedAt: string | null; name: string }> {
  const row = await ctx.db
    .selectFrom('tenants')
    .select(['name', 'settings'])
    .where('id', '=', tenantId)
    .executeTakeFirst();
  if (!row) throw notFound('tenant');
  const settings = JSON.parse(row.settings) as { ropa?: unknown; ropaUpdatedAt?: string };
  const parsed = v.safeParse(RopaSettingsSchema, settings.ropa ?? {});
  return {
    ropa: parsed.success ? parsed.output : v.parse(RopaSettingsSchema, {}),
    updatedAt: settings.ropaUpdatedAt ?? null,
    name: row.name,
  };
}

/** Replaces the register fields, keeping every other setting of the tenant. */
export async function saveRopaSettings(
  ctx: AppContext,
  tenantId: string,
  ropa: RopaSettings,
  actor: string,
) {
  const at = ctx.clock.now().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('tenants')
      .select('settings')
      .where('id', '=', tenantId)
      .executeTakeFirst();
    if (!row) throw notFound('tenant');
    const settings = {
      ...(JSON.parse(row.settings) as Record<string, unknown>),
      ropa,
      ropaUpdatedAt: at,
    };
    await trx
      .updateTable('tenants')
      .set({ settings: JSON.stringify(settings) })
      .where('id', '=', tenantId)
      .execute();
    await appendAudit(
      trx,
      tenantId,
      { actor, action: 'tenant.settings_updated', target: tenantId, details: { fields: ['ropa'] } },
      at,
    );
  });
  return { ropa, updatedAt: at };
}

function dataCategoriesOf(purpose: Purpose, t: RopaText): string[] {
  if (purpose.dataCategories?.length) return purpose.dataCategories;
  if (isCommunicationPurpose(purpose))
    return (purpose.channels ?? []).map((c) => t.channel[c] ?? c).concat(t.consentRecords);
  return t.webData;
}

function erasureLimitOf(purpose: Purpose, config: TenantConfig, t: RopaText): string {
  const parts: string[] = [];
  if (purpose.retentionDays) parts.push(t.erasure.kept(purpose.retentionDays));
  if (purpose.legalBasis === 'consent') parts.push(t.erasure.lapses(config.consentTtlDays ?? 365));
  if (config.retention?.inactiveSubjectDays)
    parts.push(t.erasure.inactive(config.retention.inactiveSubjectDays));
  parts.push(t.erasure.onRequest);
  return parts.join('; ');
}

/** Keeps the first entry of each name (case-insensitive), in order: a processor also named in the config is listed once. */
function uniqueByName(entries: Array<{ name: string; label: string }>): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const e of entries) {
    const key = e.name.trim().toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(e.label);
  }
  return out;
}

const forPurpose = (purposes: string[] | undefined, key: string) =>
  purposes?.includes(key) ?? false;

/** Each place a processor, or one of its sub-processors, takes the data outside the EEA. */
function processorTransfers(p: ProcessorView, t: RopaText) {
  const out: Array<{
    recipient: string;
    country: string;
    safeguard: string;
    details: string | null;
  }> = [];
  if (isOutsideEea(p.location))
    out.push({
      recipient: p.name,
      country: p.location,
      safeguard: p.safeguard ?? '',
      details: p.transferDetails,
    });
  for (const sub of p.subProcessors) {
    if (isOutsideEea(sub.location))
      out.push({
        recipient: `${sub.name} (${t.subProcessorOf(p.name)})`,
        country: sub.location,
        safeguard: sub.safeguard ?? '',
        details: null,
      });
  }
  return out;
}

/** Where one retention rule erases data that another keeps longer (Art. 5(1)(e) against a duty to keep). */
function retentionConflicts(
  config: TenantConfig,
  t: RopaText,
): { register: string[]; byPurpose: Map<string, string[]> } {
  const inactive = config.retention?.inactiveSubjectDays;
  const register: string[] = [];
  const byPurpose = new Map<string, string[]>();
  if (!inactive) return { register, byPurpose };
  for (const [dataset, days] of Object.entries(config.retention?.records ?? {})) {
    // A data set kept by law at least as long outlives the person's erasure (Art. 17(3)(b)).
    const keptDays = config.retention?.keptByLaw?.[dataset]?.days ?? 0;
    if (days > inactive && keptDays < days)
      register.push(t.warnInactiveDataset(inactive, dataset, days));
  }
  for (const p of config.purposes) {
    if (p.retentionDays && p.retentionDays > inactive) {
      const warning = t.warnInactivePurpose(inactive, p.retentionDays);
      byPurpose.set(p.key, [warning]);
      register.push(`${p.key}: ${warning}`);
    }
  }
  return { register, byPurpose };
}

export function buildRopa(input: {
  tenant: { id: string; name: string };
  config: TenantConfig;
  configVersion: number;
  publishedAt: string;
  settings: RopaSettings;
  processors?: ProcessorView[];
  dpias?: DpiaView[];
  now: string;
  lang?: RopaLang;
}): RopaDocument {
  const { config, settings } = input;
  const lang = input.lang ?? 'en';
  const t = ropaText[lang];
  const processors = input.processors ?? [];
  const dpias = new Map((input.dpias ?? []).map((d) => [d.purpose, d]));
  // Purpose names in the asked language when the config has it, else its default language.
  const text = (p: Purpose) =>
    (input.lang ? p.text[input.lang] : undefined) ??
    p.text[config.defaultLocale] ??
    Object.values(p.text)[0];
  const party = (p: { name: string; contact: string } | undefined) =>
    p ? { name: p.name, contact: p.contact } : null;
  const recipientLabel = (r: { name: string; category?: string }) =>
    r.category ? `${r.name} (${r.category})` : r.name;
  const transferLine = (x: { recipient: string; country: string; safeguard: string }) =>
    `${x.recipient}, ${x.country}: ${t.safeguard[x.safeguard as keyof RopaText['safeguard']] ?? x.safeguard}`;
  const conflicts = retentionConflicts(config, t);

  const allTransfers = [
    ...settings.transfers.map((x) => ({
      recipient: x.recipient,
      country: x.country,
      safeguard: x.safeguard as string,
      details: x.details ?? null,
    })),
    ...processors.flatMap((p) => processorTransfers(p, t)),
  ];
  const seenTransfers = new Set<string>();
  const transfers = allTransfers.filter((x) => {
    const key = `${x.recipient.toLowerCase()}|${x.country}`;
    if (seenTransfers.has(key)) return false;
    seenTransfers.add(key);
    return true;
  });

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
    language: lang,
    dataSubjectCategories: settings.dataSubjectCategories,
    activities: config.purposes.map((p) => {
      const own = processors.filter((x) => x.purposes.includes(p.key));
      const dpia = dpias.get(p.key);
      const activityTransfers = [
        ...settings.transfers
          .filter((x) => forPurpose(x.purposes, p.key))
          .map((x) => transferLine({ ...x, safeguard: x.safeguard })),
        ...own.flatMap((x) => processorTransfers(x, t)).map(transferLine),
      ];
      return {
        purpose: p.key,
        name: text(p)?.name ?? p.key,
        description: text(p)?.description ?? null,
        legalBasis: p.legalBasis,
        legalBasisArticle: t.basis[p.legalBasis],
        required: p.required ?? false,
        channels: p.channels ?? [],
        dataSubjectCategories: settings.dataSubjectsByPurpose[p.key] ?? [
          isCommunicationPurpose(p) ? t.subjects.communication : t.subjects.website,
        ],
        dataCategories: dataCategoriesOf(p, t),
        recipients: uniqueByName([
          ...(p.recipients ?? []).map((name) => ({ name, label: name })),
          ...settings.recipients
            .filter((r) => forPurpose(r.purposes, p.key))
            .map((r) => ({ name: r.name, label: recipientLabel(r) })),
          ...own.map((x) => ({ name: x.name, label: `${x.name} (${x.role})` })),
        ]),
        processors: own.map((x) => x.name),
        thirdCountryTransfers: [...new Set(activityTransfers)],
        erasureTimeLimit: erasureLimitOf(p, config, t),
        dpia: dpia
          ? {
              required: dpia.required,
              status: dpia.status,
              date: dpia.date,
              residualRisk: dpia.residualRisk,
              priorConsultationNeeded: dpia.priorConsultationNeeded,
              reviewDate: dpia.reviewDate,
              reviewOverdue: dpia.reviewOverdue,
            }
          : null,
        warnings: conflicts.byPurpose.get(p.key) ?? [],
      };
    }),
    otherRecipients: uniqueByName(
      settings.recipients
        .filter((r) => !r.purposes?.length)
        .map((r) => ({ name: r.name, label: recipientLabel(r) })),
    ),
    processors: processors.map((x) => ({
      name: x.name,
      role: x.role,
      purposes: x.purposes,
      dataCategories: x.dataCategories,
      location: x.location,
      safeguard: x.safeguard,
      subProcessors: x.subProcessors,
      agreementDate: x.agreementDate,
      agreementLocation: x.agreementLocation,
      reviewDate: x.reviewDate,
      reviewOverdue: x.reviewOverdue,
    })),
    transfers,
    warnings: conflicts.register,
    securityMeasures: settings.securityMeasures,
    platformMeasures: t.platformMeasures,
    retention: {
      consentTtlDays: config.consentTtlDays ?? 365,
      inactiveSubjectDays: config.retention?.inactiveSubjectDays ?? null,
      records: config.retention?.records ?? {},
      keptByLaw: config.retention?.keptByLaw ?? {},
    },
  };
}

export async function generateRopa(
  ctx: AppContext,
  tenantId: string,
  lang?: RopaLang,
): Promise<RopaDocument> {
  const published = await requirePublishedConfig(ctx.db, tenantId);
  const { ropa, name } = await readRopaSettings(ctx, tenantId);
  return buildRopa({
    tenant: { id: tenantId, name },
    config: published.config,
    configVersion: published.version,
    publishedAt: published.publishedAt,
    settings: ropa,
    processors: await listProcessors(ctx, tenantId),
    dpias: (await listDpias(ctx, tenantId)).dpias,
    now: ctx.clock.now().toISOString(),
    lang,
  });
}
