// Bodies and answers for signed links (POST /v1/links), the banner visitor's
// "manage my data" link and the one-time tokens in them.
import * as v from 'valibot';
import { channels } from './config.js';

export const CreateLinkBody = v.object({
  kind: v.picklist(['preferences', 'unsubscribe']),
  purpose: v.optional(v.pipe(v.string(), v.maxLength(40))),
  channel: v.optional(v.picklist(channels)),
  /** The language of the pages the link opens; the tenant's default otherwise. */
  locale: v.optional(v.pipe(v.string(), v.regex(/^[a-z]{2}$/, 'a language such as nl or en'))),
});
export type CreateLinkBody = v.InferOutput<typeof CreateLinkBody>;

export const LinkResponse = v.object({
  url: v.string(),
  expiresAt: v.pipe(
    v.nullable(v.string()),
    v.description('null: the link never expires (unsubscribe links)'),
  ),
  objectUrl: v.optional(
    v.pipe(
      v.string(),
      v.description(
        'Subject links: one click (POST List-Unsubscribe=One-Click) objects to all direct marketing by every channel; never expires',
      ),
    ),
  ),
  headers: v.optional(
    v.pipe(
      v.object({
        'List-Unsubscribe': v.string(),
        'List-Unsubscribe-Post': v.literal('List-Unsubscribe=One-Click'),
      }),
      v.description('Unsubscribe links: the mail headers to set, as they are (RFC 2369, RFC 8058)'),
    ),
  ),
});

export const SubjectParams = v.object({
  externalId: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
});

/** 256 random bits, base64url: 43 characters. */
export const TokenParams = v.object({
  token: v.pipe(v.string(), v.regex(/^[A-Za-z0-9_-]{43}$/, 'a link token')),
});

export const VisitorLinkBody = v.object({
  key: v.pipe(v.string(), v.startsWith('pk_'), v.maxLength(100)),
  visitorId: v.pipe(v.string(), v.minLength(16), v.maxLength(100)),
});
