// Schemas for accountability: the audit log, the tenant-level
// fields of the Art. 30 register, the register itself, export and offboarding.
import * as v from 'valibot';
import { oneLine } from './one-line.js';

/** A name or other short one-line text; `field` names it when it holds a control character. */
const shortText = (field: string) =>
  v.pipe(v.string(), oneLine(field), v.trim(), v.minLength(1), v.maxLength(200));
const LongText = v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(2000));

/** A cursor is the position of the last entry seen; the first page has none. */
export const AuditQuery = v.object({
  /** Checked by the route, so a bad one is answered 400 BAD_CURSOR, like every unreadable cursor. */
  after: v.optional(v.pipe(v.string(), v.maxLength(100))),
  limit: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d{1,4}$/, 'a number from 1 to 1000'),
      v.transform(Number),
      v.minValue(1),
      v.maxValue(1000),
    ),
    '100',
  ),
  /** Only entries by this actor (a key id, a staff id, "data_subject", "system", "cli", "bootstrap"). */
  actor: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(100))),
  /** Only this action, or every action starting with the text before a final `*` (e.g. `request.*`). */
  action: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^[a-z_.]{1,80}\*?$/, 'an action such as key.created, or a prefix ending in *'),
    ),
  ),
  /** Only entries about this id. */
  target: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(100))),
  /** Only entries at or after this time (ISO 8601). */
  from: v.optional(
    v.pipe(v.string(), v.isoTimestamp('an ISO 8601 time such as 2026-01-31T00:00:00.000Z')),
  ),
  /** Only entries before this time (ISO 8601). */
  to: v.optional(
    v.pipe(v.string(), v.isoTimestamp('an ISO 8601 time such as 2026-02-01T00:00:00.000Z')),
  ),
  /** json (default) or csv: the CSV holds the matching entries after `after`, up to 10,000. */
  format: v.optional(v.picklist(['json', 'csv']), 'json'),
});

export const AuditEntrySchema = v.object({
  id: v.string(),
  actor: v.string(),
  /** The key's name or the staff member's name, when the actor has one. */
  actorName: v.optional(v.string()),
  action: v.string(),
  target: v.nullable(v.string()),
  details: v.record(v.string(), v.unknown()),
  occurredAt: v.string(),
});

export const AuditResponse = v.object({
  entries: v.array(AuditEntrySchema),
  /** Pass as `after` to read on; the same cursor again when nothing is new. */
  next: v.string(),
});

const party = (who: string) =>
  v.object({
    name: shortText(`The ${who} name`),
    contact: shortText(`The ${who} contact`),
    address: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(500))),
  });

/** Art. 46 safeguards (and Art. 45 adequacy, Art. 49 derogations) for a third-country transfer. */
export const transferSafeguards = [
  'adequacy_decision',
  'standard_contractual_clauses',
  'binding_corporate_rules',
  'code_of_conduct',
  'certification',
  'derogation',
] as const;

const CountryCode = v.pipe(
  v.string(),
  v.regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 country code such as US'),
);

const PurposeKeys = v.optional(
  v.pipe(v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(100))), v.maxLength(100)),
);

/**
 * The register fields that are not in the published config (GDPR-51, Art. 30(1)-(2)).
 * A recipient or transfer with `purposes` is listed under those activities; one without
 * is listed once for the organisation as a whole, not under every activity. Processors
 * (their own register) add theirs per purpose too.
 */
export const RopaSettingsSchema = v.object({
  /** Art. 30(2): a processor keeps the register of the processing it does for controllers. */
  role: v.optional(v.picklist(['controller', 'processor']), 'controller'),
  controller: v.optional(party('controller')),
  jointControllers: v.optional(v.pipe(v.array(party('joint controller')), v.maxLength(20)), []),
  /** Art. 27: the representative in the Union of a controller established outside it. */
  representative: v.optional(party('representative')),
  /** Art. 37-39: the data protection officer. */
  dpo: v.optional(party('data protection officer')),
  /** Art. 30(2)(a): the controllers a processor acts for. */
  processingFor: v.optional(
    v.pipe(v.array(party('controller processed for')), v.maxLength(200)),
    [],
  ),
  /** Categories of people for the organisation as a whole. */
  dataSubjectCategories: v.optional(
    v.pipe(v.array(shortText('A data subject category')), v.maxLength(50)),
    [],
  ),
  /** Categories of people per purpose key; a purpose without falls back to a default of its kind. */
  dataSubjectsByPurpose: v.optional(
    v.pipe(
      v.record(
        v.pipe(v.string(), v.maxLength(100)),
        v.pipe(v.array(shortText('A data subject category')), v.maxLength(50)),
      ),
      v.check((r) => Object.keys(r).length <= 100, 'at most 100 purposes'),
    ),
    {},
  ),
  recipients: v.optional(
    v.pipe(
      v.array(
        v.object({
          name: shortText('A recipient name'),
          category: v.optional(shortText('A recipient category')),
          country: v.optional(CountryCode),
          purposes: PurposeKeys,
        }),
      ),
      v.maxLength(100),
    ),
    [],
  ),
  transfers: v.optional(
    v.pipe(
      v.array(
        v.object({
          recipient: shortText('A transfer recipient'),
          country: CountryCode,
          safeguard: v.picklist(transferSafeguards),
          details: v.optional(LongText),
          purposes: PurposeKeys,
        }),
      ),
      v.maxLength(100),
    ),
    [],
  ),
  /** Art. 32(1): a general description of the technical and organisational measures. */
  securityMeasures: v.optional(v.pipe(v.array(LongText), v.maxLength(50)), []),
  /**
   * Art. 22 and 15(1)(h): decisions made about people by automated means alone, with the logic
   * involved and what they mean for the person. The person's export lists them; none means none are made.
   */
  automatedDecisions: v.optional(
    v.pipe(
      v.array(
        v.object({
          description: LongText,
          logic: LongText,
          consequences: LongText,
          purposes: PurposeKeys,
        }),
      ),
      v.maxLength(20),
    ),
    [],
  ),
});
export type RopaSettings = v.InferOutput<typeof RopaSettingsSchema>;

export const TenantSettingsBody = v.object({ ropa: RopaSettingsSchema });

export const TenantSettingsResponse = v.object({
  ropa: RopaSettingsSchema,
  updatedAt: v.nullable(v.string()),
});

export const ropaFormats = ['json', 'csv', 'md'] as const;
export const RopaQuery = v.object({
  format: v.optional(v.picklist(ropaFormats), 'json'),
  /** The language of the register's own text; purpose names follow it when the config has that language. */
  lang: v.optional(v.picklist(['en', 'nl'])),
});

const RopaDpia = v.object({
  required: v.boolean(),
  status: v.string(),
  date: v.nullable(v.string()),
  residualRisk: v.nullable(v.string()),
  priorConsultationNeeded: v.boolean(),
  reviewDate: v.nullable(v.string()),
  reviewOverdue: v.boolean(),
});

export const RopaActivitySchema = v.object({
  purpose: v.string(),
  name: v.string(),
  description: v.nullable(v.string()),
  legalBasis: v.string(),
  legalBasisArticle: v.string(),
  required: v.boolean(),
  channels: v.array(v.string()),
  dataSubjectCategories: v.array(v.string()),
  dataCategories: v.array(v.string()),
  recipients: v.array(v.string()),
  /** Names of the processors (processors register) that work for this purpose. */
  processors: v.array(v.string()),
  thirdCountryTransfers: v.array(v.string()),
  erasureTimeLimit: v.string(),
  /** The DPIA register's record of this purpose; null when nobody has assessed it. */
  dpia: v.nullable(RopaDpia),
  /** Retention rules that contradict each other for this purpose. */
  warnings: v.array(v.string()),
});

export const RopaDocument = v.object({
  format: v.literal('akkoord-ropa'),
  version: v.literal(1),
  generatedAt: v.string(),
  tenant: v.object({ id: v.string(), name: v.string() }),
  configVersion: v.number(),
  configPublishedAt: v.string(),
  role: v.string(),
  controller: v.object({ name: v.string(), contact: v.string(), address: v.nullable(v.string()) }),
  jointControllers: v.array(v.object({ name: v.string(), contact: v.string() })),
  representative: v.nullable(v.object({ name: v.string(), contact: v.string() })),
  dpo: v.nullable(v.object({ name: v.string(), contact: v.string() })),
  processingFor: v.array(v.object({ name: v.string(), contact: v.string() })),
  language: v.picklist(['en', 'nl']),
  dataSubjectCategories: v.array(v.string()),
  activities: v.array(RopaActivitySchema),
  /** Recipients not tied to one purpose. */
  otherRecipients: v.array(v.string()),
  processors: v.array(
    v.object({
      name: v.string(),
      role: v.string(),
      purposes: v.array(v.string()),
      dataCategories: v.array(v.string()),
      location: v.string(),
      safeguard: v.nullable(v.string()),
      subProcessors: v.array(
        v.object({ name: v.string(), location: v.string(), safeguard: v.nullable(v.string()) }),
      ),
      agreementDate: v.nullable(v.string()),
      agreementLocation: v.nullable(v.string()),
      reviewDate: v.nullable(v.string()),
      reviewOverdue: v.boolean(),
    }),
  ),
  transfers: v.array(
    v.object({
      recipient: v.string(),
      country: v.string(),
      safeguard: v.string(),
      details: v.nullable(v.string()),
    }),
  ),
  /** Retention rules that contradict each other, e.g. an inactivity rule erasing records another rule keeps longer. */
  warnings: v.array(v.string()),
  securityMeasures: v.array(v.string()),
  /** The measures the consent platform itself takes, the same for every tenant. */
  platformMeasures: v.array(v.string()),
  retention: v.object({
    consentTtlDays: v.number(),
    inactiveSubjectDays: v.nullable(v.number()),
    records: v.record(v.string(), v.number()),
    /** Art. 17(3)(b): data sets a law keeps, for how many days from each record and on which basis; erasure leaves them that long. */
    keptByLaw: v.record(v.string(), v.object({ days: v.number(), basis: v.string() })),
  }),
});
export type RopaDocument = v.InferOutput<typeof RopaDocument>;

export const OffboardQuery = v.object({
  now: v.optional(v.picklist(['true', 'false']), 'false'),
});

export const OffboardResponse = v.object({
  tenantId: v.string(),
  status: v.picklist(['offboarding', 'deleted']),
  deleteAfter: v.nullable(v.string()),
});

export const TenantIdParams = v.object({ id: v.pipe(v.string(), v.maxLength(100)) });

/** The row types of a tenant export, in the order they are written. */
export const tenantExportRowTypes = [
  'tenant',
  'api_key',
  'config_version',
  'ledger_head',
  'subject',
  'subject_visitor',
  'consent_event',
  'consent_state',
  'record',
  'request',
  'feed_event',
  'webhook',
  'webhook_delivery',
  'delivery_attempt',
  'audit_entry',
  'tombstone',
  'breach',
  'breach_notice',
  'ledger_checkpoint',
  'processor',
  'dpia',
] as const;

/**
 * One line of the tenant export (application/x-ndjson): the header first, one line per stored
 * row (its columns as stored, personal ones decrypted or left out), the end line last.
 */
export const TenantExportLine = v.variant('type', [
  v.object({
    type: v.literal('header'),
    format: v.literal('akkoord-tenant-export'),
    version: v.literal(1),
    tenantId: v.string(),
    exportedAt: v.string(),
    personalData: v.boolean(),
    counts: v.record(v.string(), v.number()),
  }),
  v.object({ type: v.picklist(tenantExportRowTypes), data: v.looseObject({}) }),
  v.object({ type: v.literal('end'), counts: v.record(v.string(), v.number()) }),
]);
