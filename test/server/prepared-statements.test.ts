// A query that starts with PREPARED is prepared once on its connection and then only
// executed; every other query is sent as it always was.
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { PREPARED } from '../../server/db/prepared-statements.js';
import { dialects, openTestStore, type TestStore } from '../helpers/db.js';

describe.runIf(dialects.includes('postgres'))('prepared statements on postgres', () => {
  let test: TestStore | undefined;
  afterEach(async () => test?.cleanup());

  it('prepares a marked query once per connection, under a name of its text, and nothing else', async () => {
    test = await openTestStore('postgres');
    const prepared = await test.store.db.transaction().execute(async (trx) => {
      // One transaction: one connection, whose prepared statements PostgreSQL lists.
      for (const n of [1, 2, 3]) {
        const { rows } = await sql<{
          n: number;
        }>`${sql.raw(PREPARED)}SELECT ${n}::int AS n`.execute(trx);
        expect(rows).toEqual([{ n }]);
      }
      await sql`SELECT 'not prepared' AS plain`.execute(trx);
      return (
        await sql<{
          name: string;
          statement: string;
        }>`SELECT name, statement FROM pg_prepared_statements`.execute(trx)
      ).rows;
    });
    expect(prepared).toHaveLength(1);
    expect(prepared[0].name).toMatch(/^akkoord_[0-9a-f]{32}$/);
    expect(prepared[0].statement).toContain('SELECT $1::int AS n');
  });
});
