// Files that hold the data or the secret are readable by their owner only: a new data
// folder is 0700, a new database, its -wal/-shm, the secret and a backup are 0600
// (SQLite gives its journal files the mode of the database file). Existing data files
// that others may read are narrowed to 0600 when they are opened.
import fs from 'node:fs';

/** Creates `dir` (and missing parents) 0700; an existing folder is the operator's choice and stays as it is. */
export function makePrivateDir(dir: string): void {
  if (fs.existsSync(dir)) return;
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  // mkdir's mode passes through the umask, which may take bits away but never adds any: say it exactly.
  fs.chmodSync(dir, 0o700);
}

/** Creates `file` empty with mode 0600 unless it exists, so whatever writes it next keeps that mode. */
export function touchPrivateFile(file: string): void {
  try {
    fs.closeSync(fs.openSync(file, 'wx', 0o600));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

/**
 * An existing data file others may read (made by an older version, or copied in with a
 * loose umask) is narrowed to 0600. Only the owner may chmod: for anyone else it stays,
 * and the server still starts.
 */
export function narrowToOwner(file: string): void {
  try {
    if ((fs.statSync(file).mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'EPERM') throw error;
  }
}
