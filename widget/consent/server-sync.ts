// After "manage my data", the preference center may have changed or erased what the banner
// stored, and this site's cookie cannot know. So the next page load (or the return from the back-
// forward cache) asks the server once: a purpose withdrawn there stops here too (GDPR-09), and
// after an erasure the banner forgets the choice and the visitor id and asks again (Art. 17).

import type { WidgetConfig } from '../config';
import { optionalPurposes, type Decisions } from './decisions';

/** Set in localStorage when the person follows "manage my data"; cleared by the next sync. */
export const SYNC_KEY = 'akkoord.sync';

/**
 * The website decisions the server holds for the visitor; null when it holds nothing (erased),
 * undefined when it could not be asked (keep what the cookie says and try again later).
 */
export async function fetchServerDecisions(config: WidgetConfig, visitorId: string, send: typeof fetch): Promise<Decisions | null | undefined> {
  try {
    const response = await send(`${config.apiBase}/v1/consents/${encodeURIComponent(visitorId)}?key=${encodeURIComponent(config.publicKey)}`, { credentials: 'omit' });
    if (response.status === 404) return null;
    if (!response.ok) return undefined;
    const { state } = (await response.json()) as { state: Record<string, unknown> };
    const decisions: Decisions = {};
    // withdrawn, expired and pending all mean: not granted now.
    for (const p of optionalPurposes(config.purposes)) decisions[p.key] = state[p.key] === 'granted';
    return decisions;
  } catch {
    return undefined;
  }
}
