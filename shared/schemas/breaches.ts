// The breach register (GDPR Art. 33(5)): what the controller records about each
// personal-data breach, whether and when the supervisory authority was told (Art. 33)
// and whether the people concerned were told (Art. 34). No personal data: counts,
// categories and the controller's own descriptions only.
import * as v from 'valibot';
import { oneLine } from './one-line.js';

/** One line: these names end up in mail headers, CSV rows and Markdown tables. */
const ShortText = v.pipe(
  v.string(),
  oneLine('The value'),
  v.trim(),
  v.minLength(1),
  v.maxLength(200),
);
const LongText = v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(4000));
const Instant = v.pipe(v.string(), v.isoTimestamp('an ISO 8601 time such as 2026-12-01T09:30:00Z'));
const Count = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(1_000_000_000_000));

/**
 * Why the people concerned are not told: not a high risk (Art. 34(1)), or one of the
 * three exceptions of Art. 34(3).
 */
export const communicationExceptions = [
  'no_high_risk',
  /** Art. 34(3)(a): the data was unintelligible to anyone not authorised, such as encrypted. */
  'unintelligible',
  /** Art. 34(3)(b): later measures make the high risk no longer likely. */
  'risk_mitigated',
  /** Art. 34(3)(c): telling each person would take disproportionate effort; a public communication instead. */
  'disproportionate_effort',
] as const;
export type CommunicationException = (typeof communicationExceptions)[number];

const Contact = v.object({ name: ShortText, contact: ShortText });

const BreachFields = {
  /** When the breach happened, if known. */
  occurredAt: v.optional(v.nullable(Instant)),
  /** When the controller became aware: the 72 hours of Art. 33(1) run from here. */
  awareAt: Instant,
  /** Art. 33(3)(a): the nature of the breach (what happened, confidentiality, integrity or availability). */
  nature: LongText,
  subjectCategories: v.pipe(v.array(ShortText), v.maxLength(50)),
  dataCategories: v.pipe(v.array(ShortText), v.maxLength(50)),
  approxSubjects: Count,
  approxRecords: Count,
  /** Art. 33(3)(c). */
  likelyConsequences: LongText,
  /** Art. 33(3)(d): measures taken or proposed, including those to mitigate the effects. */
  measures: LongText,
  /** Art. 33(3)(b): the DPO or another contact point; the register's DPO when left out. */
  dpoContact: v.optional(v.nullable(Contact)),
  /** False when the breach is unlikely to result in a risk (Art. 33(1)); then `notificationNotRequiredReason` says why. */
  apNotificationRequired: v.optional(v.boolean(), true),
  notificationNotRequiredReason: v.optional(v.nullable(LongText)),
  /** When the Autoriteit Persoonsgegevens (or another authority) was notified, and its reference. */
  apNotifiedAt: v.optional(v.nullable(Instant)),
  apReference: v.optional(v.nullable(ShortText)),
  /** Art. 33(1): required when the notification was made more than 72 hours after awareness. */
  latenessReason: v.optional(v.nullable(LongText)),
  /** Art. 34: whether the people concerned are told. */
  peopleToBeTold: v.optional(v.boolean(), false),
  /** When they are not: which ground, and in what words. */
  notTellingGround: v.optional(v.nullable(v.picklist(communicationExceptions))),
  notTellingReason: v.optional(v.nullable(LongText)),
};

export const CreateBreachBody = v.strictObject(BreachFields);
export type CreateBreachBody = v.InferOutput<typeof CreateBreachBody>;

/** Every field may be changed; what is left out stays as it was. */
export const UpdateBreachBody = v.partial(CreateBreachBody);
export type UpdateBreachBody = v.InferOutput<typeof UpdateBreachBody>;

export const BreachIdParams = v.object({
  id: v.pipe(v.string(), v.minLength(1), v.maxLength(100)),
});

export const BreachView = v.object({
  id: v.pipe(v.string(), v.description('brc_...')),
  occurredAt: v.nullable(v.string()),
  awareAt: v.string(),
  nature: v.string(),
  subjectCategories: v.array(v.string()),
  dataCategories: v.array(v.string()),
  approxSubjects: v.number(),
  approxRecords: v.number(),
  likelyConsequences: v.string(),
  measures: v.string(),
  dpoContact: v.nullable(Contact),
  apNotificationRequired: v.boolean(),
  notificationNotRequiredReason: v.nullable(v.string()),
  apNotifiedAt: v.nullable(v.string()),
  apReference: v.nullable(v.string()),
  latenessReason: v.nullable(v.string()),
  peopleToBeTold: v.boolean(),
  notTellingGround: v.nullable(v.picklist(communicationExceptions)),
  notTellingReason: v.nullable(v.string()),
  /** awareAt + 72 hours. */
  dueAt: v.string(),
  /** Notification required, not made, and dueAt has passed. */
  overdue: v.boolean(),
  /** Notified after dueAt. */
  notifiedLate: v.boolean(),
  /** How many people were sent the Art. 34 notice, and when the last was sent. */
  peopleTold: v.number(),
  peopleToldAt: v.nullable(v.string()),
  deadlineWarnedAt: v.nullable(v.string()),
  createdAt: v.string(),
  updatedAt: v.string(),
});
export type BreachView = v.InferOutput<typeof BreachView>;

export const BreachListQuery = v.object({
  overdue: v.optional(v.picklist(['true', 'false'])),
});

export const BreachListResponse = v.object({
  breaches: v.array(BreachView),
  /** How many breaches in the list are overdue. */
  overdue: v.number(),
});

export const notificationLanguages = ['en', 'nl'] as const;
export const NotificationQuery = v.object({
  lang: v.optional(v.picklist(notificationLanguages), 'en'),
  format: v.optional(v.picklist(['md', 'json']), 'md'),
});

export const NotificationDocument = v.object({
  breachId: v.string(),
  language: v.picklist(notificationLanguages),
  title: v.string(),
  /** One entry per question of the authority's form, in its order. */
  sections: v.array(v.object({ key: v.string(), label: v.string(), answer: v.string() })),
});
export type NotificationDocument = v.InferOutput<typeof NotificationDocument>;

/** Who receives the Art. 34 notice: at least one selector; people matching any of them are told once. */
export const CommunicateBody = v.pipe(
  v.strictObject({
    datasets: v.optional(v.pipe(v.array(ShortText), v.maxLength(50)), []),
    purposes: v.optional(v.pipe(v.array(ShortText), v.maxLength(50)), []),
    externalIds: v.optional(
      v.pipe(v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(200))), v.maxLength(10_000)),
      [],
    ),
    /** The notice in the controller's own plain words; generated from the register fields when left out. */
    message: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(8000))),
    locale: v.optional(v.picklist(notificationLanguages)),
  }),
  v.check(
    (b) => b.datasets.length + b.purposes.length + b.externalIds.length > 0,
    'name at least one data set, purpose or externalId',
  ),
);
export type CommunicateBody = v.InferOutput<typeof CommunicateBody>;

export const CommunicateResponse = v.object({
  breachId: v.string(),
  /** People sent the notice now. */
  sent: v.number(),
  /** Selected people already told earlier (nobody is told twice). */
  alreadyTold: v.number(),
  /** Selected people without an e-mail address on file. */
  withoutAddress: v.number(),
  peopleTold: v.number(),
});
