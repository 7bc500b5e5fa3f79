// The words of the register of processing activities in English and Dutch: headings,
// legal bases, default categories, retention sentences and the platform's own measures.
// Only text written by the register itself; names and descriptions from the tenant's
// configuration and settings are shown as they were entered.
import type { transferSafeguards } from '../../../shared/schemas/accountability.js';
import type { LegalBasis } from '../../../shared/schemas/config.js';

export type RopaLang = 'en' | 'nl';

export interface RopaText {
  basis: Record<LegalBasis, string>;
  safeguard: Record<(typeof transferSafeguards)[number], string>;
  channel: Record<string, string>;
  consentRecords: string;
  webData: string[];
  subjects: { communication: string; website: string };
  erasure: {
    kept: (days: number) => string;
    lapses: (days: number) => string;
    inactive: (days: number) => string;
    onRequest: string;
  };
  warnInactiveDataset: (inactive: number, dataset: string, days: number) => string;
  warnInactivePurpose: (inactive: number, days: number) => string;
  subProcessorOf: (name: string) => string;
  platformMeasures: string[];
  md: Record<string, string>;
  mdText: {
    intro: (tenant: string, at: string, version: number, published: string) => string;
    consentValid: (days: number) => string;
    inactive: (days: number) => string;
    noInactivity: string;
    datasetDeleted: (dataset: string, days: number) => string;
    keptByLaw: (dataset: string, days: number, basis: string) => string;
  };
}

const en: RopaText = {
  basis: {
    consent: 'Art. 6(1)(a) consent',
    contract: 'Art. 6(1)(b) contract',
    legal_obligation: 'Art. 6(1)(c) legal obligation',
    vital_interests: 'Art. 6(1)(d) vital interests',
    public_task: 'Art. 6(1)(e) public task',
    legitimate_interest: 'Art. 6(1)(f) legitimate interests',
  },
  safeguard: {
    adequacy_decision: 'Adequacy decision (Art. 45)',
    standard_contractual_clauses: 'Standard contractual clauses (Art. 46(2)(c))',
    binding_corporate_rules: 'Binding corporate rules (Art. 47)',
    code_of_conduct: 'Approved code of conduct (Art. 46(2)(e))',
    certification: 'Approved certification (Art. 46(2)(f))',
    derogation: 'Derogation for a specific situation (Art. 49)',
  },
  channel: {
    email: 'e-mail address',
    sms: 'mobile telephone number',
    phone: 'telephone number',
    post: 'postal address',
    push: 'push notification token',
  },
  consentRecords: 'consent records',
  webData: [
    'online identifiers (pseudonymous visitor id)',
    'truncated IP address and user agent with each consent',
    'consent records',
  ],
  subjects: { communication: 'customers and subscribers', website: 'website visitors' },
  erasure: {
    kept: (d) => `data kept ${d} days`,
    lapses: (d) => `consent lapses after ${d} days and is asked again`,
    inactive: (d) => `people inactive for ${d} days are erased`,
    onRequest: 'erased at once on a request under Art. 17',
  },
  warnInactiveDataset: (inactive, dataset, days) =>
    `People inactive for ${inactive} days are erased with all their data, but records in data set "${dataset}" are to be kept ${days} days: the inactivity rule erases them before their own retention ends.`,
  warnInactivePurpose: (inactive, days) =>
    `This purpose keeps data ${days} days, but people inactive for ${inactive} days are erased with all their data first.`,
  subProcessorOf: (name) => `sub-processor of ${name}`,
  platformMeasures: [
    'E-mail addresses, phone numbers, profile attributes and records are encrypted at rest (AES-256-GCM) and found by keyed hashes.',
    'Consent records form a hash chain per tenant, so any later change to a stored record can be detected.',
    'API access by secret keys limited to scopes, stored only as hashes and revocable at once; every administrative action is audit-logged without personal data.',
    'IP addresses are truncated before storage; banner visitors are known by a pseudonymous id only.',
    'Erased data is scrubbed from the database files (secure delete and WAL checkpoint on SQLite, VACUUM on PostgreSQL), not only unlinked.',
  ],
  md: {
    title: 'Register of processing activities',
    controller: 'Controller',
    processor: 'Processor',
    name: 'Name',
    contact: 'Contact',
    address: 'Address',
    dpo: 'Data protection officer',
    representative: 'Representative in the Union (Art. 27)',
    notDesignated: 'not designated',
    jointControllers: 'Joint controllers',
    onBehalfOf: 'Processing on behalf of',
    noneListed: 'none listed',
    subjectsAll: 'Categories of data subjects',
    activities: 'Processing activities',
    record: 'Record',
    entry: 'Entry',
    legalBasis: 'Legal basis',
    necessary: ' (necessary, always on)',
    channels: 'Channels',
    dataSubjects: 'Categories of data subjects',
    dataCategories: 'Categories of personal data',
    recipients: 'Categories of recipients',
    noRecipients: 'none outside the controller',
    processorsRow: 'Processors',
    none: 'none',
    transfersRow: 'Transfers to third countries',
    erasure: 'Time limits for erasure',
    dpia: 'DPIA (Art. 35)',
    notAssessed: 'not assessed',
    dpiaRequired: 'required',
    dpiaNotRequired: 'not required',
    residualRisk: 'residual risk',
    review: 'review',
    overdue: 'overdue',
    priorConsultation: 'prior consultation of the authority needed (Art. 36)',
    warning: 'Warning',
    otherRecipients: 'Recipients for the organisation as a whole',
    processors: 'Processors (Art. 28)',
    role: 'role',
    location: 'location',
    agreement: 'processing agreement',
    agreementMissing: 'no signed agreement recorded',
    keptAt: 'kept at',
    subProcessors: 'sub-processors',
    transfers: 'Transfers to third countries and safeguards',
    noneDot: 'None.',
    retention: 'Retention rules',
    warnings: 'Conflicting retention rules',
    measures: 'Technical and organisational security measures (Art. 32)',
    noMeasures: 'No measures of the organisation described yet.',
    platform: 'Measures of the consent platform (Akkoord):',
  },
  mdText: {
    intro: (tenant, at, version, published) =>
      `Records of processing activities under Article 30 of the GDPR for **${tenant}**, generated on ${at} from configuration version ${version} (published ${published}).`,
    consentValid: (d) => `Consent is valid for ${d} days, then asked again.`,
    inactive: (d) => `People without any activity for ${d} days are erased automatically.`,
    noInactivity: 'No inactivity limit is set.',
    datasetDeleted: (dataset, d) => `Records in data set "${dataset}" are deleted after ${d} days.`,
    keptByLaw: (dataset, d, basis) =>
      `Records in data set "${dataset}" are kept ${d} days after they were made, also after an erasure request, because the law requires it (${basis}); then they are deleted.`,
  },
};

const nl: RopaText = {
  basis: {
    consent: 'Art. 6 lid 1 sub a AVG (toestemming)',
    contract: 'Art. 6 lid 1 sub b AVG (overeenkomst)',
    legal_obligation: 'Art. 6 lid 1 sub c AVG (wettelijke verplichting)',
    vital_interests: 'Art. 6 lid 1 sub d AVG (vitale belangen)',
    public_task: 'Art. 6 lid 1 sub e AVG (taak van algemeen belang)',
    legitimate_interest: 'Art. 6 lid 1 sub f AVG (gerechtvaardigd belang)',
  },
  safeguard: {
    adequacy_decision: 'Adequaatheidsbesluit (art. 45)',
    standard_contractual_clauses: 'Modelcontractbepalingen (art. 46 lid 2 sub c)',
    binding_corporate_rules: 'Bindende bedrijfsvoorschriften (art. 47)',
    code_of_conduct: 'Goedgekeurde gedragscode (art. 46 lid 2 sub e)',
    certification: 'Goedgekeurde certificering (art. 46 lid 2 sub f)',
    derogation: 'Afwijking voor een specifieke situatie (art. 49)',
  },
  channel: {
    email: 'e-mailadres',
    sms: 'mobiel telefoonnummer',
    phone: 'telefoonnummer',
    post: 'postadres',
    push: 'pushnotificatietoken',
  },
  consentRecords: 'toestemmingsregistraties',
  webData: [
    'online identificatoren (pseudoniem bezoekers-id)',
    'ingekort IP-adres en user agent bij elke toestemming',
    'toestemmingsregistraties',
  ],
  subjects: { communication: 'klanten en abonnees', website: 'websitebezoekers' },
  erasure: {
    kept: (d) => `gegevens worden ${d} dagen bewaard`,
    lapses: (d) => `toestemming vervalt na ${d} dagen en wordt opnieuw gevraagd`,
    inactive: (d) => `personen die ${d} dagen inactief zijn worden gewist`,
    onRequest: 'direct gewist op een verzoek onder art. 17',
  },
  warnInactiveDataset: (inactive, dataset, days) =>
    `Personen die ${inactive} dagen inactief zijn worden met al hun gegevens gewist, maar records in gegevensset "${dataset}" moeten ${days} dagen bewaard blijven: de inactiviteitsregel wist ze voordat hun eigen bewaartermijn voorbij is.`,
  warnInactivePurpose: (inactive, days) =>
    `Dit doel bewaart gegevens ${days} dagen, maar personen die ${inactive} dagen inactief zijn worden eerder met al hun gegevens gewist.`,
  subProcessorOf: (name) => `subverwerker van ${name}`,
  platformMeasures: [
    'E-mailadressen, telefoonnummers, profielkenmerken en records worden versleuteld opgeslagen (AES-256-GCM) en gevonden via sleutel-hashes.',
    'Toestemmingsregistraties vormen per organisatie een hashketen, zodat elke latere wijziging van een opgeslagen registratie aantoonbaar is.',
    'API-toegang met geheime sleutels met beperkte bevoegdheden, alleen als hash opgeslagen en direct in te trekken; elke beheerhandeling wordt zonder persoonsgegevens gelogd.',
    'IP-adressen worden ingekort voor opslag; bezoekers van de banner zijn alleen bekend onder een pseudoniem id.',
    'Gewiste gegevens worden uit de databasebestanden verwijderd (secure delete en WAL-checkpoint bij SQLite, VACUUM bij PostgreSQL), niet alleen ontkoppeld.',
  ],
  md: {
    title: 'Register van verwerkingsactiviteiten',
    controller: 'Verwerkingsverantwoordelijke',
    processor: 'Verwerker',
    name: 'Naam',
    contact: 'Contact',
    address: 'Adres',
    dpo: 'Functionaris gegevensbescherming',
    representative: 'Vertegenwoordiger in de Unie (art. 27)',
    notDesignated: 'niet aangewezen',
    jointControllers: 'Gezamenlijk verwerkingsverantwoordelijken',
    onBehalfOf: 'Verwerking namens',
    noneListed: 'geen opgegeven',
    subjectsAll: 'Categorieën betrokkenen',
    activities: 'Verwerkingsactiviteiten',
    record: 'Onderdeel',
    entry: 'Invulling',
    legalBasis: 'Grondslag',
    necessary: ' (noodzakelijk, altijd aan)',
    channels: 'Kanalen',
    dataSubjects: 'Categorieën betrokkenen',
    dataCategories: 'Categorieën persoonsgegevens',
    recipients: 'Categorieën ontvangers',
    noRecipients: 'geen buiten de verwerkingsverantwoordelijke',
    processorsRow: 'Verwerkers',
    none: 'geen',
    transfersRow: 'Doorgiften naar derde landen',
    erasure: 'Termijnen voor wissen',
    dpia: 'DPIA (art. 35)',
    notAssessed: 'niet beoordeeld',
    dpiaRequired: 'verplicht',
    dpiaNotRequired: 'niet verplicht',
    residualRisk: 'restrisico',
    review: 'herbeoordeling',
    overdue: 'verlopen',
    priorConsultation: 'voorafgaande raadpleging van de toezichthouder nodig (art. 36)',
    warning: 'Waarschuwing',
    otherRecipients: 'Ontvangers voor de organisatie als geheel',
    processors: 'Verwerkers (art. 28)',
    role: 'rol',
    location: 'locatie',
    agreement: 'verwerkersovereenkomst',
    agreementMissing: 'geen getekende overeenkomst vastgelegd',
    keptAt: 'bewaard in',
    subProcessors: 'subverwerkers',
    transfers: 'Doorgiften naar derde landen en waarborgen',
    noneDot: 'Geen.',
    retention: 'Bewaarregels',
    warnings: 'Tegenstrijdige bewaarregels',
    measures: 'Technische en organisatorische beveiligingsmaatregelen (art. 32)',
    noMeasures: 'Nog geen maatregelen van de organisatie beschreven.',
    platform: 'Maatregelen van het toestemmingsplatform (Akkoord):',
  },
  mdText: {
    intro: (tenant, at, version, published) =>
      `Register van verwerkingsactiviteiten volgens artikel 30 AVG van **${tenant}**, gemaakt op ${at} uit configuratieversie ${version} (gepubliceerd ${published}).`,
    consentValid: (d) => `Toestemming is ${d} dagen geldig en wordt daarna opnieuw gevraagd.`,
    inactive: (d) =>
      `Personen zonder enige activiteit gedurende ${d} dagen worden automatisch gewist.`,
    noInactivity: 'Er is geen inactiviteitstermijn ingesteld.',
    datasetDeleted: (dataset, d) =>
      `Records in gegevensset "${dataset}" worden na ${d} dagen verwijderd.`,
    keptByLaw: (dataset, d, basis) =>
      `Records in gegevensset "${dataset}" worden ${d} dagen na het ontstaan bewaard, ook na een verzoek om wissing, omdat de wet dat eist (${basis}); daarna worden ze verwijderd.`,
  },
};

export const ropaText: Record<RopaLang, RopaText> = { en, nl };
