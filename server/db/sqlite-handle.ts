// How every connection to the SQLite file is opened: the server's own and the consent
// write worker's (services/consent/banner-write-worker.ts) must agree on durability and
// on what a deleted row leaves behind, so both open it here.
import SQLite from 'better-sqlite3';

export function openSqliteHandle(file: string): SQLite.Database {
  const handle = new SQLite(file);
  handle.pragma('journal_mode = WAL');
  // FULL: a write acknowledged to a client is on disk even after power loss, not only kill -9.
  handle.pragma('synchronous = FULL');
  handle.pragma('foreign_keys = ON');
  handle.pragma('secure_delete = ON');
  // Temporary data (statement journals, sorts) in memory: no personal data in temp files,
  // and no temp-file writes on the consent write path.
  handle.pragma('temp_store = MEMORY');
  handle.pragma('busy_timeout = 5000');
  return handle;
}
