// What each button means, as pure functions of the purposes (GDPR-01: one decision per purpose).

import type { WidgetPurpose } from '../config';

export type Decisions = Record<string, boolean>;

/** The purposes the banner asks about: everything not strictly necessary. */
export function optionalPurposes(purposes: WidgetPurpose[]): WidgetPurpose[] {
  return purposes.filter((p) => !p.required);
}

/**
 * The purposes asked for consent. A purpose on legitimate interest is none: no bulk button
 * touches it, only its own object control (BAN-07).
 */
export function consentPurposes(purposes: WidgetPurpose[]): WidgetPurpose[] {
  return purposes.filter((p) => !p.required && !p.objectable);
}

/** Decided: true granted, false refused; a purpose on legitimate interest is on unless objected to. */
const on = (p: WidgetPurpose, value: boolean | undefined) =>
  p.objectable ? value !== false : value === true;

/**
 * "Accept all" grants every optional purpose, except marketing ones while the browser sends
 * Global Privacy Control: a signal can never be overridden by a bulk button (GPC-04).
 */
export function acceptAllDecisions(purposes: WidgetPurpose[], gpc: boolean): Decisions {
  const decisions: Decisions = {};
  for (const p of consentPurposes(purposes)) decisions[p.key] = !(gpc && p.marketing);
  return decisions;
}

/** "Reject all" (and closing without a choice, BAN-11) denies every optional purpose. */
export function rejectAllDecisions(purposes: WidgetPurpose[]): Decisions {
  const decisions: Decisions = {};
  for (const p of consentPurposes(purposes)) decisions[p.key] = false;
  return decisions;
}

/**
 * Merges a partial choice (`akkoord.set`, the settings dialog) over the previous one. Unknown
 * and required keys are dropped; anything not decided is denied (GDPR-50, privacy by default).
 */
export function completeDecisions(
  purposes: WidgetPurpose[],
  previous: Decisions,
  changes: Decisions,
): Decisions {
  const decisions: Decisions = {};
  for (const p of optionalPurposes(purposes)) {
    const value = changes[p.key] ?? previous[p.key];
    decisions[p.key] = on(p, value);
  }
  return decisions;
}

/** Every banner purpose with its effective value: required ones always true. */
export function effectiveConsent(purposes: WidgetPurpose[], decisions: Decisions): Decisions {
  const consent: Decisions = {};
  for (const p of purposes) consent[p.key] = p.required || on(p, decisions[p.key]);
  return consent;
}
