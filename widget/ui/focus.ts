// Keyboard focus inside the banner's layers: a trap for the modal layers (A11Y-02) and the
// element that had focus before, so closing can give it back.

const FOCUSABLE = 'a[href],button:not([disabled]),input:not([disabled]),[tabindex="0"]';

/** Keeps Tab and Shift+Tab cycling inside `container` (WAI-ARIA APG modal dialog). */
export function trapTab(event: KeyboardEvent, container: HTMLElement): void {
  if (event.key !== 'Tab') return;
  const items = Array.from(container.querySelectorAll<HTMLElement>(FOCUSABLE));
  if (items.length === 0) return;
  const active = (container.getRootNode() as ShadowRoot).activeElement;
  const first = items[0];
  const last = items[items.length - 1];
  if (event.shiftKey && (active === first || active === container)) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && active === last) {
    event.preventDefault();
    first.focus();
  }
}

/** The element that really has focus, looking through our own shadow root. */
export function focusedElement(doc: Document, host: Element, root: ShadowRoot): HTMLElement | null {
  const active = doc.activeElement === host ? root.activeElement : doc.activeElement;
  return active instanceof HTMLElement && active !== doc.body ? active : null;
}
