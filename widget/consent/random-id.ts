// Unguessable ids made in the browser. The visitor id is that browser's secret,
// so it takes 128 bits from crypto.getRandomValues, never Math.random.

export function randomId(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let hex = '';
  for (const byte of bytes) hex += (byte + 256).toString(16).slice(1);
  return prefix + hex;
}
