// The preference center's API (CONTRACT.md §8): bodies and answers of /v1/me/*.
import * as v from 'valibot';
import { Decisions } from './consent.js';
import { ErasureScope, RectificationScope, RequestView, restrictionReasons } from './requests.js';

const Language = v.pipe(v.string(), v.regex(/^[a-z]{2}$/, 'a language such as nl or en'));

export const LoginBody = v.object({
  tenant: v.pipe(v.string(), v.startsWith('ten_'), v.maxLength(100)),
  email: v.pipe(v.string(), v.trim(), v.maxLength(254), v.email('a valid e-mail address')),
  locale: v.optional(Language),
});

export const SessionBody = v.object({ token: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{43}$/, 'a link token')) });

export const ConsentsBody = v.object({ decisions: Decisions, locale: v.optional(Language) });

export const ProfileBody = RectificationScope;

export const RestrictionBody = v.object({ reason: v.picklist(restrictionReasons) });

export const ErasureBody = ErasureScope;

export const MeExportQuery = v.object({
  format: v.optional(v.picklist(['json', 'csv']), 'json'),
  locale: v.optional(Language),
});

export const LocaleQuery = v.object({ locale: v.optional(Language) });

export const SessionResponse = v.object({ csrfToken: v.string(), expiresAt: v.string() });

const Status = v.picklist(['granted', 'denied', 'withdrawn', 'pending', 'expired']);

export const MeResponse = v.object({
  csrfToken: v.string(),
  tenantId: v.string(),
  session: v.object({ expiresAt: v.string() }),
  subject: v.object({
    id: v.string(),
    externalId: v.nullable(v.string()),
    email: v.nullable(v.string()),
    phone: v.nullable(v.string()),
    attributes: v.record(v.string(), v.unknown()),
    restriction: v.object({ restricted: v.boolean(), reason: v.nullable(v.string()) }),
    objection: v.object({ objectedAt: v.nullable(v.string()) }),
  }),
  consent: v.object({
    state: v.record(v.string(), v.unknown()),
    /** When and how each current status was given. */
    current: v.array(v.object({ purpose: v.string(), channel: v.nullable(v.string()), status: Status, source: v.string(), since: v.string(), expiresAt: v.nullable(v.string()) })),
    history: v.array(v.object({ occurredAt: v.string(), purpose: v.string(), channel: v.nullable(v.string()), status: Status, source: v.string() })),
  }),
  /** Records kept per data set, by count. */
  records: v.record(v.string(), v.number()),
});

export const MeRequestsResponse = v.object({ requests: v.array(RequestView) });
