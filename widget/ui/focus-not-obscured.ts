// WCAG 2.4.11 Focus Not Obscured (A11Y-01) for the page behind the first layer. The layer keeps
// Tab inside itself, but it is no cookie wall (GDPR-08): a person may click into the page and
// Tab on from there. While it is open, the page reserves the banner's height: scroll-padding
// keeps the browser's own focus scrolling above it (WCAG technique C43), a spacer of that height
// at the end of the page lets even the last element scroll clear, and an element that still
// receives focus under the banner (inside a scroll container of its own) is scrolled clear.

/** Starts reserving room for `panel`; the returned function gives the page back as it was. */
export function keepFocusVisible(doc: Document, host: HTMLElement, panel: HTMLElement): () => void {
  const root = doc.documentElement;
  const siteValue = root.style.scrollPaddingBottom;
  let height = 0;
  const reserve = () => {
    root.style.scrollPaddingBottom = `${height}px`;
    // The spacer only once the page is parsed and the host is its last element (mount.ts):
    // amid a page still loading it would push the rest down. Inline style wins over the site's CSS.
    if (doc.readyState !== 'loading') host.style.cssText = `display:block;height:${height}px`;
  };
  // With the height the observer last saw: reading it here would lay out the page just parsed.
  const parsed = () => height && reserve();
  if (doc.readyState === 'loading')
    doc.addEventListener('DOMContentLoaded', parsed, { once: true });
  // Its first call comes after the banner's first layout, before paint: no forced layout while
  // the banner is being shown. Later calls follow text zoom, rotation or a narrower window.
  const resized = new ResizeObserver(() => {
    height = panel.offsetHeight;
    reserve();
  });
  resized.observe(panel);

  const onFocusIn = (event: FocusEvent) => {
    // The element itself, also inside an open shadow root (a placeholder's button): its host may
    // be far taller than what has focus.
    const target = event.composedPath()[0];
    if (!(target instanceof Element) || target === host || host.shadowRoot?.contains(target))
      return;
    /** How far the element reaches under the banner. */
    const hidden = () => target.getBoundingClientRect().bottom - innerHeight + height;
    // A scroll container inside the page (an app shell whose document never scrolls) knows
    // nothing of the root's scroll-padding: scroll each ancestor until the element is clear.
    for (let box = target.parentElement; box && hidden() > 0; box = box.parentElement)
      box.scrollTop += hidden();
  };
  doc.addEventListener('focusin', onFocusIn);

  return () => {
    resized.disconnect();
    doc.removeEventListener('DOMContentLoaded', parsed);
    doc.removeEventListener('focusin', onFocusIn);
    root.style.scrollPaddingBottom = siteValue;
    host.style.cssText = '';
  };
}
