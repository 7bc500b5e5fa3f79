// What the server injects into the page (server/routes/preference-center.ts): the
// tenant's name, languages, notice links and purposes, as JSON in a non-executing
// script element. Read once; all of it is rendered as text.
import type { Messages } from './i18n';

export interface PagePurpose {
  key: string;
  required: boolean;
  marketing: boolean;
  channels: string[];
  text: Record<string, { name: string; description: string }>;
}

export interface PageData {
  tenantId: string;
  tenantName: string;
  locale: string;
  locales: string[];
  defaultLocale: string;
  privacyNoticeUrl: Record<string, string>;
  controller: { name: string; contact: string };
  purposes: PagePurpose[];
  /** A live session cookie came with the page request. */
  signedIn: boolean;
  /** The page's words, in its language. */
  messages: Messages;
}

export const PAGE_DATA_ID = 'akkoord-page';

export function readPageData(doc: Document): PageData {
  const element = doc.getElementById(PAGE_DATA_ID);
  if (!element?.textContent)
    throw new Error('the preference center was opened without its page data');
  return JSON.parse(element.textContent) as PageData;
}
