// Opaque ids with a type prefix (e.g. `sub_`), URL-safe: random, or ordered by time.
import crypto from 'node:crypto';

export type IdPrefix =
  | 'ten'
  | 'key'
  | 'sub'
  | 'cns'
  | 'req'
  | 'evt'
  | 'wh'
  | 'msg'
  | 'aud'
  | 'rec'
  | 'mail'
  | 'tomb'
  | 'sys'
  | 'lnk'
  | 'brc'
  | 'prc'
  | 'stf';

// Random bytes are drawn from the CSPRNG 4 KiB at a time: one call per 256 ids instead
// of one per id (a consent write makes several). Ids are not secrets; newSecret below
// draws its own bytes and never shares a buffer.
let pool = Buffer.alloc(0);
let used = 0;

function randomText(bytes: number): string {
  if (used + bytes > pool.length) {
    pool = crypto.randomBytes(4096);
    used = 0;
  }
  used += bytes;
  return pool.toString('base64url', used - bytes, used);
}

/** 128 random bits after the prefix. */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomText(16)}`;
}

/** The base64url characters in ASCII order, so encoded numbers sort as text the way they sort as numbers. */
const SORTABLE = '-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz';

/**
 * An id whose text sorts by creation time: 8 characters of milliseconds since 1970
 * (48 bits, enough for 8,000 years), then 88 random bits. Used for subjects: every index
 * keyed by subject id (the state's, the ledger's and the feed's subject indexes, the
 * audience index) then grows at its end, so a batch of consent writes dirties a few
 * pages there instead of one random page per index and write, which was most of what a
 * write sent to the WAL. The time is no secret: receipts and the feed carry it too.
 * The order holds where text compares bytewise (SQLite; PostgreSQL with the C collation);
 * under another collation the ids are just as unique, only less clustered.
 */
export function newOrderedId(prefix: IdPrefix, now = Date.now()): string {
  let time = '';
  for (let shift = 42; shift >= 0; shift -= 6) time += SORTABLE[Math.floor(now / 2 ** shift) % 64];
  return `${prefix}_${time}${randomText(11)}`;
}

/** A secret token: shown once, stored only as its hash. */
export function newSecret(prefix: string, bytes = 24): string {
  return `${prefix}_${crypto.randomBytes(bytes).toString('base64url')}`;
}

export function sha256Hex(value: string | Buffer): string {
  return crypto.createHash('sha256').update(value).digest('hex');
}
