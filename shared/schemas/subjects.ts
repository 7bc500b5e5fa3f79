// Bodies and answers of the subjects API (/v1/subjects): the person a marketing
// tool knows by its own id, the consents it captured elsewhere, and its records.
import * as v from 'valibot';
import { localePattern, purposeKeyPattern } from './config.js';
import { oneLine } from './one-line.js';
import { consentStatuses, Decisions } from './consent.js';

/** The tool's own id for the person: printable, no control characters. */
export const ExternalId = v.pipe(
  v.string(),
  v.minLength(1),
  v.maxLength(200),
  v.check((id) => !/\p{Cc}/u.test(id), 'an id without control characters'),
);

export const ExternalIdParams = v.object({ externalId: ExternalId });

export const DatasetParams = v.object({
  externalId: ExternalId,
  dataset: v.pipe(
    v.string(),
    v.regex(
      purposeKeyPattern,
      'a data set name: a-z, 0-9 and _, starting with a letter, at most 40 characters',
    ),
  ),
});

/** The widget's visitor id (v_ and at least 128 random bits, base64url). */
const VisitorIdSchema = v.pipe(
  v.string(),
  v.regex(
    /^v_[A-Za-z0-9_-]{22,128}$/,
    'a visitor id: v_ followed by at least 22 base64url characters',
  ),
);

const AttributeValue = v.union([
  v.pipe(v.string(), v.maxLength(2000)),
  v.number(),
  v.boolean(),
  v.null(),
]);

/** `null` clears a field; a field left out keeps its value. */
export const UpsertSubjectBody = v.object({
  email: v.optional(v.nullable(v.pipe(v.string(), v.trim(), v.maxLength(254), v.email()))),
  phone: v.optional(
    v.nullable(
      v.pipe(
        v.string(),
        v.trim(),
        v.regex(/^\+?[0-9 ().-]{5,30}$/, 'a phone number such as +31 6 12345678'),
      ),
    ),
  ),
  attributes: v.optional(
    v.nullable(
      v.pipe(
        v.record(v.pipe(v.string(), v.minLength(1), v.maxLength(100)), AttributeValue),
        v.check((a) => Object.keys(a).length <= 100, 'at most 100 attributes'),
      ),
    ),
  ),
  visitorIds: v.optional(v.pipe(v.array(VisitorIdSchema), v.maxLength(50))),
  /**
   * Art. 14: when the tool itself already told the person what Art. 14 asks (who holds their
   * data, where it came from, what for). Without it, a person arriving with an e-mail address is
   * sent that notice by Akkoord.
   */
  informedAt: v.optional(
    v.pipe(v.string(), v.isoTimestamp('an ISO 8601 time such as 2026-11-29T10:00:00.000Z')),
  ),
  /** Where the data came from, in words the person recognises (a partner, a list): named in the notice. Not personal data. */
  dataSource: v.optional(
    v.pipe(v.string(), oneLine('The data source'), v.trim(), v.minLength(1), v.maxLength(200)),
  ),
});
export type UpsertSubjectBody = v.InferOutput<typeof UpsertSubjectBody>;

/** Sources a tool may claim for consent it captured itself (a form, a call centre, an import). */
export const capturedConsentSources = ['api', 'import'] as const;

export const CaptureConsentBody = v.object({
  decisions: Decisions,
  source: v.optional(v.picklist(capturedConsentSources), 'api'),
  /** When the person gave it; expiry counts from here. Defaults to now. */
  capturedAt: v.optional(
    v.pipe(v.string(), v.isoTimestamp('an ISO 8601 time such as 2026-11-29T10:00:00.000Z')),
  ),
  /** Leave granted decisions `pending` until the person confirms from an e-mail. */
  doubleOptIn: v.optional(v.boolean(), false),
  /**
   * Where the double opt-in mail goes when the person has no address stored yet (it is then
   * stored with them). For a person who was erased it is the only way back: nothing is
   * stored until they confirm.
   */
  email: v.optional(
    v.pipe(
      v.string(),
      v.trim(),
      v.maxLength(254),
      v.email(),
      v.description(
        'Where the double opt-in mail goes when no address is stored (then stored); for an erased person, the only way back',
      ),
    ),
  ),
  /** The configuration version the person saw; the current one by default. */
  configVersion: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
  locale: v.optional(v.pipe(v.string(), v.regex(localePattern, 'a locale such as nl or en'))),
  clientEventId: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^[A-Za-z0-9_.:-]{8,128}$/, '8 to 128 characters of A-Z a-z 0-9 _ . : -'),
    ),
  ),
  /** Art. 8: the tool checked that the person is at least the age of digital consent. */
  ageConfirmed: v.optional(v.boolean()),
  /** Art. 8: a declared age or birth year, used for the check only and never stored. */
  age: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(150))),
  birthYear: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1850), v.maxValue(2200))),
  /** Art. 8(1)-(2): consent given or authorised by the holder of parental responsibility, and how that was verified. */
  parentalConsent: v.optional(
    v.object({
      method: v.pipe(
        v.picklist(['email_confirmation', 'signed_form', 'id_check', 'payment_card', 'other']),
        v.description(
          'How the tool verified that the holder of parental responsibility gave or authorised the consent',
        ),
      ),
      verifiedAt: v.pipe(
        v.string(),
        v.isoTimestamp('an ISO 8601 time'),
        v.description('When it was verified'),
      ),
    }),
  ),
});
export type CaptureConsentBody = v.InferOutput<typeof CaptureConsentBody>;

export const RecordsBody = v.pipe(
  v.array(v.record(v.string(), v.unknown())),
  v.minLength(1, 'at least one record'),
  v.maxLength(10_000, 'at most 10,000 records per call'),
);

const Status = v.picklist(consentStatuses);
const StateSchema = v.record(v.string(), v.union([Status, v.record(v.string(), Status)]));

export const SubjectResponse = v.object({
  id: v.pipe(v.string(), v.description('sub_...')),
  externalId: v.string(),
  created: v.optional(v.boolean()),
  identities: v.object({
    email: v.optional(v.nullable(v.string())),
    phone: v.optional(v.nullable(v.string())),
    hasEmail: v.boolean(),
    hasPhone: v.boolean(),
    visitors: v.pipe(
      v.number(),
      v.description(
        "How many banner visitors are linked (their ids are the browsers' secrets and are not stored)",
      ),
    ),
  }),
  attributes: v.optional(v.nullable(v.record(v.string(), v.unknown()))),
  consents: StateSchema,
  consentDetails: v.array(
    v.object({
      purpose: v.string(),
      channel: v.nullable(v.string()),
      status: Status,
      source: v.string(),
      configVersion: v.number(),
      updatedAt: v.string(),
      expiresAt: v.nullable(v.string()),
    }),
  ),
  restriction: v.object({ restricted: v.boolean(), reason: v.nullable(v.string()) }),
  objection: v.object({
    objected: v.boolean(),
    at: v.nullable(v.string()),
    liftedFor: v.pipe(
      v.array(v.object({ purpose: v.string(), channel: v.nullable(v.string()), at: v.string() })),
      v.description(
        'Marketing purposes and channels the person granted again themselves since objecting: the objection no longer covers them',
      ),
    ),
  }),
  records: v.record(v.string(), v.number()),
  createdAt: v.string(),
  updatedAt: v.string(),
});

export const CaptureConsentResponse = v.object({
  id: v.pipe(v.string(), v.description('cns_...: this consent call')),
  subject: v.object({ id: v.string(), externalId: v.string() }),
  state: StateSchema,
  changed: StateSchema,
  doubleOptIn: v.object({
    started: v.array(v.object({ purpose: v.string(), channel: v.string() })),
  }),
  warnings: v.optional(
    v.pipe(
      v.array(
        v.object({
          code: v.literal('CONSENT_EXPIRED_ON_ARRIVAL'),
          purpose: v.string(),
          channel: v.nullable(v.string()),
          expiresAt: v.string(),
        }),
      ),
      v.description(
        'Grants whose lifetime had already ended when they arrived (capturedAt too long ago): kept as history, they count as expired',
      ),
    ),
  ),
});

export const SuppressedCaptureResponse = v.object({
  subject: v.pipe(v.null(), v.description('Nothing is stored until the person confirms')),
  erased: v.literal(true),
  doubleOptIn: v.object({
    started: v.array(v.object({ purpose: v.string(), channel: v.string() })),
  }),
});

export const RecordsResponse = v.object({
  dataset: v.string(),
  ids: v.array(v.string()),
  count: v.number(),
});
