// Counting a busy limit's hits in this process and telling the shared store in batches.
// On a store shared by several server processes (PostgreSQL) every count is an upsert, and a
// per-key limit's counter is one row that every visitor of a tenant updates: counted at each
// request, the public limits halved the consent API's rate. Here a hit is decided from what
// the store said at most SYNC_MS ago plus this process's hits since; the first hit after that
// goes to the store with the hits not yet sent and brings back the count of every process.
// Within one process the limit is exact; across processes a limit can be passed by what the
// others admitted within one SYNC_MS, and a key hit less often than that is counted exactly.
import { RateLimiterRes } from 'rate-limiter-flexible';

/** How long a count read from the store is trusted before the store is asked again. */
export const SYNC_MS = 200;
/** Keys kept before the expired ones are swept out. */
const SWEEP_AT = 10_000;

/** The part of a rate-limiter-flexible limiter that the limits use. */
export interface Counters {
  /** Counts `points` hits; rejects with a RateLimiterRes when over the limit, with an Error when the store fails. */
  consume(key: string, points?: number): Promise<RateLimiterRes>;
  get(key: string): Promise<RateLimiterRes | null>;
}

interface Tally {
  /** Hits the store had counted at its last answer, every process's. */
  stored: number;
  /** Hits on their way to the store. */
  sending: number;
  /** Hits admitted here since that answer and not yet sent. */
  unsent: number;
  /** When the store's window ends (ms since the epoch). */
  resetAt: number;
  syncedAt: number;
  syncing: boolean;
}

export function tallyLocally(store: Counters, points: number): Counters {
  const tallies = new Map<string, Tally>();

  function sweep(now: number) {
    if (tallies.size < SWEEP_AT) return;
    for (const [key, tally] of tallies) if (now >= tally.resetAt) tallies.delete(key);
  }

  const used = (tally: Tally) => tally.stored + tally.sending + tally.unsent;
  const answer = (tally: Tally, now: number) =>
    new RateLimiterRes(Math.max(0, points - used(tally)), tally.resetAt - now, used(tally), false);

  /** Sends this hit and the unsent ones; the store's answer becomes the key's tally. */
  async function sync(key: string, tally: Tally | undefined, now: number) {
    const carried = tally && now < tally.resetAt ? tally.unsent : 0;
    if (tally) {
      tally.syncing = true;
      tally.unsent -= carried;
      tally.sending = carried + 1;
    }
    const renew = (res: RateLimiterRes) => {
      // Hits admitted while the store answered stay unsent (on the tally in use by then).
      const current = tallies.get(key);
      const fresh: Tally = {
        stored: res.consumedPoints,
        sending: 0,
        unsent: current && now < current.resetAt ? current.unsent : 0,
        resetAt: now + res.msBeforeNext,
        syncedAt: now,
        syncing: false,
      };
      tallies.set(key, fresh);
      sweep(now);
    };
    try {
      const res = await store.consume(key, 1 + carried);
      renew(res);
      return res;
    } catch (error) {
      if (error instanceof RateLimiterRes) renew(error);
      else if (tally) {
        // The store failed (the caller lets the request through): the hits sent are not counted.
        tally.syncing = false;
        tally.sending = 0;
      }
      throw error;
    }
  }

  return {
    consume(key) {
      const now = Date.now();
      const tally = tallies.get(key);
      const fresh =
        tally !== undefined &&
        now < tally.resetAt &&
        (tally.syncing || now - tally.syncedAt < SYNC_MS);
      if (!fresh) return sync(key, tally, now);
      if (used(tally) >= points) return Promise.reject(answer(tally, now));
      tally.unsent += 1;
      return Promise.resolve(answer(tally, now));
    },
    async get(key) {
      const now = Date.now();
      const tally = tallies.get(key);
      if (tally && now < tally.resetAt && now - tally.syncedAt < SYNC_MS) return answer(tally, now);
      return store.get(key);
    },
  };
}
