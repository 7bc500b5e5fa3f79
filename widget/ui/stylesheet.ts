// Puts a stylesheet into a shadow root: constructed and parsed once, then adopted by each root
// (no CSP `style-src` applies to it); a browser without constructable stylesheets (Safari
// before 16.4) gets a <style> copy instead.

import { el } from './dom';

/** Adds `text` (parsed once into `sheet`) to the root's sheets; returns the sheet to reuse. */
export function addSheet(
  root: ShadowRoot,
  text: string,
  sheet?: CSSStyleSheet,
): CSSStyleSheet | undefined {
  try {
    if (!sheet) {
      sheet = new CSSStyleSheet();
      sheet.replaceSync(text);
    }
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  } catch {
    root.append(el('style', {}, text));
  }
  return sheet;
}
