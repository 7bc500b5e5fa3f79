// The Art. 14 notice (GDPR-25): what a person is told when their data came from someone
// else. Built from the same Art. 15 information their export carries, so the two agree.
import type { describeProcessing } from '../services/rights/art15-information.js';
import { compose, fill, messagesFor, type RenderedMail, type Tenant } from './templates.js';

type Information = ReturnType<typeof describeProcessing>;

export function informationNoticeMail(
  locale: string,
  input: { tenant: Tenant; information: Information; dataSource: string | null; manageUrl: string },
): RenderedMail {
  const m = messagesFor(locale).email as Record<string, string>;
  const { information: info } = input;
  const controller = input.tenant.controller ?? input.tenant.name;
  const list = (items: string[]) => items.join('; ');
  const categories = [...new Set(info.purposes.flatMap((p) => p.dataCategories))];
  const retention = [
    ...info.purposes
      .filter((p) => p.retentionDays)
      .map((p) => fill(m.art14RetentionDays, { purpose: p.name, days: String(p.retentionDays) })),
    ...(info.retention.inactiveSubjectDays
      ? [fill(m.art14RetentionInactive, { days: String(info.retention.inactiveSubjectDays) })]
      : []),
  ];
  const privacy = info.controller?.privacyNotice;
  const paragraphs = [
    fill(m.art14Intro, { controller, source: input.dataSource ?? m.art14SourceUnknown }),
    fill(m.art14Data, {
      categories: categories.length > 0 ? list(categories) : m.art14DataDefault,
    }),
    fill(m.art14Purposes, {
      purposes: list(
        info.purposes.map((p) => `${p.name} (${m[`basis_${p.legalBasis}`] ?? p.legalBasis})`),
      ),
    }),
    ...(info.recipients.length > 0
      ? [fill(m.art14Recipients, { recipients: list(info.recipients) })]
      : []),
    ...(info.transfers.length > 0
      ? [
          fill(m.art14Transfers, {
            transfers: list(
              info.transfers.map((x) => `${x.recipient}, ${x.country}: ${x.safeguard ?? ''}`),
            ),
          }),
        ]
      : []),
    fill(m.art14Retention, {
      retention: retention.length > 0 ? list(retention) : m.art14RetentionDefault,
    }),
    ...(info.dpo ? [fill(m.art14Dpo, { name: info.dpo.name, contact: info.dpo.contact })] : []),
    m.art14Rights,
    ...(privacy ? [fill(m.art14Privacy, { url: privacy })] : []),
  ];
  return compose(locale, {
    subject: fill(m.art14Subject, { controller }),
    paragraphs,
    link: { label: m.art14Button, url: input.manageUrl },
    tenant: input.tenant,
  });
}
