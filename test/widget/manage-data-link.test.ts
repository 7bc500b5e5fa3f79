// The banner's "manage my data" link without a browser: where it goes, that queued choices
// are sent first, and that the visitor id travels only in the address fragment.
import { describe, expect, it } from 'vitest';
import {
  onManageDataClick,
  visitorUrl,
  type ManageDataOptions,
} from '../../widget/ui/manage-data-link';

const API = 'https://cmp.example';
const PLAIN = `${API}/p/ten_1`;
const VISITOR = 'v_0123456789abcdef0123456789abcdef';

function options(
  visitorId: string | null = VISITOR,
  flush: () => Promise<void> = async () => undefined,
) {
  const navigated: string[] = [];
  const order: string[] = [];
  const opts: ManageDataOptions = {
    publicKey: 'pk_1',
    visitorId: () => visitorId ?? undefined,
    flush: async () => {
      order.push('flush');
      await flush();
    },
    navigate: (url) => {
      order.push('navigate');
      navigated.push(url);
    },
  };
  return { opts, navigated, order };
}

/** A click as the browser dispatches it; records whether the default was prevented. */
function click(init: Partial<MouseEvent> = {}) {
  const event = {
    button: 0,
    ctrlKey: false,
    metaKey: false,
    shiftKey: false,
    altKey: false,
    currentTarget: { href: PLAIN },
    prevented: false,
    ...init,
  } as MouseEvent & { prevented: boolean };
  (event as { preventDefault(): void }).preventDefault = () => void (event.prevented = true);
  return event;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('visitorUrl', () => {
  it('puts visitor id and key in the fragment of the plain link, never in its path or query', () => {
    const url = new URL(visitorUrl(PLAIN, 'pk_1', VISITOR));
    expect(url.origin + url.pathname).toBe(PLAIN);
    expect(url.search).toBe('');
    expect(url.hash).toBe(`#visitor=${VISITOR}&key=pk_1`);
  });
});

describe('onManageDataClick', () => {
  it('with a visitor id, sends queued choices, then opens the preference center in the same tab', async () => {
    const { opts, navigated, order } = options();
    const event = click();
    onManageDataClick(opts)(event);
    expect(event.prevented).toBe(true);
    await settle();
    expect(order).toEqual(['flush', 'navigate']);
    expect(navigated).toEqual([`${PLAIN}#visitor=${VISITOR}&key=pk_1`]);
  });

  it('still goes when sending the queued choices fails', async () => {
    const { opts, navigated } = options(VISITOR, () =>
      Promise.reject(new TypeError('Failed to fetch')),
    );
    onManageDataClick(opts)(click());
    await settle();
    expect(navigated).toEqual([`${PLAIN}#visitor=${VISITOR}&key=pk_1`]);
  });

  it('leaves the plain link alone without a visitor id, and for a click meant for a new tab', async () => {
    const without = options(null);
    const event = click();
    onManageDataClick(without.opts)(event);
    expect(event.prevented).toBe(false);
    for (const modified of [
      click({ ctrlKey: true }),
      click({ metaKey: true }),
      click({ button: 1 }),
    ]) {
      onManageDataClick(options().opts)(modified);
      expect(modified.prevented).toBe(false);
    }
  });

  it('goes once while queued choices are being sent', async () => {
    const { opts, navigated } = options();
    const handler = onManageDataClick(opts);
    const second = click();
    handler(click());
    handler(second);
    expect(second.prevented).toBe(true);
    await settle();
    expect(navigated).toHaveLength(1);
  });
});
