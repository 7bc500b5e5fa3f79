// The banner's "manage my data" link without a browser: which request it makes, where it goes,
// and that every failure falls back to the plain sign-in link (CONTRACT §8).
import { describe, expect, it } from 'vitest';
import { onManageDataClick, requestVisitorLink, type ManageDataOptions } from '../../widget/ui/manage-data-link';

const API = 'https://cmp.example';
const PLAIN = `${API}/p/ten_1`;

function options(answer: () => Promise<Response>, visitorId: string | null = 'v_0123456789abcdef0123456789abcdef') {
  const calls: Array<{ url: string; init: RequestInit }> = [];
  const navigated: string[] = [];
  const order: string[] = [];
  const opts: ManageDataOptions = {
    apiBase: API,
    publicKey: 'pk_1',
    visitorId: () => visitorId ?? undefined,
    flush: async () => void order.push('flush'),
    send: (async (url: string, init: RequestInit) => {
      order.push('send');
      calls.push({ url, init });
      return answer();
    }) as typeof fetch,
    navigate: (url) => navigated.push(url),
  };
  return { opts, calls, navigated, order };
}

const json = (status: number, body: unknown) => async () => new Response(JSON.stringify(body), { status });

/** A click as the browser dispatches it; records whether the default was prevented. */
function click(init: Partial<MouseEvent> = {}) {
  const event = { button: 0, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, currentTarget: { href: PLAIN }, prevented: false, ...init } as MouseEvent & { prevented: boolean };
  (event as { preventDefault(): void }).preventDefault = () => void (event.prevented = true);
  return event;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('requestVisitorLink', () => {
  it('sends queued choices first, then posts key and visitor id and returns the one-time URL', async () => {
    const { opts, calls, order } = options(json(201, { url: `${PLAIN}#token=abc`, expiresAt: '2030-01-01T00:00:00Z' }));
    expect(await requestVisitorLink(opts, 'v_1')).toBe(`${PLAIN}#token=abc`);
    expect(order).toEqual(['flush', 'send']);
    expect(calls[0].url).toBe(`${API}/v1/me/visitor-link`);
    expect(calls[0].init.method).toBe('POST');
    expect(JSON.parse(String(calls[0].init.body))).toEqual({ key: 'pk_1', visitorId: 'v_1' });
  });

  it('answers null on 404, on a network failure and on a URL outside the preference center', async () => {
    expect(await requestVisitorLink(options(json(404, { error: { code: 'NOT_FOUND' } })).opts, 'v_1')).toBeNull();
    expect(await requestVisitorLink(options(() => Promise.reject(new TypeError('Failed to fetch'))).opts, 'v_1')).toBeNull();
    expect(await requestVisitorLink(options(json(201, { url: 'https://evil.example/p/x' })).opts, 'v_1')).toBeNull();
    expect(await requestVisitorLink(options(json(201, {})).opts, 'v_1')).toBeNull();
  });
});

describe('onManageDataClick', () => {
  it('with a visitor id, prevents the plain link and navigates to the one-time link in the same tab', async () => {
    const { opts, navigated } = options(json(201, { url: `${PLAIN}#token=abc` }));
    const event = click();
    onManageDataClick(opts)(event);
    expect(event.prevented).toBe(true);
    await settle();
    expect(navigated).toEqual([`${PLAIN}#token=abc`]);
  });

  it('falls back to the plain link when the exchange fails', async () => {
    const { opts, navigated } = options(json(503, {}));
    onManageDataClick(opts)(click());
    await settle();
    expect(navigated).toEqual([PLAIN]);
  });

  it('leaves the plain link alone without a visitor id, and for a click meant for a new tab', async () => {
    const without = options(json(201, { url: `${PLAIN}#token=abc` }), null);
    const event = click();
    onManageDataClick(without.opts)(event);
    expect(event.prevented).toBe(false);
    expect(without.calls).toEqual([]);

    const withId = options(json(201, { url: `${PLAIN}#token=abc` }));
    for (const modified of [click({ ctrlKey: true }), click({ metaKey: true }), click({ button: 1 })]) {
      onManageDataClick(withId.opts)(modified);
      expect(modified.prevented).toBe(false);
    }
    expect(withId.calls).toEqual([]);
  });

  it('asks once while a request is in flight', async () => {
    const { opts, calls, navigated } = options(json(201, { url: `${PLAIN}#token=abc` }));
    const handler = onManageDataClick(opts);
    const second = click();
    handler(click());
    handler(second);
    expect(second.prevented).toBe(true);
    await settle();
    expect(calls).toHaveLength(1);
    expect(navigated).toHaveLength(1);
  });
});
