// After "manage my data", or once a day, the preference center (or a tool) may have changed or
// erased what the banner stored, and this site's cookie cannot know. So the next page load (or the
// return from the back-forward cache) asks the server: a purpose withdrawn there stops here too (GDPR-09), and
// after an erasure the banner forgets the choice and the visitor id and asks again (Art. 17).

import type * as v from 'valibot';
import type { VisitorConsentsResponse } from '../../shared/schemas/consents.js';
import type { WidgetConfig } from '../config';
import { optionalPurposes, type Decisions } from './decisions';

/**
 * In localStorage: "1" once the person follows "manage my data" (sync at the next load), else the
 * time of the last sync (ms). A choice older than the tenant's resyncHours (default 24) is read
 * again, so a withdrawal, objection or erasure made anywhere reaches this browser within a day: at
 * most one small GET per visitor per day.
 */
export const SYNC_KEY = 'akkoord.sync';

/** Whether the server should be asked now; a choice never synced counts as synced now (it was just recorded). */
export function syncDue(mark: string | null, hours: number, now: number): boolean {
  return mark === '1' || (mark !== null && now - Number(mark) >= hours * 36e5);
}

/**
 * The website decisions the server holds for the visitor; null when it holds nothing (erased),
 * undefined when it could not be asked (keep what the cookie says and try again later).
 */
export async function fetchServerDecisions(
  config: WidgetConfig,
  visitorId: string,
  send: typeof fetch,
): Promise<Decisions | null | undefined> {
  try {
    const response = await send(
      `${config.apiBase}/v1/consents/${encodeURIComponent(visitorId)}?key=${encodeURIComponent(config.publicKey)}`,
      { credentials: 'omit' },
    );
    if (response.status === 404) return null;
    if (!response.ok) return undefined;
    const { state } = (await response.json()) as v.InferOutput<typeof VisitorConsentsResponse>;
    const decisions: Decisions = {};
    // withdrawn, expired and pending all mean: not granted now.
    // An objection is the one way a purpose on legitimate interest goes off.
    for (const p of optionalPurposes(config.purposes))
      decisions[p.key] = p.objectable ? state[p.key] !== 'objected' : state[p.key] === 'granted';
    return decisions;
  } catch {
    return undefined;
  }
}
