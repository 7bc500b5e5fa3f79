// What the settings dialog's own script (widget-settings.js, built from settings-entry.ts) puts
// on the page for widget.js to use: one object on a window property that only the two of them
// read. widget.js may be cached a little longer than the dialog's script, so this shape only
// ever grows.

import type { SettingsDialogProps } from './settings-dialog';

export const SETTINGS_SLOT = '__akkoordSettings';

export interface SettingsChunk {
  /**
   * The dialog for the banner's shadow root, in the words of `props.locale`: adds the dialog's
   * stylesheet to the root (once) and fetches the Art. 13 details from `detailsUrl` (once per
   * page), shown when they arrive.
   */
  render(
    root: ShadowRoot,
    props: Omit<SettingsDialogProps, 'details' | 'messages'>,
    detailsUrl: string,
  ): { backdrop: HTMLElement; dialog: HTMLElement };
}
