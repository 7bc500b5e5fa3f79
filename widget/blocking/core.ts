// Which gated elements may run: a pure decision, so it is tested without a page.
//
// `data-consent="analytics ads"` lists purposes separated by spaces; the element runs only when
// ALL of them are granted. An unknown or empty list never runs (fail closed, EP-01).

export function purposesOf(attribute: string | null): string[] {
  return (attribute ?? '').split(/\s+/).filter(Boolean);
}

export function isAllowed(attribute: string | null, consent: Record<string, boolean>): boolean {
  const needed = purposesOf(attribute);
  return needed.length > 0 && needed.every((key) => consent[key] === true);
}

/** The attributes a blocked `<script type="text/plain">` keeps when it is turned into a real one. */
export function scriptAttributesToCopy(names: string[]): string[] {
  return names.filter((name) => name !== 'type' && name !== 'data-consent-type');
}

/**
 * The type the script runs as: `data-consent-type="module"` lets a site gate a module script;
 * otherwise a classic script.
 */
export function activatedScriptType(consentType: string | null): string {
  return consentType ?? 'text/javascript';
}
