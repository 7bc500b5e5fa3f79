// The entry of widget-settings.js: the settings dialog (second layer) with its stylesheet and words, a
// script of its own that widget.js loads when a person is about to open the dialog
// (ui/settings-loader.ts), so the code every visitor parses before the banner shows stays small.

import { settingsWords } from '../shared/i18n/banner';
import css from './ui/settings-dialog.css?inline';
import { SETTINGS_SLOT, type SettingsChunk } from './ui/settings-chunk';
import { renderSettingsDialog } from './ui/settings-dialog';
import { addSheet } from './ui/stylesheet';

let sheet: CSSStyleSheet | undefined;
const styled = new WeakSet<ShadowRoot>();
let details: Promise<Record<string, string[]> | undefined> | undefined;

const chunk: SettingsChunk = {
  render(root, props, detailsUrl) {
    if (!styled.has(root)) {
      styled.add(root);
      sheet = addSheet(root, css, sheet);
    }
    // The Art. 13 details are one click away (BAN-06), so they come on that click, not with every page.
    // An error answer has no `purposes`: the dialog then shows what the config holds.
    details ??= fetch(detailsUrl)
      .then((r) => r.json())
      .then(
        (body: { purposes?: Record<string, string[]> }) => body.purposes,
        () => undefined,
      );
    return renderSettingsDialog({ ...props, messages: settingsWords(props.locale), details });
  },
};

(window as unknown as Record<string, SettingsChunk>)[SETTINGS_SLOT] = chunk;
