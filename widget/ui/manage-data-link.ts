// "Manage my data": a visitor who made a choice is sent to the preference center as that
// visitor, so an anonymous person can see and change what the banner stored. The visitor id
// rides in the address fragment, which browsers never send to a server or in a Referer; the
// preference center removes it from the address bar at once and asks for the visitor's
// one-time link itself, from its own origin (no other site may ask for one). Such a session
// sees consents only until the person confirms by a link mailed to the address on file.
// Without a choice the plain link (sign-in by e-mail) is followed.

export interface ManageDataOptions {
  publicKey: string;
  /** The browser's visitor id, or undefined before any choice. */
  visitorId(): string | undefined;
  /** Resolves once queued choices were sent, so the server knows the visitor (GDPR-04). */
  flush(): Promise<void>;
  navigate(url: string): void;
}

/** The preference-center URL that signs this visitor in: the plain link with the id in the fragment. */
export const visitorUrl = (plain: string, publicKey: string, visitorId: string): string =>
  `${plain.split('#')[0]}#visitor=${encodeURIComponent(visitorId)}&key=${encodeURIComponent(publicKey)}`;

/**
 * The click handler of every "manage my data" link. A plain link stays a plain link (keyboard,
 * middle click and "open in new tab" keep working); with a visitor id a plain left click or
 * Enter sends queued choices first and then opens the preference center in the same tab.
 */
export function onManageDataClick(options: ManageDataOptions): (event: Event) => void {
  let busy = false;
  return (event) => {
    const click = event as MouseEvent;
    const visitorId = options.visitorId();
    if (
      !visitorId ||
      click.button ||
      click.ctrlKey ||
      click.metaKey ||
      click.shiftKey ||
      click.altKey
    )
      return;
    event.preventDefault();
    if (busy) return;
    busy = true;
    const plain = (event.currentTarget as HTMLAnchorElement).href;
    void options
      .flush()
      .catch(() => undefined)
      .then(() => {
        busy = false;
        options.navigate(visitorUrl(plain, options.publicKey, visitorId));
      });
  };
}
