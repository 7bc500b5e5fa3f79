// The widget tells the site's developer why a choice was not recorded: one warning per cause
// that names the fix, and an `akkoord:error` event each time a new cause appears.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { WidgetConfig } from '../../widget/config';
import { problemReporter } from '../../widget/problems';

const config = { tenantId: 'ten_1', publicKey: 'pk_1' } as WidgetConfig;

describe('reporting a refused choice', () => {
  afterEach(() => vi.restoreAllMocks());

  it('warns once per cause, naming the origin and the command that fixes it, and fires akkoord:error', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const win = Object.assign(new EventTarget(), {
      location: { origin: 'https://www.shop.example' },
    }) as unknown as Window;
    const events: unknown[] = [];
    win.addEventListener('akkoord:error', (e) => events.push((e as CustomEvent).detail));
    const report = problemReporter(win, config);
    const problem = { code: 'ORIGIN_NOT_ALLOWED', status: 403, message: 'x', retry: true };
    report(problem);
    report(problem);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toContain(
      'akkoord tenant origins add https://www.shop.example --tenant ten_1',
    );
    expect(events).toEqual([problem]);

    report({ code: 'RATE_LIMITED', status: 429, message: 'x', retry: true });
    expect(warn).toHaveBeenCalledTimes(2);
    expect(events).toHaveLength(2);
  });

  it('names a settings dialog that did not load as such, not as an unrecorded consent', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const win = Object.assign(new EventTarget(), {
      location: { origin: 'https://www.shop.example' },
    }) as unknown as Window;
    problemReporter(
      win,
      config,
    )({
      code: 'SETTINGS_UNAVAILABLE',
      status: 0,
      message: 'the settings dialog did not load from https://cmp.example/widget-settings.js',
      retry: false,
    });
    expect(warn.mock.calls[0][0]).toBe(
      'akkoord: settings dialog not loaded (SETTINGS_UNAVAILABLE): the settings dialog did not load from https://cmp.example/widget-settings.js',
    );
  });
});
