// Data-subject requests (/v1/requests): the types, their scopes and the answers,
// shared by the request API, the preference center and the OpenAPI document.
import * as v from 'valibot';

export const requestTypes = [
  'access',
  'portability',
  'erasure',
  'restriction',
  'lift_restriction',
  'rectification',
  'objection',
  // Not asked for by the person: the notice owed to someone whose data a tool supplied (Art. 14).
  'information_notice',
] as const;
export type RequestType = (typeof requestTypes)[number];

export const requestStatuses = ['received', 'completed', 'refused', 'cancelled'] as const;
export type RequestStatus = (typeof requestStatuses)[number];

export const requestOrigins = ['api', 'preference_center', 'retention', 'unsubscribe'] as const;
export type RequestOrigin = (typeof requestOrigins)[number];

/** The four grounds of Art. 18(1) (GDPR-34). */
export const restrictionReasons = [
  'accuracy_contested',
  'unlawful_processing',
  'legal_claims',
  'pending_objection',
] as const;
export type RestrictionReason = (typeof restrictionReasons)[number];

export const exportFormats = ['json', 'csv'] as const;
export type ExportFormat = (typeof exportFormats)[number];

const Name = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z0-9_.-]{1,64}$/, 'letters, digits, _ . - (at most 64)'),
);
const ExternalId = v.pipe(v.string(), v.minLength(1), v.maxLength(200));

/** `{ all: true }`, or data sets and/or profile fields (`email`, `phone`, `attributes`, or an attribute name). */
export const ErasureScope = v.union([
  v.strictObject({ all: v.literal(true) }),
  v.pipe(
    v.strictObject({
      datasets: v.optional(v.pipe(v.array(Name), v.maxLength(100))),
      fields: v.optional(v.pipe(v.array(Name), v.maxLength(100))),
    }),
    v.check(
      (s) => (s.datasets?.length ?? 0) + (s.fields?.length ?? 0) > 0,
      'name data sets or fields to erase, or use { "all": true }',
    ),
  ),
]);
export type ErasureScope = v.InferOutput<typeof ErasureScope>;

export const RestrictionScope = v.strictObject({ reason: v.picklist(restrictionReasons) });

/** New values (Art. 16). They are applied, never stored in the request itself. */
export const RectificationScope = v.pipe(
  v.strictObject({
    email: v.optional(
      v.pipe(v.string(), v.trim(), v.maxLength(254), v.email('a valid e-mail address')),
    ),
    phone: v.optional(
      v.pipe(v.string(), v.trim(), v.regex(/^\+?[0-9 ().-]{3,30}$/, 'a phone number')),
    ),
    /** A null value removes that attribute. */
    attributes: v.optional(
      v.pipe(
        v.record(Name, v.unknown()),
        v.check((a) => Object.keys(a).length <= 100, 'at most 100 attributes'),
      ),
    ),
  }),
  v.check(
    (s) =>
      s.email !== undefined || s.phone !== undefined || Object.keys(s.attributes ?? {}).length > 0,
    'name at least one field to correct',
  ),
);
export type RectificationScope = v.InferOutput<typeof RectificationScope>;

const Empty = v.optional(v.strictObject({}), {});

/** Why the person objects, in their words (optional); stored encrypted, shown to staff, erased with the person. */
export const ObjectionReason = v.pipe(
  v.string(),
  v.trim(),
  v.maxLength(2000, 'at most 2000 characters'),
);
export const ObjectionScope = v.optional(
  v.strictObject({ reason: v.optional(ObjectionReason) }),
  {},
);

/** How a request reached the controller when someone registers it by hand. */
export const requestChannels = [
  'email',
  'letter',
  'phone',
  'in_person',
  'web_form',
  'other',
] as const;
/** How the person's identity was checked (Art. 12(6)); a method, never the evidence itself. */
export const identityCheckMethods = [
  'known_email',
  'signed_in',
  'document',
  'knowledge_questions',
  'in_person',
  'other',
] as const;
export type RequestChannel = (typeof requestChannels)[number];
export type IdentityCheckMethod = (typeof identityCheckMethods)[number];

export const IdentityCheckBody = v.strictObject({ method: v.picklist(identityCheckMethods) });

/** For a request received earlier by letter, phone or e-mail: the deadline runs from receivedAt. */
const Intake = {
  receivedAt: v.optional(
    v.pipe(v.string(), v.isoTimestamp('an ISO 8601 time such as 2026-11-30T09:00:00.000Z')),
  ),
  channel: v.optional(v.picklist(requestChannels)),
  identityCheck: v.optional(IdentityCheckBody),
};
/** `execute: false` only tracks the request (e.g. while identity is verified, Art. 12(6)); run it later. */
const Execute = v.optional(v.boolean(), true);

export const CreateRequestBody = v.variant('type', [
  v.strictObject({
    subject: ExternalId,
    type: v.literal('access'),
    scope: Empty,
    execute: Execute,
    ...Intake,
  }),
  v.strictObject({
    subject: ExternalId,
    type: v.literal('portability'),
    scope: Empty,
    execute: Execute,
    ...Intake,
  }),
  v.strictObject({
    subject: ExternalId,
    type: v.literal('erasure'),
    scope: ErasureScope,
    execute: Execute,
    ...Intake,
  }),
  v.strictObject({
    subject: ExternalId,
    type: v.literal('restriction'),
    scope: RestrictionScope,
    execute: Execute,
    ...Intake,
  }),
  v.strictObject({
    subject: ExternalId,
    type: v.literal('lift_restriction'),
    scope: Empty,
    execute: Execute,
    ...Intake,
  }),
  v.strictObject({
    subject: ExternalId,
    type: v.literal('rectification'),
    scope: RectificationScope,
    execute: Execute,
    ...Intake,
  }),
  v.strictObject({
    subject: ExternalId,
    type: v.literal('objection'),
    scope: ObjectionScope,
    execute: Execute,
    ...Intake,
  }),
]);
export type CreateRequestBody = v.InferOutput<typeof CreateRequestBody>;

/** Running a tracked request; rectification needs its new values again (they were not stored). */
export const ExecuteRequestBody = v.optional(
  v.strictObject({ scope: v.optional(v.unknown()) }),
  {},
);

export const ExtendRequestBody = v.strictObject({
  reason: v.pipe(v.string(), v.trim(), v.minLength(3), v.maxLength(1000)),
  months: v.optional(v.picklist([1, 2]), 2),
});

/** Art. 12(4)-(5): why a request is not acted on (GDPR-21, GDPR-23). */
export const refusalGrounds = [
  'manifestly_unfounded',
  'excessive',
  'identity_not_verified',
  'exemption',
] as const;
export type RefusalGround = (typeof refusalGrounds)[number];

export const RefuseRequestBody = v.strictObject({
  ground: v.picklist(refusalGrounds),
  /** The justification the person is sent and the record keeps (Art. 12(4), 12(5)). */
  explanation: v.pipe(v.string(), v.trim(), v.minLength(3), v.maxLength(2000)),
});

export const RequestIdParams = v.object({ id: v.pipe(v.string(), v.maxLength(100)) });

export const ListRequestsQuery = v.object({
  status: v.optional(v.picklist(requestStatuses)),
  overdue: v.optional(v.picklist(['true', 'false'])),
  type: v.optional(v.picklist(requestTypes)),
  subject: v.optional(ExternalId),
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
  /** The `next` of the previous page; checked by the route (400 BAD_CURSOR). */
  after: v.optional(v.pipe(v.string(), v.maxLength(200))),
});

export const ExportQuery = v.object({
  format: v.optional(v.picklist(exportFormats), 'json'),
  locale: v.optional(
    v.pipe(v.string(), v.regex(/^[a-z]{2}(-[A-Z]{2})?$/, 'a locale such as nl or en')),
  ),
});

export const RequestView = v.object({
  id: v.string(),
  type: v.picklist(requestTypes),
  status: v.picklist(requestStatuses),
  origin: v.picklist(requestOrigins),
  subject: v.object({ id: v.nullable(v.string()), externalId: v.nullable(v.string()) }),
  /** Without personal data: data set and field names, the restriction reason. */
  scope: v.record(v.string(), v.unknown()),
  receivedAt: v.string(),
  dueAt: v.string(),
  overdue: v.boolean(),
  extension: v.nullable(
    v.object({ at: v.string(), reason: v.string(), notice: v.record(v.string(), v.unknown()) }),
  ),
  completedAt: v.nullable(v.string()),
  outcome: v.nullable(v.record(v.string(), v.unknown())),
  /** The channel a hand-registered request came by; null for requests made through Akkoord itself. */
  channel: v.nullable(v.picklist(requestChannels)),
  /** How the identity was checked, by whom (an actor id) and when; null while unchecked. */
  identityCheck: v.nullable(
    v.object({ method: v.picklist(identityCheckMethods), by: v.string(), at: v.string() }),
  ),
  /** An objection's reason in the person's words: only in GET /v1/requests/{id} (an audited read) and the person's own export. */
  reason: v.optional(v.string()),
});
export type RequestView = v.InferOutput<typeof RequestView>;

export const RequestListResponse = v.object({
  requests: v.array(RequestView),
  /** Pass as `after` for the next page; null on the last page. */
  next: v.nullable(v.string()),
});
