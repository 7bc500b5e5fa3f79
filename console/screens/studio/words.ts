// The studio's words and the lint rules' reasons, in the console's language. They are message
// catalogs fetched when the studio opens, one language at a time, rather than script: the
// console's bundle keeps only the shell's words.
import type { LintRule } from '../../../shared/config/lint';
import reasonsEn from '../../../shared/i18n/lint-reasons-en.json?url';
import reasonsNl from '../../../shared/i18n/lint-reasons-nl.json?url';
import type { Locale } from '../../i18n';
import type en from '../../messages/studio-en.json';
import studioEn from '../../messages/studio-en.json?url';
import studioNl from '../../messages/studio-nl.json?url';

export type StudioWords = typeof en & { reasons: Record<LintRule, string> };

const CATALOGS: Record<Locale, [string, string]> = {
  nl: [studioNl, reasonsNl],
  en: [studioEn, reasonsEn],
};

const fetchJson = async <T>(url: string): Promise<T> => {
  const response = await fetch(url, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return (await response.json()) as T;
};

export async function loadStudioWords(locale: Locale): Promise<StudioWords> {
  const [words, reasons] = await Promise.all(
    CATALOGS[locale].map((url) => fetchJson<Record<string, string>>(url)),
  );
  return { ...(words as typeof en), reasons: reasons as Record<LintRule, string> };
}
