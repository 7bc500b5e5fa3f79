// Limits on the configuration that the compliance lint enforces and the server applies:
// shared so the console's studio lints a draft exactly as the server judges it.

/** The lint's ceiling for any consent lifetime: about 24 months. */
export const MAX_CONSENT_TTL_DAYS = 730;

/** Art. 8(1): Member States may go no lower than 13 and no higher than 16. */
export const DIGITAL_CONSENT_AGE_RANGE = [13, 16] as const;

/** The lint's ceiling for a legal duty to keep data: 20 years (the longest Dutch terms, e.g. medical files). */
export const MAX_KEPT_BY_LAW_DAYS = 7305;
