// The preference center's API: bodies and answers of /v1/me/*.
import * as v from 'valibot';
import { Decisions } from './consent.js';
import {
  ErasureScope,
  ObjectionReason,
  RectificationScope,
  RequestView,
  restrictionReasons,
} from './requests.js';

const Language = v.pipe(v.string(), v.regex(/^[a-z]{2}$/, 'a language such as nl or en'));

export const LoginBody = v.object({
  tenant: v.pipe(v.string(), v.startsWith('ten_'), v.maxLength(100)),
  email: v.pipe(v.string(), v.trim(), v.maxLength(254), v.email('a valid e-mail address')),
  locale: v.optional(Language),
});

export const SessionBody = v.object({
  token: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{43}$/, 'a link token')),
});

export const ConsentsBody = v.object({
  decisions: Decisions,
  locale: v.optional(Language),
  /**
   * The address to use when e-mail is turned on and none is on file: stored, and the e-mail
   * consent stays pending until the person follows the confirmation link mailed to it.
   */
  email: v.optional(
    v.pipe(v.string(), v.trim(), v.maxLength(254), v.email('a valid e-mail address')),
  ),
});

export const ProfileBody = RectificationScope;

export const RestrictionBody = v.object({ reason: v.picklist(restrictionReasons) });

export const ErasureBody = ErasureScope;

/** An objection may come with the person's reason (optional, encrypted at rest, shown to staff). No body means none. */
export const ObjectionBody = v.optional(
  v.strictObject({ reason: v.optional(ObjectionReason) }),
  {},
);

export const MeExportBody = v.object({
  format: v.optional(v.picklist(['json', 'csv']), 'json'),
  locale: v.optional(Language),
});

export const MeExportLinkBody = v.object({
  token: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{43}$/, 'a link token')),
  locale: v.optional(Language),
});

export const LocaleQuery = v.object({ locale: v.optional(Language) });

export const SessionResponse = v.object({
  csrfToken: v.string(),
  expiresAt: v.string(),
  tenantId: v.string(),
});
export type SessionResponse = v.InferOutput<typeof SessionResponse>;

/** The 202 of sign-in and step-up: the same words whether or not the address is known. */
export const MessageResponse = v.object({ message: v.string() });

const StateValue = v.union([v.string(), v.record(v.string(), v.string())]);

/** PUT /v1/me/consents: the whole state after the change, and only what this call changed. */
export const MeConsentsResponse = v.object({
  state: v.record(v.string(), StateValue),
  changed: v.record(v.string(), StateValue),
  /** True when a confirmation link went to the e-mail address given with this call. */
  confirmationSent: v.optional(v.boolean()),
});
export type MeConsentsResponse = v.InferOutput<typeof MeConsentsResponse>;

/** PATCH /v1/me/profile: the names of the fields that changed (email, phone, attributes.<name>). */
/** Art. 19: who was told of a rectification, erasure or restriction. */
export const Notified = v.pipe(
  v.array(
    v.object({
      kind: v.picklist(['webhook', 'key']),
      id: v.string(),
      name: v.nullable(v.string()),
    }),
  ),
  v.description(
    "The recipients told of it: those that received the person's data, and every webhook (it receives the feed event)",
  ),
);

/** Art. 19: a recipient that received some of the person's data. */
export const Recipient = v.object({
  kind: v.picklist(['webhook', 'key']),
  name: v.nullable(v.string()),
  categories: v.array(v.string()),
  firstAt: v.string(),
  lastAt: v.string(),
});

export const MeProfileResponse = v.object({
  requestId: v.string(),
  changed: v.array(v.string()),
  notified: v.optional(Notified),
});

export const MeRestrictionResponse = v.object({
  requestId: v.string(),
  notified: v.optional(Notified),
  restricted: v.literal(true),
  reason: v.picklist(restrictionReasons),
  /** False when it was already restricted on this ground. */
  changed: v.boolean(),
});

export const MeLiftResponse = v.object({
  requestId: v.string(),
  restricted: v.literal(false),
  /** How the person was told before the lift. */
  notice: v.object({
    via: v.picklist(['email', 'requester', 'preference_center']),
    at: v.string(),
  }),
});

export const MeObjectionResponse = v.object({
  requestId: v.string(),
  objectedAt: v.string(),
  /** The consents this objection withdrew. */
  withdrawn: v.array(v.object({ purpose: v.string(), channel: v.string() })),
});

/** Art. 17(3)(b): records an erasure left because a law keeps them, per data set, with the basis and until when. */
export const Kept = v.pipe(
  v.array(
    v.object({ dataset: v.string(), records: v.number(), basis: v.string(), until: v.string() }),
  ),
  v.description(
    'Records a law obliges the controller to keep (Art. 17(3)(b)): left by this erasure until their term ends',
  ),
);

export const MeErasureResponse = v.union([
  v.object({
    requestId: v.string(),
    erased: v.literal('all'),
    tombstoneId: v.string(),
    records: v.number(),
    notified: v.optional(Notified),
    kept: v.optional(Kept),
  }),
  v.object({
    requestId: v.string(),
    erased: v.literal('partial'),
    datasets: v.record(v.string(), v.number()),
    fields: v.array(v.string()),
    notified: v.optional(Notified),
    kept: v.optional(Kept),
  }),
]);
export type MeErasureResponse = v.InferOutput<typeof MeErasureResponse>;

const Status = v.picklist(['granted', 'denied', 'withdrawn', 'pending', 'expired']);

export const MeResponse = v.object({
  csrfToken: v.string(),
  tenantId: v.string(),
  /** 'low' for a session from a tool's link or the banner's visitor link, until the person steps up. */
  session: v.object({ expiresAt: v.string(), assurance: v.picklist(['high', 'low']) }),
  /** A low-assurance session whose person has an e-mail address on file, so POST /v1/me/step-up can mail a link. */
  canStepUp: v.boolean(),
  /** Whether an e-mail address and a phone number are on file (in any session): the channels that need one. */
  onFile: v.object({ email: v.boolean(), phone: v.boolean() }),
  subject: v.object({
    id: v.string(),
    externalId: v.nullable(v.string()),
    email: v.nullable(v.string()),
    phone: v.nullable(v.string()),
    attributes: v.record(v.string(), v.unknown()),
    restriction: v.object({ restricted: v.boolean(), reason: v.nullable(v.string()) }),
    objection: v.object({
      objectedAt: v.nullable(v.string()),
      /**
       * The marketing purposes and channels the objection still covers. Granting one of them
       * lifts the objection for it alone: the page warns before it sends that grant.
       */
      covers: v.pipe(
        v.array(v.object({ purpose: v.string(), channel: v.nullable(v.string()) })),
        v.description(
          'Marketing purposes and channels still under the objection; granting one lifts it for that one only',
        ),
      ),
    }),
  }),
  consent: v.object({
    state: v.record(v.string(), v.unknown()),
    /** When and how each current status was given. */
    current: v.array(
      v.object({
        purpose: v.string(),
        channel: v.nullable(v.string()),
        status: Status,
        source: v.string(),
        since: v.string(),
        expiresAt: v.nullable(v.string()),
      }),
    ),
    history: v.array(
      v.object({
        occurredAt: v.string(),
        purpose: v.string(),
        channel: v.nullable(v.string()),
        status: Status,
        source: v.string(),
        reason: v.pipe(
          v.nullable(v.picklist(['objected', 'objection_lifted'])),
          v.description(
            "objected: a tool's grant refused under the objection; objection_lifted: the person's own grant lifted it",
          ),
        ),
      }),
    ),
  }),
  /** Records kept per data set, by count. */
  records: v.record(v.string(), v.number()),
  /** Art. 19: who received some of the person's data, and when (empty in a low-assurance session). */
  recipients: v.array(Recipient),
  /** Art. 17(3)(b): data sets a law keeps, shown instead of an erase choice; `until` (the person's last record's term) needs a confirmed session. */
  keptByLaw: v.array(
    v.object({
      dataset: v.string(),
      basis: v.string(),
      days: v.number(),
      until: v.nullable(v.string()),
    }),
  ),
});

export const MeRequestsResponse = v.object({ requests: v.array(RequestView) });
