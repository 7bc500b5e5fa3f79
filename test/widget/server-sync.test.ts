// Reading back what the preference center left on the server for a visitor (server-sync.ts).
import { describe, expect, it } from 'vitest';
import { fetchServerDecisions } from '../../widget/consent/server-sync';
import { widgetConfig } from './fixtures';

const answering = (status: number, body: unknown, urls: string[] = []) =>
  (async (url: string) => {
    urls.push(url);
    return new Response(JSON.stringify(body), { status });
  }) as typeof fetch;

describe('fetchServerDecisions', () => {
  it('asks GET /v1/consents/{visitorId}?key= and maps only "granted" to true, for the banner\'s optional purposes', async () => {
    const urls: string[] = [];
    const state = {
      necessary: 'granted',
      analytics: 'withdrawn',
      ads: 'granted',
      newsletter: { email: 'granted' },
    };
    expect(
      await fetchServerDecisions(
        widgetConfig(),
        'v_1',
        answering(200, { state, history: [] }, urls),
      ),
    ).toEqual({ analytics: false, ads: true });
    expect(urls).toEqual(['https://cmp.example/v1/consents/v_1?key=pk_test']);
    expect(
      await fetchServerDecisions(
        widgetConfig(),
        'v_1',
        answering(200, { state: { analytics: 'expired', ads: 'pending' } }),
      ),
    ).toEqual({ analytics: false, ads: false });
  });

  it('answers null when the server holds nothing (erased) and undefined when it cannot tell', async () => {
    expect(
      await fetchServerDecisions(
        widgetConfig(),
        'v_1',
        answering(404, { error: { code: 'NOT_FOUND' } }),
      ),
    ).toBeNull();
    expect(await fetchServerDecisions(widgetConfig(), 'v_1', answering(503, {}))).toBeUndefined();
    const offline = (async () => {
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    expect(await fetchServerDecisions(widgetConfig(), 'v_1', offline)).toBeUndefined();
  });
});
