// Kysely's SQLite driver prepares every statement anew on each query; compiling the
// SQL was the largest single cost of a consent write. This keeps the prepared
// statements by SQL text (bounded, oldest dropped first) and hands out a fresh one
// while a cached statement is still busy iterating a stream.
import type SQLite from 'better-sqlite3';
import type { SqliteDatabase } from 'kysely';

const MAX_STATEMENTS = 500;

export function withStatementCache(handle: SQLite.Database): SqliteDatabase {
  const statements = new Map<string, SQLite.Statement>();
  return {
    close: () => handle.close(),
    prepare(sql: string) {
      const cached = statements.get(sql);
      if (cached && !cached.busy) return cached;
      const statement = handle.prepare(sql);
      if (!cached) {
        if (statements.size >= MAX_STATEMENTS) statements.delete(statements.keys().next().value!);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}
