// Entity tags for answers that do not change while the server runs (the widget, built
// assets, the OpenAPI document): a strong tag of the bytes, and If-None-Match read as
// RFC 9110 §13.1.2 reads it (weak comparison, a list, or *). The compression middleware
// weakens the tag of a gzipped answer (W/"..."), so either form matches.
import { createHash } from 'node:crypto';

export const etagOf = (body: string | Uint8Array): string =>
  `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;

export function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return (
    ifNoneMatch.trim() === '*' ||
    ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag)
  );
}
