// Global setup of the test run: a name for the run that every PostgreSQL test schema starts
// with (test/helpers/db.ts), so that after the last test the schemas the test processes kept
// for reuse are dropped, and none is left in the developer's database.
import crypto from 'node:crypto';
import pg from 'pg';

export default function setup() {
  const run = crypto.randomBytes(4).toString('hex');
  process.env.AKKOORD_TEST_RUN = run;
  return async () => {
    const base = process.env.TEST_DATABASE_URL;
    if (!base) return;
    const client = new pg.Client({ connectionString: base });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string }>(
        `SELECT nspname AS name FROM pg_namespace WHERE nspname LIKE $1`,
        [`t\\_${run}\\_%`],
      );
      for (const { name } of rows) await client.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
    } finally {
      await client.end();
    }
  };
}
