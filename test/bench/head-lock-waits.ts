// How often consent writes wait for a tenant's ledger head row on PostgreSQL: a sampler
// that reads pg_stat_activity every few milliseconds during a run and counts the backends
// blocked on a lock in the head's SELECT ... FOR UPDATE. With two server processes on one
// tenant it shows how much of the run one process spent waiting for the other's batch.
import pg from 'pg';

const EVERY_MS = 10;

export interface HeadLockWaits {
  samples: number;
  /** Share of samples in which at least one transaction waited for a head row, in %. */
  withWaiterPct: number;
  /** Transactions waiting for a head row, on average over the samples. */
  meanWaiting: number;
}

export function watchHeadLockWaits(databaseUrl: string): { stop(): Promise<HeadLockWaits> } {
  const client = new pg.Client({ connectionString: databaseUrl });
  const counts: number[] = [];
  let running = true;
  const done = (async () => {
    await client.connect();
    try {
      while (running) {
        const { rows } = await client.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE datname = current_database() AND state = 'active' AND wait_event_type = 'Lock'
              AND query LIKE '%from "ledger_heads"%for update%'`,
        );
        counts.push(rows[0].n);
        await new Promise((resolve) => setTimeout(resolve, EVERY_MS));
      }
    } finally {
      await client.end();
    }
  })();
  return {
    async stop() {
      running = false;
      await done;
      const waiting = counts.filter((n) => n > 0).length;
      const sum = counts.reduce((a, n) => a + n, 0);
      return {
        samples: counts.length,
        withWaiterPct: Math.round((waiting / Math.max(1, counts.length)) * 1000) / 10,
        meanWaiting: Math.round((sum / Math.max(1, counts.length)) * 100) / 100,
      };
    },
  };
}
