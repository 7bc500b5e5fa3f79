// Decisions and states: a boolean per website purpose, an object
// of booleans per channel for a communication purpose; states use statuses.
import * as v from 'valibot';

// `objected`: the person objected (Art. 21(1)) to a purpose on legitimate interest or public task.
export const consentStatuses = [
  'granted',
  'denied',
  'withdrawn',
  'pending',
  'expired',
  'objected',
] as const;
export type ConsentStatus = (typeof consentStatuses)[number];

export const consentSources = [
  'banner',
  'placeholder',
  'preference_center',
  'api',
  'import',
  'unsubscribe',
  'expiry',
] as const;
export type ConsentSource = (typeof consentSources)[number];

export const Decisions = v.pipe(
  v.record(
    v.pipe(v.string(), v.maxLength(40)),
    v.union([v.boolean(), v.record(v.pipe(v.string(), v.maxLength(10)), v.boolean())]),
  ),
  v.check((d) => Object.keys(d).length <= 100, 'at most 100 purposes'),
);
export type Decisions = v.InferOutput<typeof Decisions>;

export type ConsentState = Record<string, ConsentStatus | Record<string, ConsentStatus>>;
