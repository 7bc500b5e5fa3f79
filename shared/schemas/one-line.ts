// Names are one line of text: a tenant, purpose, controller or recipient name ends up
// in headers of e-mails, CSV and Markdown registers, logs and HTML, where a CR/LF or
// another control character can forge a line, a row or a header. Refused at the door.
import * as v from 'valibot';

/** C0 controls (tab, LF, CR ...), DEL, C1 controls, and Unicode's line and paragraph separators. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const controlCharacters = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** A check for a one-line field; `field` names it in the message, e.g. "The tenant name". */
export function oneLine(field: string) {
  return v.check<string, string>(
    (value) => !controlCharacters.test(value),
    `${field} must be one line: control characters such as CR, LF and tab are not allowed`,
  );
}
