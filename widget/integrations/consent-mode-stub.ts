// The Consent Mode stub: a few hundred bytes a site puts inline, synchronously, before its Google
// tag or Tag Manager snippet, so the all-denied default is in the dataLayer before any `config`
// or `gtm.js` event, even when the banner itself loads async and late. It is the same for every
// tenant (everything denied but security_storage, as the banner's own default), so its CSP hash
// never changes. Not part of widget.js: served at /widget-stub.js and quoted in
// docs/consent-mode.md, whose hash a test keeps current.

import { createHash } from 'node:crypto';

export const CONSENT_MODE_STUB =
  'window.dataLayer=window.dataLayer||[];window.gtag=window.gtag||function(){dataLayer.push(arguments)};' +
  "gtag('consent','default',{ad_storage:'denied',ad_user_data:'denied',ad_personalization:'denied'," +
  "analytics_storage:'denied',functionality_storage:'denied',personalization_storage:'denied'," +
  "security_storage:'granted',wait_for_update:500});";

/** For Content-Security-Policy: script-src 'sha256-…' allows exactly this inline script. */
export const CONSENT_MODE_STUB_CSP_HASH = `sha256-${createHash('sha256').update(CONSENT_MODE_STUB).digest('base64')}`;
