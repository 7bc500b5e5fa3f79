// Built files named by their content hash (the console's and the preference center's
// assets/): such a file never changes while the server runs, so each is read and hashed
// once, when it is first asked for.
import fs from 'node:fs';
import path from 'node:path';
import { etagOf } from './etag.js';

export interface HashedAsset {
  body: Uint8Array<ArrayBuffer>;
  /** A strong ETag of the bytes. */
  etag: string;
  /** The name's extension, which picks the content type. */
  extension: string;
}

/** A reader of `dir`'s files by name; null for a file that is not there (yet). */
export function hashedAssets(dir: string): (file: string) => HashedAsset | null {
  const assets = new Map<string, HashedAsset>();
  return (file) => {
    const known = assets.get(file);
    if (known) return known;
    const full = path.join(dir, file);
    if (!fs.existsSync(full)) return null;
    const body = new Uint8Array(fs.readFileSync(full));
    const asset = {
      body,
      etag: etagOf(body),
      extension: file.slice(file.lastIndexOf('.') + 1),
    };
    assets.set(file, asset);
    return asset;
  };
}
