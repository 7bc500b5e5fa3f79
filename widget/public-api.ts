// window.akkoord, the site's way in (CONTRACT §4), and the `akkoord:change` event on window.
// Every listener gets the same detail: { purposeKey: boolean } for every banner purpose.

import type { Decisions } from './consent/decisions';

export interface AkkoordApi {
  ready: Promise<Decisions>;
  get(): Decisions;
  onChange(callback: (consent: Decisions) => void): () => void;
  show(): void;
  acceptAll(): void;
  rejectAll(): void;
  set(decisions: Decisions): void;
  receipt(): string | null;
}

export interface ApiParts {
  consent(): Decisions;
  subscribe(listener: (consent: Decisions) => void): () => void;
  show(): void;
  acceptAll(): void;
  rejectAll(): void;
  set(decisions: Decisions): void;
  receipt(): string | null;
}

export function createPublicApi(parts: ApiParts): AkkoordApi {
  return {
    ready: Promise.resolve(parts.consent()),
    get: parts.consent,
    onChange: (callback) => parts.subscribe((consent) => callback({ ...consent })),
    show: parts.show,
    acceptAll: parts.acceptAll,
    rejectAll: parts.rejectAll,
    set: parts.set,
    receipt: parts.receipt,
  };
}

export function announceChange(win: Window, consent: Decisions): void {
  win.dispatchEvent(new CustomEvent('akkoord:change', { detail: { ...consent } }));
}
