// The text of a breach notification to the supervisory authority, in Dutch or English,
// with every item Art. 33(3) asks for (nature, categories and approximate numbers of
// people and records, contact point, likely consequences, measures) plus the times,
// the reasons for any delay (Art. 33(1)) and what the people concerned are told
// (Art. 34), in the order the Autoriteit Persoonsgegevens' online form asks them.
// JSON for tools, Markdown to paste.
import type {
  BreachView,
  CommunicationException,
  NotificationDocument,
} from '../../../shared/schemas/breaches.js';

type Lang = 'en' | 'nl';

const labels: Record<Lang, Record<string, string>> = {
  en: {
    title: 'Notification of a personal data breach (Art. 33 GDPR)',
    controller: 'Controller',
    contact: 'Contact point for more information (DPO)',
    occurredAt: 'When the breach happened',
    awareAt: 'When we became aware of it',
    notifiedAt: 'Time of this notification',
    nature: 'Nature of the breach',
    subjects: 'Categories and approximate number of people concerned',
    records: 'Categories and approximate number of personal data records concerned',
    consequences: 'Likely consequences for the people concerned',
    measures: 'Measures taken or proposed, including to mitigate possible adverse effects',
    people: 'Communication to the people concerned (Art. 34)',
    lateness: 'Reasons for notifying later than 72 hours',
    unknown: 'unknown',
    notYet: 'not yet notified',
    about: 'about',
    people_: 'people',
    records_: 'records',
    told: 'The people concerned are told in plain language',
    toldCount: 'notices sent so far',
    undecided: 'not yet decided',
    notLate: 'not applicable: notified within 72 hours',
    notDue: 'not applicable',
  },
  nl: {
    title: 'Melding van een datalek (artikel 33 AVG)',
    controller: 'Verwerkingsverantwoordelijke',
    contact: 'Contactpunt voor meer informatie (FG)',
    occurredAt: 'Wanneer het datalek plaatsvond',
    awareAt: 'Wanneer wij het ontdekten',
    notifiedAt: 'Tijdstip van deze melding',
    nature: 'Aard van het datalek',
    subjects: 'Categorieën en geschat aantal betrokkenen',
    records: 'Categorieën en geschat aantal betrokken persoonsgegevens',
    consequences: 'Waarschijnlijke gevolgen voor de betrokkenen',
    measures: 'Genomen of voorgestelde maatregelen, ook om nadelige gevolgen te beperken',
    people: 'Informeren van de betrokkenen (artikel 34)',
    lateness: 'Redenen voor melding na meer dan 72 uur',
    unknown: 'onbekend',
    notYet: 'nog niet gemeld',
    about: 'ongeveer',
    people_: 'personen',
    records_: 'gegevensrecords',
    told: 'De betrokkenen worden in begrijpelijke taal geïnformeerd',
    toldCount: 'berichten tot nu toe verstuurd',
    undecided: 'nog niet besloten',
    notLate: 'niet van toepassing: binnen 72 uur gemeld',
    notDue: 'niet van toepassing',
  },
};

const grounds: Record<Lang, Record<CommunicationException, string>> = {
  en: {
    no_high_risk:
      'Not told: the breach is unlikely to result in a high risk to their rights and freedoms (Art. 34(1))',
    unintelligible:
      'Not told: the data was unintelligible to anyone not authorised to see it, for example encrypted (Art. 34(3)(a))',
    risk_mitigated:
      'Not told: later measures make the high risk no longer likely to materialise (Art. 34(3)(b))',
    disproportionate_effort:
      'Not told one by one: that would take disproportionate effort, so a public communication is made instead (Art. 34(3)(c))',
  },
  nl: {
    no_high_risk:
      'Niet geïnformeerd: het datalek levert waarschijnlijk geen hoog risico op voor hun rechten en vrijheden (artikel 34 lid 1)',
    unintelligible:
      'Niet geïnformeerd: de gegevens waren onbegrijpelijk voor onbevoegden, bijvoorbeeld versleuteld (artikel 34 lid 3 onder a)',
    risk_mitigated:
      'Niet geïnformeerd: latere maatregelen maken het hoge risico niet meer waarschijnlijk (artikel 34 lid 3 onder b)',
    disproportionate_effort:
      'Niet ieder afzonderlijk geïnformeerd: dat zou onevenredige inspanning vergen, daarom een openbare mededeling (artikel 34 lid 3 onder c)',
  },
};

export function buildNotification(
  breach: BreachView,
  controller: { name: string; contact: string },
  lang: Lang,
  now: string,
): NotificationDocument {
  const l = labels[lang];
  const number = (n: number) => n.toLocaleString(lang === 'nl' ? 'nl-NL' : 'en-GB');
  const list = (items: string[]) => (items.length > 0 ? items.join(', ') : l.unknown);
  const people = breach.peopleToBeTold
    ? `${l.told}; ${breach.peopleTold} ${l.toldCount}.`
    : breach.notTellingGround
      ? `${grounds[lang][breach.notTellingGround]}. ${breach.notTellingReason ?? ''}`.trim()
      : l.undecided;
  const sections: Array<[string, string, string]> = [
    ['controller', l.controller, `${controller.name} (${controller.contact})`],
    [
      'contact',
      l.contact,
      breach.dpoContact ? `${breach.dpoContact.name} (${breach.dpoContact.contact})` : l.unknown,
    ],
    ['occurredAt', l.occurredAt, breach.occurredAt ?? l.unknown],
    ['awareAt', l.awareAt, breach.awareAt],
    ['notifiedAt', l.notifiedAt, breach.apNotifiedAt ?? now],
    ['nature', l.nature, breach.nature],
    [
      'subjects',
      l.subjects,
      `${list(breach.subjectCategories)}; ${l.about} ${number(breach.approxSubjects)} ${l.people_}`,
    ],
    [
      'records',
      l.records,
      `${list(breach.dataCategories)}; ${l.about} ${number(breach.approxRecords)} ${l.records_}`,
    ],
    ['consequences', l.consequences, breach.likelyConsequences],
    ['measures', l.measures, breach.measures],
    ['communication', l.people, people],
    [
      'lateness',
      l.lateness,
      (breach.apNotifiedAt ?? now) > breach.dueAt
        ? (breach.latenessReason ?? l.unknown)
        : l.notLate,
    ],
  ];
  return {
    breachId: breach.id,
    language: lang,
    title: l.title,
    sections: sections.map(([key, label, answer]) => ({ key, label, answer })),
  };
}

/** Text from the register, safe to paste as Markdown (no markup of its own). */
function md(value: string): string {
  return value.replace(/\r\n?/g, '\n').replace(/([\\`*_[\]<>|#])/g, '\\$1');
}

export function notificationToMarkdown(doc: NotificationDocument): string {
  const out = [`# ${doc.title}`, ''];
  for (const s of doc.sections) out.push(`## ${s.label}`, '', md(s.answer), '');
  return out.join('\n');
}
