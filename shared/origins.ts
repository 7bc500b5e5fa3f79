// A tenant's allowed origins: which web pages may call the public consent API with its public
// key. An entry is an exact origin (`https://shop.example`, `http://127.0.0.1:8080`) or a
// wildcard for the subdomains of one site (`https://*.shop.example`), never a bare `*`: a key
// any page may use lets any page fill the tenant's ledger through its visitors' browsers.
import * as v from 'valibot';

const HOST_LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
// scheme://[*.]host[:port], with at least two labels after a wildcard (no `https://*.com`).
const ORIGIN_PATTERN = new RegExp(
  `^https?://(?:\\*\\.(?=${HOST_LABEL}\\.${HOST_LABEL}))?(?:${HOST_LABEL}\\.)*${HOST_LABEL}(?::\\d{1,5})?$`,
);

export const MAX_ALLOWED_ORIGINS = 50;

/** Lower case, without the scheme's default port: how a browser serialises an Origin header. */
export function normaliseOriginEntry(entry: string): string {
  return entry
    .trim()
    .toLowerCase()
    .replace(/\/$/, '')
    .replace(/^(https:\/\/[^/]+):443$|^(http:\/\/[^/]+):80$/, '$1$2');
}

export const OriginEntry = v.pipe(
  v.string(),
  v.maxLength(300),
  v.transform(normaliseOriginEntry),
  v.regex(
    ORIGIN_PATTERN,
    'an origin such as https://shop.example or https://*.shop.example (scheme, host, optional port; no path; no bare *)',
  ),
  v.check((entry) => Number(entry.split(':')[2] ?? 0) <= 65535, 'a port up to 65535'),
);

export const AllowedOrigins = v.pipe(
  v.array(OriginEntry),
  v.maxLength(MAX_ALLOWED_ORIGINS, `at most ${MAX_ALLOWED_ORIGINS} origins`),
  v.transform((list) => [...new Set(list)]),
);

/** The serialised origin of a request's Origin header, or null for "null" and garbage. */
export function requestOrigin(origin: string | undefined): string | null {
  if (!origin) return null;
  try {
    const url = new URL(origin);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : null;
  } catch {
    return null;
  }
}

/** Whether a request's Origin matches an entry of the list: exactly, or as a subdomain of a wildcard. */
export function originAllowed(origin: string | undefined, allowed: readonly string[]): boolean {
  const wanted = requestOrigin(origin);
  if (!wanted) return false;
  const [scheme, rest] = wanted.split('://');
  return allowed.some((entry) => {
    const normal = normaliseOriginEntry(entry);
    if (normal === wanted) return true;
    if (!normal.startsWith(`${scheme}://*.`)) return false;
    // `https://*.shop.example:8443` matches `https://a.b.shop.example:8443`, not `https://shop.example:8443`.
    const suffix = normal.slice(`${scheme}://*.`.length);
    return rest.endsWith(`.${suffix}`);
  });
}
