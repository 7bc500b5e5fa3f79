// The ids of the studio's controls, one per field of the configuration reference: the studio
// gives each control the id `f-` + its path (`purposes.0.text.nl.name` -> `f-purposes-0-text-nl-name`).
import { configFieldPaths } from '../../shared/schemas/config-reference';

/** Fields not in the editor's form: `material` is the "this is a correction" box beside the publish button. */
const EDITED_ELSEWHERE = ['material'];

const ANY_LOCALE = '[a-z]{2}(?:-[A-Z]{2})?';

/**
 * A pattern per field the editor must draw a control for, a language's fields in `locale`: the
 * fields without sub-fields; a list (`locales[]`) and the data sets' retention
 * (`retention.records.{dataset}`) are edited whole, in one field.
 */
export function studioFieldPatterns(locale = ANY_LOCALE): RegExp[] {
  const paths = configFieldPaths().filter(
    (path) =>
      !path.endsWith('[]') && !path.includes('{dataset}') && !EDITED_ELSEWHERE.includes(path),
  );
  const leaves = paths.filter(
    (path) => !paths.some((other) => other.startsWith(`${path}.`) || other.startsWith(`${path}[]`)),
  );
  return leaves.map(
    (path) =>
      new RegExp(
        `^f-${path
          .replace(/\[\]/g, '-\\d+')
          .replace(/\{locale\}/g, locale)
          .replace(/\./g, '-')}$`,
      ),
  );
}

/** The id the studio gives the control of a field path. */
export const studioFieldId = (path: string): string => `f-${path.replace(/[^A-Za-z0-9_-]/g, '-')}`;
