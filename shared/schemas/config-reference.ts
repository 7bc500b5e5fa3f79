// docs/configuration.md, generated from the configuration schema (config.ts) and the table
// below: every field's type and limits come from the schema; its meaning, where a visitor sees
// it, the lint rules that guard it and an example come from FIELD_DOCS. A field the table lacks
// fails the generation, and a test fails when the committed file is not what this renders, so
// the reference cannot drift from the schema. Run: `npm run docs:config`.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { toJsonSchema } from '@valibot/to-json-schema';
import { TenantConfigSchema } from './config.js';

interface FieldDoc {
  meaning: string;
  /** Where a visitor sees it: banner (first layer), settings (second layer), placeholder, preference center, none. */
  shows?: string;
  /** Lint rules (CONFIG_NOT_COMPLIANT) that check it. */
  lint?: string[];
  example?: unknown;
}

export const FIELD_DOCS: Record<string, FieldDoc> = {
  defaultLocale: {
    meaning:
      'The language shown when neither the page (`<html lang>`) nor the browser asks for one of `locales`.',
    shows: 'every layer',
    lint: ['DEFAULT_LOCALE_NOT_LISTED'],
    example: 'nl',
  },
  locales: {
    meaning:
      "The languages the tenant has texts for. The banner's own words exist in nl, en, de and fr; another language gets English buttons, so give it own texts.",
    shows: 'every layer',
    example: ['nl', 'en'],
  },
  'locales[]': { meaning: 'A language code, optionally with a region: `nl`, `nl-BE`.' },
  privacyNoticeUrl: {
    meaning:
      'The privacy notice per locale, one click away on every layer (Art. 13). http(s) only.',
    shows: 'banner, settings, preference center',
    lint: ['MISSING_TRANSLATION'],
    example: { nl: 'https://shop.example/privacy', en: 'https://shop.example/en/privacy' },
  },
  'privacyNoticeUrl.{locale}': { meaning: "The notice's URL in that language." },
  controller: {
    meaning: 'Who asks for consent: the controller (Art. 4(7)).',
    shows: 'banner, preference center',
  },
  'controller.name': {
    meaning: "The name the banner's intro uses as `{controller}`, and the logo's text alternative.",
    shows: 'banner',
    example: 'Shop BV',
  },
  'controller.contact': {
    meaning: 'Where people reach the controller about their data (an e-mail address or URL).',
    shows: 'preference center, e-mails',
    example: 'privacy@shop.example',
  },
  consentTtlDays: {
    meaning:
      "How long a choice holds before the banner asks again; also the cookie's lifetime. At most 730 days (about 24 months): consent goes stale.",
    shows: 'none',
    lint: ['CONSENT_TTL_TOO_LONG'],
    example: 365,
  },
  digitalConsentAge: {
    meaning:
      'The age of digital consent (Art. 8(1)): a capture that declares a younger person and grants anything needs `parentalConsent`. Default 16, as in the Netherlands; 13 to 16 allowed.',
    shows: 'none',
    lint: ['DIGITAL_CONSENT_AGE_OUT_OF_RANGE'],
    example: 16,
  },
  purposes: {
    meaning:
      'What consent is asked for. A purpose with `channels` is a communication consent (preference center, API); the others are website purposes (banner).',
    shows: 'banner, settings, placeholder, preference center',
  },
  'purposes[].key': {
    meaning:
      "The purpose's id in `data-consent`, the API, the feed and the cookie: `[a-z][a-z0-9_]{0,39}`.",
    lint: ['BAD_PURPOSE_KEY', 'DUPLICATE_PURPOSE'],
    example: 'analytics',
  },
  'purposes[].required': {
    meaning:
      'Strictly necessary: shown as always on, never asked. Only for purposes not based on consent.',
    shows: 'settings',
    lint: ['REQUIRED_CONSENT_PURPOSE', 'REQUIRED_COMMUNICATION_PURPOSE'],
    example: false,
  },
  'purposes[].default': {
    meaning: 'Pre-ticked. Never allowed for an optional purpose (Recital 32).',
    lint: ['OPTIONAL_PURPOSE_ON_BY_DEFAULT'],
    example: false,
  },
  'purposes[].legalBasis': {
    meaning:
      'The Art. 6(1) basis. `consent` purposes are asked; `legitimate_interest` and `public_task` ones are on, with a control to object in the settings dialog; `contract`, `legal_obligation` and `vital_interests` ones are not on the banner (the notice and the register name them). A required purpose rests on another basis than consent.',
    shows: 'banner, settings, preference center',
    lint: [
      'REQUIRED_CONSENT_PURPOSE',
      'LEGITIMATE_INTEREST_STORAGE',
      'LEGITIMATE_INTEREST_MARKETING',
    ],
    example: 'consent',
  },
  'purposes[].googleConsentMode': {
    meaning:
      'The Google Consent Mode types this purpose grants (see docs/consent-mode.md). An `ad_*` type makes it a marketing purpose.',
    lint: ['LEGITIMATE_INTEREST_STORAGE'],
    example: ['analytics_storage'],
  },
  'purposes[].googleConsentMode[]': { meaning: 'One Consent Mode type.' },
  'purposes[].channels': {
    meaning:
      'For a communication consent: the channels it is asked per (email, sms, phone, post, push). Such purposes are not on the banner.',
    shows: 'preference center',
    lint: ['UNKNOWN_CHANNEL'],
    example: ['email'],
  },
  'purposes[].channels[]': { meaning: 'One channel.' },
  'purposes[].ttlDays': {
    meaning:
      "This purpose's own consent lifetime in days, instead of `consentTtlDays` (for example a newsletter consent kept shorter or longer than the banner's). At most 730.",
    shows: 'none',
    lint: ['CONSENT_TTL_TOO_LONG'],
    example: 365,
  },
  'purposes[].marketing': {
    meaning:
      'Direct marketing: Global Privacy Control keeps it off, and an objection (Art. 21(3)) withdraws it.',
    example: true,
  },
  'purposes[].recipients': {
    meaning:
      "Who receives the data (Art. 13(1)(e)); `[]` when nobody outside the controller does. Required for a consent purpose; named on the first layer (third parties) and in the settings dialog, the record of processing and the person's export.",
    shows: 'banner, settings, preference center',
    lint: ['CONSENT_PURPOSE_NOTICE_INCOMPLETE'],
    example: ['Analytics BV (processor)'],
  },
  'purposes[].recipients[]': { meaning: 'One recipient.' },
  'purposes[].retentionDays': {
    meaning:
      'How long data for this purpose is kept (Art. 13(2)(a)). Required for a consent purpose.',
    shows: 'settings, preference center',
    lint: ['CONSENT_PURPOSE_NOTICE_INCOMPLETE'],
    example: 395,
  },
  'purposes[].dataCategories': {
    meaning:
      "Which kinds of personal data the purpose uses (Art. 13, Art. 30). Required for a website consent purpose (a communication purpose uses its channels' addresses).",
    shows: 'settings',
    lint: ['CONSENT_PURPOSE_NOTICE_INCOMPLETE'],
    example: ['page views', 'device type'],
  },
  'purposes[].dataCategories[]': { meaning: 'One category.' },
  'purposes[].text': {
    meaning:
      'Name and description per locale; every locale needs a name, and a consent purpose a description.',
    shows: 'banner, settings, placeholder, preference center',
    lint: ['MISSING_TRANSLATION', 'CONSENT_PURPOSE_WITHOUT_DESCRIPTION'],
  },
  'purposes[].text.{locale}': { meaning: 'The texts in one language.' },
  'purposes[].text.{locale}.name': {
    meaning: "Short name, in the intro's list, the switch label and the placeholder's button.",
    example: 'Statistieken',
  },
  'purposes[].text.{locale}.description': {
    meaning: 'Why it is asked, in plain words, under the switch and on the placeholder.',
    example: 'Meten hoe de winkel wordt gebruikt, zodat we hem kunnen verbeteren.',
  },
  'purposes[].text.{locale}.interest': {
    meaning:
      'For a purpose on legitimate interest or public task: the interest pursued (Art. 13(1)(d)), shown in the settings dialog beside the control to object.',
    shows: 'settings',
    lint: ['INTEREST_NOT_DESCRIBED'],
    example: 'Ons en jou beschermen tegen fraude.',
  },
  resyncHours: {
    meaning:
      "Hours after which the banner reads the person's current choice from the server again, so a withdrawal, objection or erasure made elsewhere (preference center, unsubscribe, a tool) reaches every browser of that person. Default 24: at most one small GET per visitor per day; 0 asks on every page load.",
    shows: 'none',
    example: 24,
  },
  gpcAsObjection: {
    meaning:
      "Record a browser's Global Privacy Control signal as the person's objection to direct marketing (Art. 21(5)), once, with the first choice sent under it; the export names the signal. Marketing purposes the person turned on themselves stay on.",
    shows: 'none',
    example: true,
  },
  consentMode: { meaning: 'Google Consent Mode settings (docs/consent-mode.md).', shows: 'none' },
  'consentMode.mode': {
    meaning:
      '`basic` (default): Google tags wait for consent. `advanced`: they load at once and send cookieless pings (set ads_data_redaction in your Google snippet).',
    lint: ['CONSENT_MODE_ADVANCED_RISK'],
    example: 'basic',
  },
  'consentMode.advancedRiskAccepted': {
    meaning:
      'Required for `advanced`: pings send the IP address and the page to Google before any consent (an ePrivacy risk).',
    lint: ['CONSENT_MODE_ADVANCED_RISK'],
    example: true,
  },
  'consentMode.deniedRegions': {
    meaning:
      'More regions that start denied, beside the EEA, the United Kingdom and Switzerland: ISO 3166 codes such as `US-CA` (never `EU`).',
    lint: ['BAD_REGION'],
    example: ['US-CA'],
  },
  'consentMode.deniedRegions[]': { meaning: 'One ISO 3166-1 or 3166-2 code.' },
  'consentMode.elsewhere': {
    meaning:
      'The default outside those regions: `denied` (default) or `granted` for the types the purposes map.',
    example: 'denied',
  },
  retention: {
    meaning:
      "Storage limitation (Art. 5(1)(e)): what the server's hourly run and `akkoord purge` delete.",
    shows: 'none',
  },
  'retention.inactiveSubjectDays': {
    meaning: 'Erase a subject with no activity for this many days.',
    example: 730,
  },
  'retention.records': {
    meaning: 'Per data set (records API), delete records older than this many days.',
    example: { orders: 2555 },
  },
  'retention.records.{dataset}': { meaning: 'Days to keep that data set.' },
  'retention.keptByLaw': {
    meaning:
      'Data sets a law obliges the controller to keep (Art. 17(3)(b)), e.g. invoices for 7 years under Dutch tax law. An erasure request erases everything else, keeps these records until their term ends and tells the person which data is kept, on what basis and until when (erasure answer, preference center, export); retention deletes them when the term ends; the Art. 30 register lists them.',
    shows: 'preference center',
    lint: ['KEPT_BY_LAW_WITHOUT_BASIS', 'KEPT_BY_LAW_TOO_LONG', 'KEPT_BY_LAW_CONFLICT'],
    example: { invoices: { days: 2557, basis: 'art. 52 AWR (Dutch tax law): 7 years' } },
  },
  'retention.keptByLaw.{dataset}': { meaning: 'The data set (records API) the law keeps.' },
  'retention.keptByLaw.{dataset}.days': {
    meaning:
      "Days from each record's creation it is kept; the lint allows at most 7305 (20 years).",
    lint: ['KEPT_BY_LAW_TOO_LONG', 'KEPT_BY_LAW_CONFLICT'],
    example: 2557,
  },
  'retention.keptByLaw.{dataset}.basis': {
    meaning: 'The law that obliges keeping it, as the person is told (one line).',
    shows: 'preference center',
    lint: ['KEPT_BY_LAW_WITHOUT_BASIS'],
    example: 'art. 52 AWR (Dutch tax law): 7 years',
  },
  theme: {
    meaning: "The banner's look: data, never code. Colours are held to WCAG AA by the lint.",
    shows: 'banner, settings, floating button',
  },
  'theme.colors': {
    meaning: "Colours as `#rgb` or `#rrggbb`; each replaces one of the banner's own.",
    lint: ['LOW_CONTRAST'],
  },
  'theme.colors.background': {
    meaning:
      "The layers' background (default `#ffffff`). Text and links need 4.5:1 on it, buttons 3:1.",
    lint: ['LOW_CONTRAST'],
    example: '#1f2937',
  },
  'theme.colors.text': {
    meaning: 'Text colour (default `#1a1a1a`), also the focus outline.',
    lint: ['LOW_CONTRAST'],
    example: '#f9fafb',
  },
  'theme.colors.buttonBackground': {
    meaning:
      "The buttons' fill and border (default `#1e3a8a`); all three first-layer buttons look the same.",
    lint: ['LOW_CONTRAST'],
    example: '#fbbf24',
  },
  'theme.colors.buttonText': {
    meaning: 'Button text (default `#ffffff`), 4.5:1 on the button.',
    lint: ['LOW_CONTRAST'],
    example: '#111827',
  },
  'theme.colors.link': {
    meaning: 'Links (default `#1d4ed8`), 4.5:1 on the background.',
    lint: ['LOW_CONTRAST'],
    example: '#93c5fd',
  },
  'theme.inheritFont': {
    meaning: "Use the page's font family instead of the system font.",
    shows: 'every layer',
    example: true,
  },
  'theme.logoUrl': {
    meaning:
      "An https URL of the controller's logo, shown above the title (at most 2.5rem high), named by `controller.name`.",
    shows: 'banner',
    example: 'https://shop.example/logo.svg',
  },
  'theme.position': {
    meaning:
      '`bar` along the bottom (default), `box` centred, or `corner` at the bottom right. On a phone all three fill the width.',
    shows: 'banner',
    example: 'corner',
  },
  'theme.floatingLabel': {
    meaning:
      'The "Cookie settings" button shows its label next to the icon (default true). With false it is a round icon, and the banner\'s sentence on withdrawing describes it that way.',
    shows: 'floating button, banner',
    example: false,
  },
  'theme.text': {
    meaning: "An own title and intro per locale, replacing the banner's.",
    lint: ['UNKNOWN_LOCALE'],
  },
  'theme.text.{locale}': { meaning: 'The texts in one of `locales`.' },
  'theme.text.{locale}.title': {
    meaning: "The first layer's heading.",
    shows: 'banner',
    example: 'Cookies bij Shop BV',
  },
  'theme.text.{locale}.intro': {
    meaning:
      "The first layer's text. `{controller}` and `{purposes}` (the optional purposes' names) are filled in.",
    shows: 'banner',
    example: 'Wij van {controller} vragen je toestemming voor: {purposes}.',
  },
  reloadOnWithdrawal: {
    meaning:
      'Reload the page once a withdrawal is recorded. Scripts that already ran (analytics, ads) cannot be unloaded from a page; a reload stops them. Off by default because a reload loses what the person was doing (a form, a scroll position); switch it on when your scripts keep tracking after a withdrawal.',
    shows: 'none',
    example: true,
  },
  material: {
    meaning:
      'false publishes a correction (a typo) without asking every visitor again; any change to the purposes should stay material (the default).',
    shows: 'none',
    example: false,
  },
};

type JsonSchema = {
  type?: string;
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  additionalProperties?: JsonSchema;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
};

const RECORD_KEYS: Record<string, string> = {
  privacyNoticeUrl: '{locale}',
  'purposes[].text': '{locale}',
  'retention.records': '{dataset}',
  'retention.keptByLaw': '{dataset}',
  'theme.text': '{locale}',
};

function typeOf(s: JsonSchema): string {
  if (s.enum) return s.enum.map((e) => `\`${String(e)}\``).join(' \\| ');
  if (s.type === 'array') return `array of ${s.items ? typeOf(s.items) : 'any'}`;
  if (s.type === 'object' && s.additionalProperties) return 'object (map)';
  return s.type ?? 'any';
}

function limits(s: JsonSchema): string {
  const parts: string[] = [];
  if (s.minimum !== undefined) parts.push(`≥ ${s.minimum}`);
  if (s.maximum !== undefined) parts.push(`≤ ${s.maximum}`);
  if (s.minItems !== undefined) parts.push(`at least ${s.minItems}`);
  if (s.maxItems !== undefined) parts.push(`at most ${s.maxItems}`);
  if (s.minLength) parts.push(`${s.minLength}+ characters`);
  if (s.maxLength !== undefined) parts.push(`up to ${s.maxLength} characters`);
  if (s.pattern) parts.push(`matches \`${s.pattern}\``);
  if (s.format === 'uri') parts.push('a URL');
  return parts.join(', ');
}

/** Every documented path with its schema, depth first, in the schema's order. */
function walk(
  schema: JsonSchema,
  path: string,
  required: boolean,
  out: Array<{ path: string; schema: JsonSchema; required: boolean }>,
) {
  if (path) out.push({ path, schema, required });
  if (schema.properties) {
    for (const [name, child] of Object.entries(schema.properties))
      walk(child, path ? `${path}.${name}` : name, schema.required?.includes(name) ?? false, out);
  } else if (schema.type === 'array' && schema.items?.properties) {
    for (const [name, child] of Object.entries(schema.items.properties))
      walk(child, `${path}[].${name}`, schema.items.required?.includes(name) ?? false, out);
  } else if (schema.type === 'array' && schema.items) {
    out.push({ path: `${path}[]`, schema: schema.items, required: true });
  } else if (schema.additionalProperties) {
    walk(schema.additionalProperties, `${path}.${RECORD_KEYS[path] ?? '{key}'}`, true, out);
  }
}

function configFields(): Array<{ path: string; schema: JsonSchema; required: boolean }> {
  const fields: Array<{ path: string; schema: JsonSchema; required: boolean }> = [];
  walk(toJsonSchema(TenantConfigSchema, { errorMode: 'ignore' }) as JsonSchema, '', true, fields);
  return fields;
}

/** Every field's path as the reference names it (`purposes[].text.{locale}.name`); the studio is held to edit each. */
export const configFieldPaths = (): string[] => configFields().map((field) => field.path);

export function renderConfigReference(): string {
  const fields = configFields();
  const missing = fields.filter((f) => !FIELD_DOCS[f.path]).map((f) => f.path);
  if (missing.length > 0) throw new Error(`FIELD_DOCS lacks: ${missing.join(', ')}`);
  const stale = Object.keys(FIELD_DOCS).filter((path) => !fields.some((f) => f.path === path));
  if (stale.length > 0)
    throw new Error(`FIELD_DOCS describes fields the schema does not have: ${stale.join(', ')}`);
  const lines = [
    '# Configuration reference',
    '',
    '<!-- Generated by `npm run docs:config` from shared/schemas/config.ts and shared/schemas/config-reference.ts; do not edit by hand. -->',
    '',
    "A tenant's configuration is one JSON document, published as a new version with `PUT /v1/config`",
    '(scope `admin`) or `akkoord config publish FILE --tenant ten_...`. The schema checks its shape',
    '(400 VALIDATION_FAILED); the compliance lint then refuses a configuration that would make a',
    'non-compliant banner (422 CONFIG_NOT_COMPLIANT, naming the rule). Which origins may use the',
    "tenant's public key is not part of it: see `GET/PUT /v1/tenant/origins` in docs/embedding.md.",
    '',
    "A purpose's texts appear on these layers: **banner** (the first layer), **settings** (the second",
    'layer with one switch per purpose), **placeholder** (what a gated iframe shows before consent),',
    "**floating button** (the way back after a choice), **preference center** (the person's own page).",
    '',
  ];
  for (const { path, schema, required } of fields) {
    const doc = FIELD_DOCS[path];
    lines.push(`## \`${path}\``, '');
    const facts = [
      `- Type: ${typeOf(schema)}${required ? '' : ', optional'}${schema.default !== undefined ? `, default \`${JSON.stringify(schema.default)}\`` : ''}`,
      limits(schema) && `- Limits: ${limits(schema)}`,
      doc.shows && `- Shown on: ${doc.shows}`,
      doc.lint && `- Lint: ${doc.lint.map((r) => `\`${r}\``).join(', ')}`,
      doc.example !== undefined && `- Example: \`${JSON.stringify(doc.example)}\``,
    ].filter(Boolean) as string[];
    lines.push(doc.meaning, '', ...facts, '');
  }
  return lines.join('\n');
}

export const CONFIG_REFERENCE_PATH = fileURLToPath(
  new URL('../../docs/configuration.md', import.meta.url),
);

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(CONFIG_REFERENCE_PATH, renderConfigReference());
  console.log(`wrote ${CONFIG_REFERENCE_PATH}`);
}
