// The busy public limits count in this process and tell the shared store in batches:
// exact within a process, every process's hits in the store within one sync interval, and
// one store write per key and interval instead of one per request.
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SYNC_MS, tallyLocally, type Counters } from '../../server/rate-limit-tally.js';

/** The store several processes share (a real limiter), counting how often it is asked. */
function sharedStore(points: number) {
  const limiter = new RateLimiterMemory({ points, duration: 60 });
  const store = {
    calls: 0,
    consume: (key: string, hits?: number) => {
      store.calls += 1;
      return limiter.consume(key, hits);
    },
    get: (key: string) => limiter.get(key),
    counted: async (key: string) => (await limiter.get(key))?.consumedPoints ?? 0,
  };
  return store;
}

async function admitted(counters: Counters, key: string, hits: number): Promise<number> {
  let admittedHits = 0;
  for (let i = 0; i < hits; i++) {
    try {
      await counters.consume(key);
      admittedHits += 1;
    } catch (error) {
      expect(error).toBeInstanceOf(RateLimiterRes);
    }
  }
  return admittedHits;
}

describe('rate-limit tally', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('admits exactly the limit within one process, asking the store once per interval', async () => {
    const store = sharedStore(50);
    const tally = tallyLocally(store, 50);
    expect(await admitted(tally, 'k', 80)).toBe(50);
    expect(store.calls).toBe(1);
    const refused = await tally.consume('k').catch((error: RateLimiterRes) => error);
    expect(refused).toBeInstanceOf(RateLimiterRes);
    expect((refused as RateLimiterRes).msBeforeNext).toBeGreaterThan(0);
    expect(await admitted(tally, 'other', 1)).toBe(1);
    await vi.advanceTimersByTimeAsync(SYNC_MS);
    expect(await store.counted('k')).toBe(50);
    expect(store.calls).toBe(3);
  });

  it("sends a process's hits within one interval; another process's hits count against it", async () => {
    const store = sharedStore(10);
    const first = tallyLocally(store, 10);
    const second = tallyLocally(store, 10);
    expect(await admitted(first, 'k', 6)).toBe(6);
    expect(await store.counted('k')).toBe(1);
    await vi.advanceTimersByTimeAsync(SYNC_MS);
    expect(await store.counted('k')).toBe(6);
    // The second process starts from the store's count: 4 more fit, not 10.
    expect(await admitted(second, 'k', 6)).toBe(4);
    // Within the interval the first does not know of the second's last 3 and admits up to
    // its own view of the limit: processes together can pass it by one interval's hits...
    expect(await admitted(first, 'k', 6)).toBe(4);
    // ...and once both have sent theirs, neither admits another.
    await vi.advanceTimersByTimeAsync(SYNC_MS);
    expect(await store.counted('k')).toBe(14);
    expect(await admitted(first, 'k', 1)).toBe(0);
    expect(await admitted(second, 'k', 1)).toBe(0);
  });

  it('stays exact within the process while its hits are on their way to the store', async () => {
    const store = sharedStore(5);
    let release!: () => void;
    const slow = {
      consume: async (key: string, hits?: number) => {
        await new Promise<void>((resolve) => (release = resolve));
        return store.consume(key, hits);
      },
      get: store.get,
    };
    const tally = tallyLocally(slow, 5);
    const first = tally.consume('k');
    release();
    await first;
    expect(await admitted(tally, 'k', 3)).toBe(3);
    // The three are sent; while the store has not answered, one more fits, not four.
    vi.advanceTimersByTime(SYNC_MS);
    expect(await admitted(tally, 'k', 3)).toBe(1);
    release();
    await vi.waitFor(async () => expect(await store.counted('k')).toBe(4));
    expect(await admitted(tally, 'k', 1)).toBe(0);
  });

  it('a key hit less often than the interval is counted in the store at every hit', async () => {
    const store = sharedStore(3);
    const first = tallyLocally(store, 3);
    const second = tallyLocally(store, 3);
    for (const counters of [first, second, first]) {
      expect(await admitted(counters, 'k', 1)).toBe(1);
      await vi.advanceTimersByTimeAsync(SYNC_MS);
    }
    expect(store.calls).toBe(3);
    expect(await admitted(second, 'k', 1)).toBe(0);
  });

  it('a flood of addresses sweeps out only keys whose window ended: a live key keeps counting here', async () => {
    const store = sharedStore(3);
    const tally = tallyLocally(store, 3);
    expect(await admitted(tally, 'live', 1)).toBe(1);
    // Ten thousand other addresses, then one more: the sweep runs at that key.
    for (let i = 0; i <= 10_000; i++) await tally.consume(`ip-${i}`);
    const callsBefore = store.calls;
    // 'live' is still in its window and was synced just now: counted here, limit intact.
    expect(await admitted(tally, 'live', 3)).toBe(2);
    expect(store.calls).toBe(callsBefore);
    await vi.advanceTimersByTimeAsync(SYNC_MS);
    expect(await store.counted('live')).toBe(3);
  });

  it('close sends the hits not yet sent', async () => {
    const store = sharedStore(10);
    const tally = tallyLocally(store, 10);
    expect(await admitted(tally, 'k', 4)).toBe(4);
    expect(await store.counted('k')).toBe(1);
    await tally.close();
    expect(await store.counted('k')).toBe(4);
  });
});
