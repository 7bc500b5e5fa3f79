// PostgreSQL parses and plans every query it is sent, unless the query was prepared on that
// connection under a name. The consent writer's batch query has the same text for every
// batch of the same shape (its rows travel as one array per column), so it is worth
// preparing once per connection and then only executing: 4.5 % more banner consents a
// second on PostgreSQL in BENCHMARKS.md's runs. A query asks for it by starting with
// PREPARED; every other query is sent as before.
import crypto from 'node:crypto';
import type pg from 'pg';
import type { PostgresPool, PostgresPoolClient } from 'kysely';

export const PREPARED = '/* prepared */ ';

/** The statement's name on the connection: the same text, the same name. */
const nameOf = (text: string) =>
  `akkoord_${crypto.createHash('sha256').update(text).digest('hex').slice(0, 32)}`;

/** The pool as Kysely uses it, its clients preparing the queries that ask for it. */
export function preparingPool(pool: pg.Pool): PostgresPool {
  return {
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect();
      const query = (text: unknown, values?: unknown[]) =>
        typeof text === 'string' && text.startsWith(PREPARED)
          ? client.query({ name: nameOf(text), text, values })
          : client.query(text as string, values);
      return {
        query: query as unknown as PostgresPoolClient['query'],
        release: (destroy) => client.release(destroy),
      };
    },
    end: () => pool.end(),
  };
}
