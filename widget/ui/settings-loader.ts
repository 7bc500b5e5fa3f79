// Loads the settings dialog's own script (widget-settings.js, beside widget.js) when a person is
// about to open the dialog: hovering or focusing Choose, at the latest clicking it. The first
// layer's code is all that every visitor parses before the banner shows. A script element, not
// fetch and eval: it passes the site's CSP wherever widget.js does (the same origin, the same
// nonce, or 'strict-dynamic'). If it does not load, the first layer's buttons still work, the
// site is told (problems.ts), and the next hover or click tries again.

import type { RecordProblem } from '../consent/recorder';
import { el } from './dom';
import { SETTINGS_SLOT, type SettingsChunk } from './settings-chunk';

export type LoadSettings = () => Promise<SettingsChunk | undefined>;

export const SETTINGS_UNAVAILABLE = 'SETTINGS_UNAVAILABLE';

export function settingsLoader(
  doc: Document,
  src: string,
  nonce: string | undefined,
  onProblem: (problem: RecordProblem) => void,
): LoadSettings {
  const registered = () =>
    (doc.defaultView as unknown as Record<string, SettingsChunk | undefined>)[SETTINGS_SLOT];
  let loading: Promise<SettingsChunk | undefined> | undefined;
  return () =>
    (loading ??= new Promise<SettingsChunk | undefined>((resolve) => {
      // Already there: a page (the console's preview) may load it ahead.
      if (registered()) return resolve(registered());
      const done = () => {
        script.remove();
        resolve(registered());
      };
      const script = el('script', { src, nonce, onload: done, onerror: done });
      (doc.head ?? doc.documentElement).append(script);
    }).then((chunk) => {
      if (!chunk) {
        loading = undefined;
        onProblem({
          code: SETTINGS_UNAVAILABLE,
          status: 0,
          message: `the settings dialog did not load from ${src}; Accept all and Reject all still work, and Choose tries again`,
          retry: false,
        });
      }
      return chunk;
    }));
}
