// Turns gated scripts and iframes on once their purposes are granted: each script
// runs once, all in document order (an external script is awaited before the next one starts,
// as the parser would), also for elements the page adds later.

import { activatedScriptType, isAllowed, purposesOf, scriptAttributesToCopy } from './core';

const BLANK = 'about:blank';
const GATED =
  'script[type="text/plain"][data-consent],iframe[data-consent][data-src],[data-consent-placeholder]';

export interface Gate {
  /** Applies a new consent: runs what became allowed, unloads iframes no longer allowed. */
  update(consent: Record<string, boolean>): void;
}

/**
 * `placeholder(element, key)`: what a gated iframe or a `data-consent-placeholder` element shows
 * while `key` (its first purpose not granted) is missing; null once everything is granted.
 */
export function startGate(
  doc: Document,
  placeholder?: (element: Element, missing: string | null) => void,
): Gate {
  let consent: Record<string, boolean> = {};
  const ran = new WeakSet<Element>();
  // One chain, so activations from the observer and from choices never interleave.
  let queue: Promise<void> = Promise.resolve();

  const activateAll = () => {
    queue = queue.then(async () => {
      for (const el of Array.from(doc.querySelectorAll(GATED))) {
        const needed = el.getAttribute(
          el.matches('[data-consent-placeholder]:not(iframe)')
            ? 'data-consent-placeholder'
            : 'data-consent',
        );
        if (!(el instanceof HTMLScriptElement))
          placeholder?.(el, purposesOf(needed).find((key) => !consent[key]) ?? null);
        if (el instanceof HTMLIFrameElement) toggleIframe(el, isAllowed(needed, consent));
        else if (el instanceof HTMLScriptElement && stillArriving(el, doc)) break;
        else if (el instanceof HTMLScriptElement && !ran.has(el) && isAllowed(needed, consent)) {
          ran.add(el);
          await runScript(el as HTMLScriptElement, doc);
        }
      }
    });
  };

  new MutationObserver((records) => {
    if (records.some((r) => Array.from(r.addedNodes).some(mayContainGated))) activateAll();
  }).observe(doc.documentElement, { childList: true, subtree: true });
  // A script held back while its text was arriving runs once the parser has passed it: at the
  // next gated element, or here for the page's last one.
  if (doc.readyState === 'loading') doc.addEventListener('DOMContentLoaded', activateAll);

  return {
    update(next) {
      consent = next;
      activateAll();
    },
  };
}

/**
 * While the page loads, the parser puts a script element in the document before all of its
 * text (a slow network cuts it anywhere), so the last node parsed so far may be incomplete.
 * An inline script that nothing follows yet waits, and so does everything after it, so that
 * scripts still run whole and in document order.
 */
function stillArriving(el: Element, doc: Document): boolean {
  if (doc.readyState !== 'loading' || el.hasAttribute('src')) return false;
  for (let node: Node | null = el; node && node !== doc.documentElement; node = node.parentNode)
    if (node.nextSibling) return false;
  return true;
}

function mayContainGated(node: Node): boolean {
  return node instanceof Element && (node.matches(GATED) || node.querySelector(GATED) !== null);
}

function toggleIframe(frame: HTMLIFrameElement, allowed: boolean): void {
  const src = frame.getAttribute('data-src') ?? '';
  if (allowed && frame.getAttribute('src') !== src) frame.src = src;
  // A withdrawal stops an embedded player at once (GDPR-09: processing stops from withdrawal).
  if (!allowed && frame.src && frame.getAttribute('src') !== BLANK) frame.src = BLANK;
}

/** Replaces the inert script by a live copy; resolves when an external one has loaded or failed. */
function runScript(inert: HTMLScriptElement, doc: Document): Promise<void> {
  const live = doc.createElement('script');
  for (const name of scriptAttributesToCopy(inert.getAttributeNames())) {
    live.setAttribute(name, inert.getAttribute(name) ?? '');
  }
  live.type = activatedScriptType(inert.getAttribute('data-consent-type'));
  live.setAttribute('data-consent-ran', '');
  const external = inert.hasAttribute('src');
  // Dynamically inserted scripts are async by default; order is kept by awaiting instead.
  live.async = false;
  const done = new Promise<void>((resolve) => {
    if (!external) return resolve();
    live.onload = live.onerror = () => resolve();
  });
  if (!external) live.text = inert.text;
  inert.replaceWith(live);
  return done;
}
