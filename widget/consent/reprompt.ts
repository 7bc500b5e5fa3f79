// When the banner must ask (again): no choice yet, the notice changed materially, or the choice
// expired (GDPR-12: consent is refreshed and re-requested when the purposes or texts change).

import type { StoredChoice } from './cookie';

export function needsPrompt(
  choice: StoredChoice | null,
  current: { materialVersion: number; consentTtlDays: number },
  nowSeconds: number,
): boolean {
  if (!choice) return true;
  if (choice.materialVersion !== current.materialVersion) return true;
  return nowSeconds - choice.madeAt > current.consentTtlDays * 86400;
}
