// The choice cookie, `akkoord_<tenant hash>` (config.cookieName, so two tenants on one host keep
// apart): the person's choice, kept first-party so the site's own server can read it too. Storing the choice itself is strictly necessary (EP-02), so it needs no consent; it is
// only written after a choice (EP-01). Format documented in widget/consent/README.md; every
// version ever written is parsed here and nowhere else (persisted formats carry a version).

/** The one name every tenant used before: read once for a returning visitor, then removed. */
export const LEGACY_COOKIE_NAME = 'akkoord';

/** A choice as the widget works with it, whatever cookie version it came from. */
export interface StoredChoice {
  visitorId: string;
  configVersion: number;
  materialVersion: number;
  /** When the choice was made, in seconds since the epoch. */
  madeAt: number;
  /** Optional purposes only; required purposes are always granted. */
  decisions: Record<string, boolean>;
  gpc: boolean;
}

interface CookiePayloadV1 {
  id: string;
  cv: number;
  mv: number;
  t: number;
  d: Record<string, 0 | 1>;
  gpc: 0 | 1;
}

export function encodeChoiceCookie(choice: StoredChoice): string {
  const d: Record<string, 0 | 1> = {};
  for (const key of Object.keys(choice.decisions)) d[key] = choice.decisions[key] ? 1 : 0;
  const payload: CookiePayloadV1 = {
    id: choice.visitorId,
    cv: choice.configVersion,
    mv: choice.materialVersion,
    t: choice.madeAt,
    d,
    gpc: choice.gpc ? 1 : 0,
  };
  return '1.' + toBase64Url(JSON.stringify(payload));
}

/** Reads any known cookie version; null for a missing, unknown or damaged value. */
export function parseChoiceCookie(value: string | undefined): StoredChoice | null {
  if (!value) return null;
  const dot = value.indexOf('.');
  const version = value.slice(0, dot);
  try {
    if (version === '1') return fromV1(JSON.parse(fromBase64Url(value.slice(dot + 1))));
  } catch {
    // A damaged cookie is the same as none: the person is asked again.
  }
  return null;
}

function fromV1(p: CookiePayloadV1): StoredChoice | null {
  if (typeof p.id !== 'string' || typeof p.t !== 'number' || typeof p.mv !== 'number' || !p.d)
    return null;
  const decisions: Record<string, boolean> = {};
  for (const key of Object.keys(p.d)) decisions[key] = p.d[key] === 1;
  return {
    visitorId: p.id,
    configVersion: p.cv,
    materialVersion: p.mv,
    madeAt: p.t,
    decisions,
    gpc: p.gpc === 1,
  };
}

/** Finds the value of the cookie `name` in a `document.cookie` string. */
export function readCookieValue(cookieHeader: string, name: string): string | undefined {
  for (const part of cookieHeader.split(';')) {
    const eq = part.indexOf('=');
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The `document.cookie` assignment for a choice: first-party, Lax, Secure on https. */
export function serializeCookie(
  name: string,
  value: string,
  maxAgeDays: number,
  secure: boolean,
): string {
  return `${name}=${value}; Path=/; Max-Age=${Math.round(maxAgeDays * 86400)}; SameSite=Lax${secure ? '; Secure' : ''}`;
}

// UTF-8 safe base64url, so purpose keys and ids can never break the cookie syntax.
function toBase64Url(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(encoded: string): string {
  const binary = atob(encoded.replace(/-/g, '+').replace(/_/g, '/'));
  return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}
