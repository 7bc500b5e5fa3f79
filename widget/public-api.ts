// window.akkoord, the site's way in, and the `akkoord:change` event on window. Every listener
// gets the same detail: { purposeKey: boolean } for every banner purpose.

import type { Decisions } from './consent/decisions';
import type { RecordProblem } from './consent/recorder';

/** What `await akkoord.ready()` answers: the consent and whether the server has recorded it. */
export interface AkkoordStatus {
  consent: Decisions;
  /** Choices not yet accepted by the server (queued, sent again with backoff). */
  pending: number;
  /** Why the last attempt failed; null after a success. */
  error: RecordProblem | null;
  receipt: string | null;
}

/** `await akkoord.ready` is the consent at start (as always); `akkoord.ready()` the status. */
export type Ready = Promise<Decisions> & (() => Promise<AkkoordStatus>);

export interface AkkoordApi {
  ready: Ready;
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
  status(): Promise<AkkoordStatus>;
}

export function createPublicApi(parts: ApiParts): AkkoordApi {
  const started = Promise.resolve(parts.consent());
  return {
    ready: Object.assign(parts.status, {
      then: started.then.bind(started),
      catch: started.catch.bind(started),
      finally: started.finally.bind(started),
    }) as unknown as Ready,
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
