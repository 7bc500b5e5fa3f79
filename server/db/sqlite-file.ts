// What an operator does to a SQLite database as a file: copy it while the server runs, check
// it, and remove it with its WAL and shared-memory companions. The backup and restore commands
// use these, so they need not know SQLite's API.
import fs from 'node:fs';
import type SQLite from 'better-sqlite3';

export interface OnlineCopy {
  pages: number;
  /** How often a write to the live database made the copy start over before it went whole. */
  restarts: number;
}

/**
 * Copies the live database into `file` with SQLite's online backup: page by page while the
 * server writes, and, once a write has made it start over, the rest in one step, which holds a
 * read snapshot (WAL lets writers go on) and so always ends.
 */
export async function copyLiveDatabase(
  sqlite: SQLite.Database,
  file: string,
  progress: (done: number, total: number) => void = () => {},
): Promise<OnlineCopy> {
  let lowestRemaining = Infinity;
  let restarts = 0;
  const meta = await sqlite.backup(file, {
    progress: ({ totalPages, remainingPages }) => {
      progress(totalPages - remainingPages, totalPages);
      if (remainingPages > lowestRemaining) restarts += 1;
      lowestRemaining = Math.min(lowestRemaining, remainingPages);
      return restarts > 0 ? 0x7fffffff : 1000;
    },
  });
  return { pages: meta.totalPages, restarts };
}

/** SQLite's own checks of a database file: its pages and indexes, and its foreign keys. */
export function checkDatabaseFile(sqlite: SQLite.Database): string[] {
  const problems: string[] = [];
  const integrity = sqlite.pragma('integrity_check', { simple: true });
  if (integrity !== 'ok') problems.push(`integrity_check: ${String(integrity)}`);
  const foreign = sqlite.pragma('foreign_key_check') as unknown[];
  if (foreign.length > 0) problems.push(`${foreign.length} rows break a foreign key`);
  return problems;
}

/** Removes a database file and the files SQLite keeps beside it. */
export function removeDatabaseFiles(file: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) fs.rmSync(file + suffix, { force: true });
}
