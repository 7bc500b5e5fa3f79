// The age of digital consent (GDPR Art. 8, GDPR-11): below it, consent to an online
// service must come from the holder of parental responsibility, and the controller
// makes reasonable efforts to verify that. The Netherlands kept 16, the default here.
// A declared age or birth year is used for this check only and never stored.
import type { TenantConfig } from '../../../shared/schemas/config.js';
import type { CaptureConsentBody } from '../../../shared/schemas/subjects.js';
import { ApiError } from '../../errors.js';

export const DEFAULT_DIGITAL_CONSENT_AGE = 16;

export const digitalConsentAge = (config: TenantConfig): number =>
  config.digitalConsentAge ?? DEFAULT_DIGITAL_CONSENT_AGE;

/** What the audit log keeps about the age check of a capture: no age, no birth year. */
export interface AgeCheck {
  digitalConsentAge: number;
  ageConfirmed: boolean;
  parentalConsent: { method: string; verifiedAt: string } | null;
}

type AgeInput = Pick<CaptureConsentBody, 'age' | 'birthYear' | 'ageConfirmed' | 'parentalConsent'>;

/**
 * Whether the capture declares a child: an age under the threshold, or a birth year that
 * puts the person under it (a birth year exactly the threshold ago may be either, so it
 * counts as a child unless the tool confirmed the age).
 */
export function declaresChild(threshold: number, input: AgeInput, now: Date): boolean {
  if (input.age !== undefined && input.age < threshold) return true;
  if (input.birthYear !== undefined) {
    const oldest = now.getUTCFullYear() - input.birthYear;
    if (oldest < threshold) return true;
    if (oldest === threshold && input.ageConfirmed !== true) return true;
  }
  return false;
}

/**
 * Refuses (422 PARENTAL_CONSENT_REQUIRED) a grant for a declared child without a parental
 * consent record; returns what the audit log keeps, or null when the capture said nothing about age.
 */
export function checkAgeOfConsent(
  config: TenantConfig,
  input: AgeInput,
  grants: boolean,
  now: Date,
): AgeCheck | null {
  const threshold = digitalConsentAge(config);
  const child = declaresChild(threshold, input, now);
  if (child && grants && !input.parentalConsent) {
    throw new ApiError(
      422,
      'PARENTAL_CONSENT_REQUIRED',
      `The person is declared younger than ${threshold}, the age of digital consent: send parentalConsent (how the holder of parental responsibility gave it and when that was verified)`,
    );
  }
  if (
    input.ageConfirmed === undefined &&
    !input.parentalConsent &&
    input.age === undefined &&
    input.birthYear === undefined
  )
    return null;
  return {
    digitalConsentAge: threshold,
    ageConfirmed: input.ageConfirmed === true && !child,
    parentalConsent: input.parentalConsent ?? null,
  };
}
