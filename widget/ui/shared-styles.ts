// One stylesheet for every shadow root the widget makes (the banner and each placeholder),
// parsed once and adopted by each root instead of a <style> copy per root: a page with a few
// gated videos parses it once. The settings dialog's script adds its own sheet next to it.

import { addSheet } from './stylesheet';
import css from './styles.css?inline';

let shared: CSSStyleSheet | undefined;

export function adoptStyles(root: ShadowRoot): void {
  shared = addSheet(root, css, shared);
}
