// The draft configuration the studio edits: a copy changed by small functions, linted on
// every change with the server's own rules, its problems kept by the path of their field.
import { lintConfig, type LintViolation } from '../../../shared/config/lint';
import type { Purpose, TenantConfig } from '../../../shared/schemas/config';

export type Draft = TenantConfig;
export type Change = (draft: Draft) => void;

/** A new draft with the change applied; the old one stays as it was (Preact compares by identity). */
export function changed(draft: Draft, change: Change): Draft {
  const next = structuredClone(draft);
  change(next);
  return next;
}

/** The field a problem belongs to: a missing text (purposes.1.text.en) to its name field, banner
 * texts for an unlisted language (theme.text.de) to that language's title, one bad channel or
 * region (purposes.1.channels.2, consentMode.deniedRegions.0) to the list's field, an incomplete
 * notice (purposes.1) to its data categories. */
export const fieldOf = (path: string): string =>
  /^purposes\.\d+\.text\.[^.]+$/.test(path)
    ? `${path}.name`
    : /^theme\.text\.[^.]+$/.test(path)
      ? `${path}.title`
      : /^purposes\.\d+$/.test(path)
        ? `${path}.dataCategories`
        : path
            .replace(/\.(channels|deniedRegions)\.\d+$/, '.$1')
            .replace(/^retention\.(records|keptByLaw)\..+$/, 'retention.$1');

/** The lint's problems by the path of the field they are shown beside. */
export function problemsByPath(draft: Draft): Map<string, LintViolation[]> {
  const found = new Map<string, LintViolation[]>();
  for (const violation of lintConfig(draft)) {
    const path = fieldOf(violation.path);
    found.set(path, [...(found.get(path) ?? []), violation]);
  }
  return found;
}

export const listOf = (text: string): string[] =>
  text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

/** A whole number, or nothing for an empty field (the schema's optional numbers). */
export const numberOf = (text: string): number | undefined =>
  text.trim() === '' ? undefined : Number(text);

export const newPurpose = (locales: string[], n: number): Purpose => ({
  key: `purpose_${n}`,
  legalBasis: 'consent',
  text: Object.fromEntries(locales.map((l) => [l, { name: '', description: '' }])),
});
