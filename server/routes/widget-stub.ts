// GET /widget-stub.js: the Consent Mode stub (widget/integrations/consent-mode-stub.ts) as a
// synchronous script, for sites that allow no inline script. Inline is better: no request
// before the page renders. The same bytes for every tenant, so it is cached for a day.
import { Hono } from 'hono';
import { describe } from '../openapi/describe.js';
import { CONSENT_MODE_STUB } from '../../widget/integrations/consent-mode-stub.js';

export function widgetStubRoutes() {
  return new Hono().get(
    '/widget-stub.js',
    describe({
      tag: 'Banner',
      auth: 'none',
      summary: 'The Consent Mode default as a tiny synchronous script, for before the Google tag',
      description:
        "Sets gtag('consent', 'default', …) with everything denied but security_storage, so the default precedes any config even when widget.js loads async. Better inline: see docs/consent-mode.md for the snippet and its CSP hash. Load it without async or defer.",
      responses: { 200: { description: 'The stub', contentType: 'text/javascript' } },
    }),
    (c) =>
      c.body(`${CONSENT_MODE_STUB}\n`, 200, {
        'content-type': 'text/javascript; charset=utf-8',
        'cache-control': 'public, max-age=86400',
        'x-content-type-options': 'nosniff',
      }),
  );
}
