// Schemas for accountability (CONTRACT.md §10): the audit log, the tenant-level
// fields of the Art. 30 register, the register itself, export and offboarding.
import * as v from 'valibot';

const ShortText = v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(200));
const LongText = v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(2000));

/** A cursor is the position of the last entry seen; the first page has none. */
export const AuditQuery = v.object({
  /** Checked by the route, so a bad one is answered 400 BAD_CURSOR (CONTRACT.md §0). */
  after: v.optional(v.pipe(v.string(), v.maxLength(100))),
  limit: v.optional(v.pipe(v.string(), v.regex(/^\d{1,4}$/, 'a number from 1 to 1000'), v.transform(Number), v.minValue(1), v.maxValue(1000)), '100'),
});

export const AuditEntrySchema = v.object({
  id: v.string(),
  actor: v.string(),
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

const Party = v.object({
  name: ShortText,
  contact: ShortText,
  address: v.optional(v.pipe(v.string(), v.trim(), v.maxLength(500))),
});

/** Art. 46 safeguards (and Art. 45 adequacy, Art. 49 derogations) for a third-country transfer. */
export const transferSafeguards = [
  'adequacy_decision', 'standard_contractual_clauses', 'binding_corporate_rules',
  'code_of_conduct', 'certification', 'derogation',
] as const;

export const safeguardLabels: Record<(typeof transferSafeguards)[number], string> = {
  adequacy_decision: 'Adequacy decision (Art. 45)',
  standard_contractual_clauses: 'Standard contractual clauses (Art. 46(2)(c))',
  binding_corporate_rules: 'Binding corporate rules (Art. 47)',
  code_of_conduct: 'Approved code of conduct (Art. 46(2)(e))',
  certification: 'Approved certification (Art. 46(2)(f))',
  derogation: 'Derogation for a specific situation (Art. 49)',
};

const CountryCode = v.pipe(v.string(), v.regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 country code such as US'));

/**
 * The register fields that are not in the published config (GDPR-51, Art. 30(1)-(2)).
 * `recipients` lists categories of recipients for all purposes; a purpose's own
 * `recipients` in the config add to them.
 */
export const RopaSettingsSchema = v.object({
  /** Art. 30(2): a processor keeps the register of the processing it does for controllers. */
  role: v.optional(v.picklist(['controller', 'processor']), 'controller'),
  controller: v.optional(Party),
  jointControllers: v.optional(v.pipe(v.array(Party), v.maxLength(20)), []),
  /** Art. 27: the representative in the Union of a controller established outside it. */
  representative: v.optional(Party),
  /** Art. 37-39: the data protection officer. */
  dpo: v.optional(Party),
  /** Art. 30(2)(a): the controllers a processor acts for. */
  processingFor: v.optional(v.pipe(v.array(Party), v.maxLength(200)), []),
  dataSubjectCategories: v.optional(v.pipe(v.array(ShortText), v.maxLength(50)), []),
  recipients: v.optional(v.pipe(v.array(v.object({
    name: ShortText,
    category: v.optional(ShortText),
    country: v.optional(CountryCode),
  })), v.maxLength(100)), []),
  transfers: v.optional(v.pipe(v.array(v.object({
    recipient: ShortText,
    country: CountryCode,
    safeguard: v.picklist(transferSafeguards),
    details: v.optional(LongText),
  })), v.maxLength(100)), []),
  /** Art. 32(1): a general description of the technical and organisational measures. */
  securityMeasures: v.optional(v.pipe(v.array(LongText), v.maxLength(50)), []),
});
export type RopaSettings = v.InferOutput<typeof RopaSettingsSchema>;

export const TenantSettingsBody = v.object({ ropa: RopaSettingsSchema });

export const TenantSettingsResponse = v.object({ ropa: RopaSettingsSchema, updatedAt: v.nullable(v.string()) });

export const ropaFormats = ['json', 'csv', 'md'] as const;
export const RopaQuery = v.object({ format: v.optional(v.picklist(ropaFormats), 'json') });

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
  thirdCountryTransfers: v.array(v.string()),
  erasureTimeLimit: v.string(),
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
  activities: v.array(RopaActivitySchema),
  transfers: v.array(v.object({ recipient: v.string(), country: v.string(), safeguard: v.string(), details: v.nullable(v.string()) })),
  securityMeasures: v.array(v.string()),
  /** The measures the consent platform itself takes, the same for every tenant. */
  platformMeasures: v.array(v.string()),
  retention: v.object({ consentTtlDays: v.number(), inactiveSubjectDays: v.nullable(v.number()), records: v.record(v.string(), v.number()) }),
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
