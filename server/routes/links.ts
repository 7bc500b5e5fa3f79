// Links for tools and the banner: a signed preference-center or one-click unsubscribe
// link for a subject (each with the one-click objection to all direct marketing beside
// it), and the banner visitor's short-lived
// "manage my data" link, asked for by the preference center on the visitor's behalf.
import { Hono } from 'hono';
import {
  CreateLinkBody,
  LinkResponse,
  SubjectParams,
  VisitorLinkBody,
} from '../../shared/schemas/links.js';
import { requireScope, tenantForPublicKey, type AuthEnv } from '../auth.js';
import type { AppContext } from '../context.js';
import { sameOrigin } from '../middleware/same-origin.js';
import { describe } from '../openapi/describe.js';
import { createSubjectLink, createVisitorLink } from '../services/me/links.js';
import { validate } from '../validate.js';

export function linkRoutes(ctx: AppContext) {
  const fromPreferenceCenter = sameOrigin(ctx);
  return new Hono<AuthEnv>()
    .post(
      '/v1/subjects/:externalId/links',
      describe({
        tag: 'Subjects',
        auth: { scopes: ['subjects:write'] },
        params: SubjectParams,
        body: CreateLinkBody,
        summary:
          'A signed preference-center link or a one-click unsubscribe URL with its mail headers, each with a one-click objection to all marketing',
        description:
          'kind "preferences": following it opens a low-assurance preference-center session (30 days, reusable): the person can see and change ' +
          'consents and object to marketing, nothing more. E-mail, phone, attributes, records, downloads, rectification, restriction and erasure wait until the person ' +
          'confirms by a link mailed to the address on file (POST /v1/me/step-up). Every action in such a session is audited with this link and this key. ' +
          'kind "unsubscribe": a POST withdraws that purpose on that channel (default email) at once. The answer\'s headers are the two mail headers ' +
          'the tool must set on the message, exactly as given: `List-Unsubscribe: <url>` and `List-Unsubscribe-Post: List-Unsubscribe=One-Click` ' +
          '(RFC 2369, RFC 8058; mailbox providers then show their own unsubscribe button and POST to the url). Put url in the body of the mail too. ' +
          'Unsubscribe links never expire (expiresAt null): a mail read years later still works, and once the person is erased the link answers ' +
          'success and changes nothing. Every answer also carries objectUrl: one click there (the same one-click POST) objects to all direct ' +
          'marketing by every channel (Art. 21), recorded as an objection; show it in the mail clearly and apart from other text, beside the ' +
          'per-channel unsubscribe (Art. 21(4)). It never expires either. Tokens are random and stored only as an HMAC.',
        responses: {
          201: { description: 'The link', schema: LinkResponse },
          404: 'Unknown subject',
          422: 'Unknown purpose or channel',
        },
      }),
      requireScope(ctx, 'subjects:write'),
      validate('param', SubjectParams),
      validate('json', CreateLinkBody),
      async (c) => {
        const { tenantId, keyId } = c.get('auth');
        return c.json(
          await createSubjectLink(
            ctx,
            tenantId,
            c.req.valid('param').externalId,
            c.req.valid('json'),
            keyId,
          ),
          201,
        );
      },
    )
    .post(
      '/v1/me/visitor-link',
      describe({
        tag: 'Preference center',
        auth: 'public-key-body',
        body: VisitorLinkBody,
        summary:
          'The banner\'s "manage my data": a one-time, ten-minute preference-center link for this browser\'s visitor',
        description:
          'Called by the preference center itself (its own Origin, like every state-changing /v1/me call): the banner sends the visitor there with the id in the ' +
          'address fragment. The visitor id sits in a cookie any script of the site can read, so the link opens a low-assurance session: consents and objection only, ' +
          'until the person confirms by a link mailed to the address on file.',
        responses: {
          201: { description: 'The link', schema: LinkResponse },
          403: 'Not from the preference center',
          404: 'Nothing stored for this visitor',
        },
      }),
      fromPreferenceCenter,
      validate('json', VisitorLinkBody),
      async (c) => {
        const { key, visitorId } = c.req.valid('json');
        const tenant = await tenantForPublicKey(ctx, key);
        return c.json(await createVisitorLink(ctx, tenant.id, visitorId), 201);
      },
    );
}
