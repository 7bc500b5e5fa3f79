// The register of processing activities rendered for people: CSV with one row per
// activity (register-wide fields repeated so each row stands alone) and a Markdown
// document, both in the register's language. Configured text stays text: CSV cells a
// spreadsheet would run are neutralised and Markdown markup is escaped.
import { stringify } from 'csv-stringify/sync';
import type { RopaDocument } from '../../../shared/schemas/accountability.js';
import { ropaText, type RopaText } from './ropa-text.js';

const csvColumns = [
  'purpose',
  'name',
  'description',
  'legal_basis',
  'required',
  'channels',
  'data_subject_categories',
  'data_categories',
  'recipients',
  'processors',
  'third_country_transfers',
  'erasure_time_limit',
  'dpia',
  'warnings',
  'controller',
  'controller_contact',
  'dpo',
  'representative',
  'security_measures',
  'config_version',
  'generated_at',
];

/** The DPIA cell of an activity: its status and the signals a DPO must act on. */
function dpiaSummary(dpia: RopaDocument['activities'][number]['dpia'], t: RopaText): string {
  if (!dpia) return t.md.notAssessed;
  const parts = [dpia.required ? t.md.dpiaRequired : t.md.dpiaNotRequired, dpia.status];
  if (dpia.date) parts.push(dpia.date);
  if (dpia.residualRisk) parts.push(`${t.md.residualRisk} ${dpia.residualRisk}`);
  if (dpia.reviewDate)
    parts.push(
      `${t.md.review} ${dpia.reviewDate}${dpia.reviewOverdue ? ` (${t.md.overdue})` : ''}`,
    );
  if (dpia.priorConsultationNeeded) parts.push(t.md.priorConsultation);
  return parts.join(', ');
}

/** One row per processing activity, with the register-wide fields repeated so each row stands alone. */
export function ropaToCsv(doc: RopaDocument): string {
  const t = ropaText[doc.language];
  const list = (items: string[]) => items.join('; ');
  const who = (p: { name: string; contact: string } | null) =>
    p ? `${p.name} <${p.contact}>` : '';
  const rows = doc.activities.map((a) => [
    a.purpose,
    a.name,
    a.description ?? '',
    a.legalBasisArticle,
    a.required ? 'yes' : 'no',
    list(a.channels),
    list(a.dataSubjectCategories),
    list(a.dataCategories),
    list(a.recipients),
    list(a.processors),
    list(a.thirdCountryTransfers),
    a.erasureTimeLimit,
    dpiaSummary(a.dpia, t),
    list(a.warnings),
    doc.controller.name,
    doc.controller.contact,
    who(doc.dpo),
    who(doc.representative),
    list(doc.securityMeasures),
    doc.configVersion,
    doc.generatedAt,
  ]);
  return stringify([csvColumns, ...rows.map((row) => row.map(neutralise))]);
}

/** A cell a spreadsheet would run as a formula gets a leading quote (CSV injection), full-width forms too. */
function neutralise(value: string | number): string | number {
  return typeof value === 'string' && /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/.test(value)
    ? `'${value}`
    : value;
}

/** Text from configuration, made safe to place in Markdown (no markup, no table breaks). */
function md(value: string): string {
  return value.replace(/[\r\n]+/g, ' ').replace(/([\\`*_[\]<>|#])/g, '\\$1');
}

export function ropaToMarkdown(doc: RopaDocument): string {
  const t = ropaText[doc.language];
  const l = t.md;
  const out: string[] = [];
  const who = (p: { name: string; contact: string } | null) =>
    p ? `${md(p.name)} (${md(p.contact)})` : l.notDesignated;
  const bullets = (items: string[], none: string) =>
    items.length > 0 ? items.map((i) => `- ${md(i)}`) : [`- ${none}`];
  const safeguard = (s: string | null) =>
    s ? (t.safeguard[s as keyof RopaText['safeguard']] ?? s) : '';
  out.push(`# ${l.title}`, '');
  out.push(
    t.mdText.intro(md(doc.tenant.name), doc.generatedAt, doc.configVersion, doc.configPublishedAt),
    '',
  );
  out.push(`## ${doc.role === 'processor' ? l.processor : l.controller}`, '');
  out.push(
    `- ${l.name}: ${md(doc.controller.name)}`,
    `- ${l.contact}: ${md(doc.controller.contact)}`,
  );
  if (doc.controller.address) out.push(`- ${l.address}: ${md(doc.controller.address)}`);
  out.push(`- ${l.dpo}: ${who(doc.dpo)}`, `- ${l.representative}: ${who(doc.representative)}`);
  if (doc.jointControllers.length > 0)
    out.push(`- ${l.jointControllers}: ${doc.jointControllers.map(who).join(', ')}`);
  if (doc.role === 'processor')
    out.push(`- ${l.onBehalfOf}: ${doc.processingFor.map(who).join(', ') || l.noneListed}`);
  if (doc.dataSubjectCategories.length > 0)
    out.push(`- ${l.subjectsAll}: ${doc.dataSubjectCategories.map(md).join('; ')}`);
  out.push('', `## ${l.activities}`, '');
  for (const a of doc.activities) {
    out.push(`### ${md(a.name)} (\`${a.purpose}\`)`, '');
    if (a.description) out.push(md(a.description), '');
    out.push(`| ${l.record} | ${l.entry} |`, '|---|---|');
    out.push(`| ${l.legalBasis} | ${a.legalBasisArticle}${a.required ? l.necessary : ''} |`);
    if (a.channels.length > 0) out.push(`| ${l.channels} | ${a.channels.join(', ')} |`);
    out.push(`| ${l.dataSubjects} | ${a.dataSubjectCategories.map(md).join('; ')} |`);
    out.push(`| ${l.dataCategories} | ${a.dataCategories.map(md).join('; ')} |`);
    out.push(`| ${l.recipients} | ${a.recipients.map(md).join('; ') || l.noRecipients} |`);
    out.push(`| ${l.processorsRow} | ${a.processors.map(md).join('; ') || l.none} |`);
    out.push(`| ${l.transfersRow} | ${a.thirdCountryTransfers.map(md).join('; ') || l.none} |`);
    out.push(`| ${l.erasure} | ${md(a.erasureTimeLimit)} |`);
    out.push(`| ${l.dpia} | ${md(dpiaSummary(a.dpia, t))} |`, '');
    for (const warning of a.warnings) out.push(`> **${l.warning}:** ${md(warning)}`, '');
  }
  if (doc.otherRecipients.length > 0)
    out.push(`## ${l.otherRecipients}`, '', ...bullets(doc.otherRecipients, ''), '');
  out.push(`## ${l.processors}`, '');
  out.push(
    ...(doc.processors.length > 0
      ? doc.processors.map((p) => {
          const parts = [
            `${l.role}: ${md(p.role)}`,
            `${l.location}: ${p.location}${p.safeguard ? `, ${safeguard(p.safeguard)}` : ''}`,
          ];
          parts.push(
            p.agreementDate
              ? `${l.agreement}: ${p.agreementDate}${p.agreementLocation ? `, ${l.keptAt} ${md(p.agreementLocation)}` : ''}`
              : l.agreementMissing,
          );
          if (p.reviewDate)
            parts.push(`${l.review} ${p.reviewDate}${p.reviewOverdue ? ` (${l.overdue})` : ''}`);
          if (p.subProcessors.length > 0)
            parts.push(
              `${l.subProcessors}: ${p.subProcessors.map((s) => `${md(s.name)} (${s.location})`).join(', ')}`,
            );
          return `- **${md(p.name)}** (${p.purposes.map((k) => `\`${k}\``).join(', ')}): ${parts.join('; ')}`;
        })
      : [`- ${l.noneDot}`]),
  );
  out.push('', `## ${l.transfers}`, '');
  out.push(
    ...(doc.transfers.length > 0
      ? doc.transfers.map(
          (x) =>
            `- ${md(x.recipient)}, ${x.country}: ${safeguard(x.safeguard)}${x.details ? `. ${md(x.details)}` : ''}`,
        )
      : [`- ${l.noneDot}`]),
  );
  out.push('', `## ${l.retention}`, '');
  out.push(`- ${t.mdText.consentValid(doc.retention.consentTtlDays)}`);
  out.push(
    `- ${doc.retention.inactiveSubjectDays ? t.mdText.inactive(doc.retention.inactiveSubjectDays) : t.mdText.noInactivity}`,
  );
  for (const [dataset, days] of Object.entries(doc.retention.records))
    out.push(`- ${t.mdText.datasetDeleted(md(dataset), days)}`);
  for (const [dataset, kept] of Object.entries(doc.retention.keptByLaw))
    out.push(`- ${t.mdText.keptByLaw(md(dataset), kept.days, md(kept.basis))}`);
  if (doc.warnings.length > 0) out.push('', `## ${l.warnings}`, '', ...bullets(doc.warnings, ''));
  out.push('', `## ${l.measures}`, '');
  out.push(...bullets(doc.securityMeasures, l.noMeasures));
  out.push('', l.platform, '');
  out.push(...bullets(doc.platformMeasures, ''));
  out.push('');
  return out.join('\n');
}
