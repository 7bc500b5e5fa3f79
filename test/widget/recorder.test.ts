import { describe, expect, it } from 'vitest';
import { createRecorder, GIVE_UP_MS, type ConsentEvent } from '../../widget/consent/recorder';

class MemoryStorage implements Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> {
  values = new Map<string, string>();
  removeItem(key: string) {
    this.values.delete(key);
  }
  getItem(key: string) {
    return this.values.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.values.set(key, value);
  }
}

const event = (clientEventId: string): ConsentEvent => ({
  key: 'pk_test',
  visitorId: 'v_1',
  decisions: { analytics: true },
  configVersion: 1,
  locale: 'nl',
  source: 'banner',
  interaction: 'accept_all',
  gpc: false,
  clientEventId,
});

/** A fetch that answers from a script of statuses and remembers every attempt that reached it. */
function scriptedFetch(statuses: Array<number | 'offline'>) {
  const sent: ConsentEvent[] = [];
  const send = (async (_url: string, init: RequestInit) => {
    const status = statuses.shift() ?? 201;
    if (status === 'offline') throw new TypeError('Failed to fetch');
    sent.push(JSON.parse(String(init.body)) as ConsentEvent);
    return new Response(JSON.stringify({ id: 'cns_1', receipt: `jws-${sent.length}`, state: {} }), {
      status,
    });
  }) as typeof fetch;
  return { send, sent };
}

const storage = () => new MemoryStorage() as unknown as Storage & MemoryStorage;

describe('recording choices on the server (GDPR-04)', () => {
  it('sends a choice and keeps its receipt', async () => {
    const { send, sent } = scriptedFetch([201]);
    const recorder = createRecorder('https://cmp.example', storage(), send);
    await recorder.record(event('ce_1'));
    expect(sent.map((e) => e.clientEventId)).toEqual(['ce_1']);
    expect(recorder.receipt()).toBe('jws-1');
  });

  it('keeps a choice made offline and sends it later with the same clientEventId', async () => {
    const store = storage();
    const offline = scriptedFetch(['offline']);
    await createRecorder('https://cmp.example', store, offline.send).record(event('ce_offline'));
    expect(offline.sent).toEqual([]);

    // The next page load: a new recorder over the same storage.
    const online = scriptedFetch([201]);
    const later = createRecorder('https://cmp.example', store, online.send);
    await later.flush();
    expect(online.sent.map((e) => e.clientEventId)).toEqual(['ce_offline']);
    await later.flush();
    expect(online.sent).toHaveLength(1);
    expect(later.receipt()).toBe('jws-1');
  });

  it('retries after a 5xx and sends queued choices oldest first', async () => {
    const store = storage();
    const { send, sent } = scriptedFetch([503, 201, 201]);
    const recorder = createRecorder('https://cmp.example', store, send);
    await recorder.record(event('ce_a'));
    await recorder.record(event('ce_b'));
    // Every attempt, in order: the failed one, its retry with the same id, then the next.
    expect(sent.map((e) => e.clientEventId)).toEqual(['ce_a', 'ce_a', 'ce_b']);
  });

  it('drops a choice the server refuses as invalid instead of retrying it forever', async () => {
    const store = storage();
    const { send, sent } = scriptedFetch([400, 201]);
    const recorder = createRecorder('https://cmp.example', store, send);
    await recorder.record(event('ce_bad'));
    await recorder.flush();
    expect(sent.map((e) => e.clientEventId)).toEqual(['ce_bad']);
    expect(JSON.parse(store.getItem('akkoord.pending') ?? '[]')).toEqual([]);
  });

  it('forget() drops the queue and the receipt of an erased choice (Art. 17)', async () => {
    const store = storage();
    const recorder = createRecorder(
      'https://cmp.example',
      store,
      scriptedFetch([201, 'offline']).send,
    );
    await recorder.record(event('ce_1'));
    await recorder.record(event('ce_2'));
    expect([...store.values.keys()].sort()).toEqual(['akkoord.pending', 'akkoord.receipt']);
    recorder.forget();
    expect(store.values.size).toBe(0);
    expect(recorder.receipt()).toBeNull();
    expect(
      createRecorder('https://cmp.example', store, scriptedFetch([]).send).receipt(),
    ).toBeNull();
  });
});

describe('a choice the server refuses, or that cannot be sent', () => {
  const refusal = (status: number, code: string) =>
    (async () =>
      new Response(JSON.stringify({ error: { code, message: 'refused' } }), {
        status,
      })) as unknown as typeof fetch;

  it('an origin not allowed: reported, kept and sent again with a growing backoff', async () => {
    const store = storage();
    const problems: string[] = [];
    const delays: number[] = [];
    const retries: Array<() => void> = [];
    let answer = refusal(403, 'ORIGIN_NOT_ALLOWED');
    const recorder = createRecorder(
      'https://cmp.example',
      store,
      ((url: string, init: RequestInit) => answer(url, init)) as typeof fetch,
      {
        onProblem: (p) => problems.push(`${p.code} ${p.status} ${p.retry}`),
        schedule: (retry, ms) => (delays.push(ms), retries.push(retry)),
      },
    );
    await recorder.record(event('ce_1'));
    expect(problems).toEqual(['ORIGIN_NOT_ALLOWED 403 true']);
    expect(recorder.status()).toMatchObject({ pending: 1, error: { code: 'ORIGIN_NOT_ALLOWED' } });
    retries.shift()!();
    await recorder.flush();
    expect(delays).toEqual([2000, 4000]);

    // The site's owner adds the origin: the next retry records it.
    answer = scriptedFetch([201]).send;
    retries.shift()!();
    await recorder.flush();
    expect(recorder.status()).toEqual({ pending: 0, error: null });
    expect(recorder.receipt()).toBe('jws-1');
  });

  it.each([
    [401, 'UNAUTHORIZED', true],
    [429, 'RATE_LIMITED', true],
    [422, 'STALE_CONFIG', false],
  ] as const)('a %i %s is reported; kept for another try: %s', async (status, code, kept) => {
    const problems: string[] = [];
    const recorder = createRecorder('https://cmp.example', storage(), refusal(status, code), {
      onProblem: (p) => problems.push(p.code),
      schedule: () => {},
    });
    await recorder.record(event('ce_1'));
    expect(problems).toEqual([code]);
    expect(recorder.status().pending).toBe(kept ? 1 : 0);
  });

  it('being offline is no problem worth reporting', async () => {
    const problems: string[] = [];
    const recorder = createRecorder(
      'https://cmp.example',
      storage(),
      scriptedFetch(['offline']).send,
      { onProblem: (p) => problems.push(p.code), schedule: () => {} },
    );
    await recorder.record(event('ce_1'));
    expect(problems).toEqual([]);
    expect(recorder.status()).toMatchObject({ pending: 1, error: { code: 'NETWORK' } });
  });

  it('gives a choice up after seven days, with the same signal', async () => {
    const store = storage();
    let now = Date.parse('2026-12-01T00:00:00Z');
    const options = { now: () => now, schedule: () => {} };
    await createRecorder(
      'https://cmp.example',
      store,
      refusal(403, 'ORIGIN_NOT_ALLOWED'),
      options,
    ).record(event('ce_old'));
    now += GIVE_UP_MS + 1;
    const problems: string[] = [];
    const { send, sent } = scriptedFetch([201]);
    const later = createRecorder('https://cmp.example', store, send, {
      ...options,
      onProblem: (p) => problems.push(p.code),
    });
    await later.flush();
    expect(problems).toEqual(['GAVE_UP']);
    expect(sent).toEqual([]);
    expect(later.status()).toMatchObject({ pending: 0, error: { code: 'GAVE_UP' } });
  });

  it('never sends the queue time to the server', async () => {
    const { send, sent } = scriptedFetch([201]);
    await createRecorder('https://cmp.example', storage(), send).record(event('ce_1'));
    expect(sent[0]).not.toHaveProperty('queuedAt');
  });
});
