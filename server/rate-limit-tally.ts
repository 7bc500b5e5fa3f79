// Counting a busy limit's hits in this process and telling the shared store in batches.
// On a store shared by several server processes (PostgreSQL) every count is an upsert, and a
// per-key limit's counter is one row that every visitor of a tenant updates: counted at each
// request, the public limits halved the consent API's rate. Here a hit is decided from what
// the store said at most SYNC_MS ago plus this process's hits since; the first hit after that
// goes to the store with the hits not yet sent and brings back the count of every process,
// and hits not sent otherwise are sent SYNC_MS after the first of them, or when the store
// closes. Within one process the limit is exact; across processes a limit can be passed by
// what the others admitted in the last SYNC_MS, and a key hit less often than that is
// counted in the store at every hit.
import { RateLimiterRes } from 'rate-limiter-flexible';

/** How long a count read from the store is trusted, and how long a hit waits to be sent. */
export const SYNC_MS = 200;
/** Keys kept before the finished ones are swept out, at most once a second. */
const SWEEP_AT = 10_000;
const SWEEP_EVERY_MS = 1000;

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
  /** Hits admitted here and not sent yet. */
  unsent: number;
  /** When the store's window ends (ms since the epoch); 0 before its first answer. */
  resetAt: number;
  syncedAt: number;
  flush?: ReturnType<typeof setTimeout>;
}

/** Counters that count here first; `close` sends what is still unsent and stops the timers. */
export interface Tallied extends Counters {
  close(): Promise<void>;
}

export function tallyLocally(store: Counters, points: number): Tallied {
  const tallies = new Map<string, Tally>();
  let sweptAt = 0;

  const used = (tally: Tally) => tally.stored + tally.sending + tally.unsent;
  const answer = (tally: Tally, now: number) =>
    new RateLimiterRes(Math.max(0, points - used(tally)), tally.resetAt - now, used(tally), false);

  /** Sends the unsent hits, and the asking one (`own`); the store's answer refreshes the tally. */
  async function send(key: string, tally: Tally, own: 0 | 1): Promise<RateLimiterRes> {
    const now = Date.now();
    // Hits of a window that has ended are not carried into the next one.
    const hits = (now < tally.resetAt ? tally.unsent : 0) + own;
    tally.unsent = 0;
    tally.sending += hits;
    clearTimeout(tally.flush);
    tally.flush = undefined;
    const settle = (res: RateLimiterRes) => {
      tally.stored = res.consumedPoints;
      tally.resetAt = now + res.msBeforeNext;
      tally.syncedAt = now;
    };
    try {
      const res = await store.consume(key, hits);
      settle(res);
      return res;
    } catch (error) {
      if (error instanceof RateLimiterRes) settle(error);
      // Otherwise the store failed: these hits go uncounted, and the limiter logs it.
      throw error;
    } finally {
      tally.sending -= hits;
      if (tally.unsent > 0) scheduleFlush(key, tally);
    }
  }

  let closed = false;

  function scheduleFlush(key: string, tally: Tally) {
    if (closed) return;
    tally.flush ??= setTimeout(() => {
      tally.flush = undefined;
      if (tally.sending > 0) return scheduleFlush(key, tally);
      if (Date.now() >= tally.resetAt) tally.unsent = 0;
      // A failure here meets the next hit too, whose caller logs it.
      else if (tally.unsent > 0) send(key, tally, 0).catch(() => undefined);
    }, SYNC_MS);
    tally.flush.unref?.();
  }

  function sweep(now: number) {
    // Not at every new key: under a flood from many addresses that would cost a pass over
    // every key per request.
    if (tallies.size < SWEEP_AT || now - sweptAt < SWEEP_EVERY_MS) return;
    sweptAt = now;
    for (const [key, tally] of tallies)
      if (now >= tally.resetAt && tally.sending === 0 && tally.unsent === 0) {
        clearTimeout(tally.flush);
        tallies.delete(key);
      }
  }

  return {
    consume(key) {
      const now = Date.now();
      let tally = tallies.get(key);
      if (!tally) {
        sweep(now);
        tally = { stored: 0, sending: 0, unsent: 0, resetAt: 0, syncedAt: 0 };
        tallies.set(key, tally);
      }
      const fresh = now < tally.resetAt && (tally.sending > 0 || now - tally.syncedAt < SYNC_MS);
      if (!fresh) return send(key, tally, 1);
      if (used(tally) >= points) return Promise.reject(answer(tally, now));
      tally.unsent += 1;
      scheduleFlush(key, tally);
      return Promise.resolve(answer(tally, now));
    },
    async get(key) {
      const now = Date.now();
      const tally = tallies.get(key);
      if (tally && now < tally.resetAt && now - tally.syncedAt < SYNC_MS) return answer(tally, now);
      return store.get(key);
    },
    /**
     * Before the store closes: a timer left behind would send to a closed store, and the
     * hits admitted in the last interval would go uncounted for the other processes.
     */
    async close() {
      closed = true;
      const now = Date.now();
      const unsent = [...tallies].filter(([, tally]) => {
        clearTimeout(tally.flush);
        tally.flush = undefined;
        return tally.unsent > 0 && now < tally.resetAt;
      });
      // A store that fails now has nobody left to tell; the hits expire with their window.
      await Promise.all(unsent.map(([key, tally]) => send(key, tally, 0).catch(() => undefined)));
    },
  };
}
