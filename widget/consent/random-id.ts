// Unguessable ids made in the browser. The visitor id is that browser's secret,
// so it takes 128 bits from crypto.getRandomValues, never Math.random.

export function randomId(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let hex = '';
  for (const byte of bytes) hex += (byte + 256).toString(16).slice(1);
  return prefix + hex;
}

/**
 * A visitor id: the time it was made (milliseconds, 12 hex digits) before its 128 random
 * bits. The server keys the visitor's link by that time first, so a new visitor's key goes
 * to the end of its index rather than to a random page of it; the time says no more than
 * the link's own creation date.
 */
export const visitorIdNow = (): string =>
  randomId('v_' + Date.now().toString(16).padStart(12, '0'));
