// "Manage my data" (CONTRACT §8, issue 5): a visitor who made a choice is signed in to the
// preference center as that visitor, so an anonymous person can see and erase what the banner
// stored (Art. 15, 17). The visitor id is exchanged for a one-time link at click time, so the id
// itself never appears in the address bar, a history entry or a Referer. Without a choice, or when the
// exchange fails, the plain link (sign-in by e-mail) is followed instead.

export interface ManageDataOptions {
  apiBase: string;
  publicKey: string;
  /** The browser's visitor id, or undefined before any choice. */
  visitorId(): string | undefined;
  /** Resolves once queued choices were sent, so the server knows the visitor (GDPR-04). */
  flush(): Promise<void>;
  send: typeof fetch;
  navigate(url: string): void;
}

/** The one-time preference-center URL for this visitor, or null when there is none. */
export async function requestVisitorLink(options: ManageDataOptions, visitorId: string): Promise<string | null> {
  try {
    await options.flush();
    const response = await options.send(`${options.apiBase}/v1/me/visitor-link`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ key: options.publicKey, visitorId }),
    });
    if (!response.ok) return null;
    const { url } = (await response.json()) as { url?: unknown };
    // Only ever navigate to our own preference center, whatever the answer says.
    return typeof url === 'string' && url.startsWith(`${options.apiBase}/p/`) ? url : null;
  } catch {
    return null;
  }
}

/**
 * The click handler of every "manage my data" link. A plain link stays a plain link (keyboard,
 * middle click and "open in new tab" keep working); with a visitor id a plain left click or
 * Enter waits for the one-time link and opens it in the same tab, which no popup blocker stops.
 */
export function onManageDataClick(options: ManageDataOptions): (event: Event) => void {
  let busy = false;
  return (event) => {
    const click = event as MouseEvent;
    const visitorId = options.visitorId();
    if (!visitorId || click.button || click.ctrlKey || click.metaKey || click.shiftKey || click.altKey) return;
    event.preventDefault();
    if (busy) return;
    busy = true;
    const fallback = (event.currentTarget as HTMLAnchorElement).href;
    void requestVisitorLink(options, visitorId).then((url) => {
      busy = false;
      options.navigate(url ?? fallback);
    });
  };
}
